// SPDX-License-Identifier: MIT
// The UAPI (io/uapi.hpp, wireguard.com/xplatform): what arrives on
// /var/run/wireguard/IFACE.sock from anyone allowed to open it. Each input
// is one request, handled by io::handle_request against a Device that
// already has a peer (so removals and updates have something to act on);
// then the Device is reported with format_get, as `wg show` would ask.
// A set body is also parsed alone (parse_set), whose errors must never
// repeat a key.
#include "device/simulated_network.hpp"
#include "io/uapi.hpp"
#include "text_secrets.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const std::string_view request = fuzz::as_text(data, size);
    device::SeededRng rng(7);
    crypto::PrivateKey private_key;
    private_key.data()[0] = 0x40;
    device::Device device(private_key, rng);
    device::PeerConfig peer;
    peer.public_key.fill(0x22);  // "IiIi...": seeds name this peer
    peer.allowed_ips.push_back(*IpPrefix::parse("203.0.113.0/24"));
    device.set_peer(peer);

    io::InterfaceSettings settings;
    bool changed = false;
    const std::string reply = io::handle_request(request, device, settings, changed);
    fuzz::expect(reply.size() >= 2 && reply.ends_with("\n\n"), "every reply ends with an empty line");
    (void)io::format_get(device, settings);

    constexpr std::string_view kSet = "set=1\n";
    if (request.starts_with(kSet)) {
        const std::string_view body = request.substr(kSet.size());
        auto change = io::parse_set(body);
        if (!change) {
            fuzz::expect_no_secret_in(body, change.error().line, change.error().message,
                                      {"private_key", "public_key", "preshared_key"},
                                      [](std::string_view text) -> std::optional<std::string> {
                                          auto c = io::parse_set(text);
                                          if (c) return std::nullopt;
                                          return c.error().message;
                                      });
        }
    }
    return 0;
}
