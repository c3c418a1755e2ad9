// SPDX-License-Identifier: MIT
// The UAPI (io/uapi.hpp, wireguard.com/xplatform): what arrives on
// /var/run/wireguard/IFACE.sock from anyone allowed to open it. Each input
// is one request, handled by io::handle_request against a Device that
// already has a peer (so removals and updates have something to act on);
// then the Device is reported with format_get, as `wg show` would ask, and
// must be what the same request read a byte at a time made of it.
// A set body is also parsed alone (parse_set), whose errors must never
// repeat a key; nor may the reason for a refusal that the daemon writes to
// its log (io/uapi_socket.cpp), which comes by another road (RequestReader).
//
// Then the Device is used as configured, as the daemon would use it the
// moment the request is answered: a packet from the interface to each
// peer's first allowed IP, and time past one handshake retry (§6.4). With no
// session anywhere, the only thing that may leave is an initiation (§5.4.2),
// to the endpoint the request gave its peer, with that peer's mac1
// (§5.4.4); a peer with no endpoint sends nothing, and a peer whose public
// key is a low-order point gets nothing at all (the kernel's rule: it stays
// configured but is never written to).
#include <algorithm>

#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "inner_packets.hpp"
#include "io/uapi.hpp"
#include "text_secrets.hpp"
#include "wire/messages.hpp"

using namespace wg;
using namespace std::chrono_literals;

namespace {

constexpr std::size_t kPeersUsed = 4;  // each costs a few Curve25519 operations per input

/// A ping from the interface to `destination` (wgconform's echo request).
Bytes packet_to(const IpAddress& destination) {
    const auto source = *IpAddress::parse(destination.is_v6() ? "2001:db8::1" : "192.0.2.1");
    return conformance::make_echo_request(source, destination, {1, 1}, as_bytes(std::string_view("ping")));
}

/// A peer the request left configured, and what the harness saw sent to it.
struct PeerSeen {
    device::PeerId id;
    device::Device::PeerInfo info;
    std::uint64_t bytes_sent = 0;  // as the harness saw them leave
};

void use_as_configured(device::Device& device) {
    std::vector<PeerSeen> peers;
    for (const auto id : device.peers()) peers.push_back({id, device.peer_info(id)});

    device::Outbox out;
    std::vector<device::Datagram> sent;
    auto collect = [&] {
        for (const auto& d : out.datagrams()) sent.push_back(d);
        out.clear();
    };
    Time now{1s};
    for (std::size_t i = 0; i < peers.size() && i < kPeersUsed; ++i) {
        if (peers[i].info.allowed_ips.empty()) continue;
        device.send_packet(packet_to(peers[i].info.allowed_ips.front().address), now, out);
        collect();
    }
    // §6.4: no answer, so one retry after REKEY_TIMEOUT (5 s) and its jitter.
    for (int step = 0; step < 8; ++step) {
        const auto next = device.next_deadline();
        if (!next || *next > 7s) break;
        now = std::max(now, *next);
        device.advance(now, out);
        collect();
    }

    for (const auto& d : sent) {
        fuzz::expect(device.has_identity(), "a Device with no private key sends nothing");
        fuzz::expect(wire::InitiationMessage::parse(d.bytes).has_value(),
                     "with no session anywhere, only initiations leave (5.4.2)");
        // Its peer: the one at that endpoint whose mac1 key it carries (one
        // at most: the key is a hash of the peer's public key).
        auto to = std::ranges::find_if(peers, [&](const PeerSeen& p) {
            return p.info.endpoint == d.to &&
                   cookie::mac1_is_valid(d.bytes, cookie::MacKeys::of(p.info.public_key).mac1_key);
        });
        fuzz::expect(to != peers.end(), "an initiation goes to its peer's endpoint with that peer's mac1 (5.4.4)");
        // Low-order: every Diffie-Hellman with its key is all zeros (RFC 7748 §6.1).
        fuzz::expect(crypto::dh(device.private_key(), to->info.public_key).has_value(),
                     "a peer with a low-order public key is never sent an initiation");
        to->bytes_sent += d.bytes.size();
    }
    for (const auto& p : peers) {
        fuzz::expect(device.peer_stats(p.id).tx_bytes == p.bytes_sent, "each peer's tx_bytes counts what was sent to it");
    }
}

/// The names of the lines that carry keys, whose values no error may repeat.
constexpr std::initializer_list<std::string_view> kKeyFields = {"private_key", "public_key", "preshared_key"};

crypto::PrivateKey interface_key() {
    crypto::PrivateKey key;
    key.data()[0] = 0x40;
    return key;
}

/// The interface every input meets: a Device with one peer (so removals
/// and updates have something to act on), and its settings.
struct Interface {
    device::SeededRng rng{7};
    device::Device device{interface_key(), rng};
    io::InterfaceSettings settings;
    bool changed = false;  // handle_request's answer: settings may need action

    Interface() {
        device::PeerConfig peer;
        peer.public_key.fill(0x22);  // "IiIi...": seeds name this peer
        peer.allowed_ips.push_back(*IpPrefix::parse("203.0.113.0/24"));
        device.set_peer(peer);
    }
    /// Answers `request`; its refusal, if any, goes to `refusal`.
    std::string handle(std::string_view request, std::string& refusal) {
        return io::handle_request(request, device, settings, changed, &refusal);
    }
};

/// What the daemon would log for `request`: the refusal, or nothing.
std::optional<std::string> refusal_of(std::string_view request) {
    Interface fresh;
    std::string refusal;
    (void)fresh.handle(request, refusal);
    if (refusal.empty()) return std::nullopt;
    return refusal;
}

/// The request line (1-based) a refusal names ("set refused: line N: ..."), or 0.
int line_named_by(std::string_view refusal) {
    constexpr std::string_view kPrefix = "set refused: line ";
    if (!refusal.starts_with(kPrefix)) return 0;
    int line = 0;
    for (std::size_t i = kPrefix.size(); i < refusal.size() && refusal[i] >= '0' && refusal[i] <= '9'; ++i) {
        if (line > 100000000) return 0;
        line = line * 10 + (refusal[i] - '0');
    }
    return line;
}

}  // namespace

WGREF_FUZZ_TARGET {
    const std::string_view request = fuzz::as_text(data, size);
    Interface interface;
    std::string refusal;
    const std::string reply = interface.handle(request, refusal);
    fuzz::expect(reply.size() >= 2 && reply.ends_with("\n\n"), "every reply ends with an empty line");
    fuzz::expect(refusal.empty() == reply.ends_with(io::errno_line(0)),
                 "a request is refused, with a reason for the log, exactly when its answer is an error");
    if (const int line = line_named_by(refusal); line > 0) {
        fuzz::expect(request.starts_with("set=1\n") && line >= 2 &&
                         line <= 1 + static_cast<int>(std::ranges::count(request, '\n')),
                     "a refusal names a line of a set request's body");
        fuzz::expect_no_secret_in(request, line, refusal, kKeyFields, refusal_of);
    }
    // The socket hands the daemon a request in pieces of any size: read a
    // byte at a time, it must be answered, refused and applied the same.
    io::RequestReader bytewise;
    for (std::size_t i = 0; i < request.size() && bytewise.state() == io::RequestReader::State::reading; ++i) {
        bytewise.feed(request.substr(i, 1));
    }
    Interface twin;
    std::string twin_refusal;
    const std::string twin_reply = io::answer(bytewise, twin.device, twin.settings, twin.changed, &twin_refusal);
    fuzz::expect(twin_reply == reply && twin_refusal == refusal && twin.changed == interface.changed &&
                     io::format_get(twin.device, twin.settings) == io::format_get(interface.device, interface.settings),
                 "a request read a byte at a time is the request read whole");

    constexpr std::string_view kSet = "set=1\n";
    if (request.starts_with(kSet)) {
        const std::string_view body = request.substr(kSet.size());
        auto change = io::parse_set(body);
        if (!change) {
            fuzz::expect_no_secret_in(body, change.error().line, change.error().message, kKeyFields,
                                      [](std::string_view text) -> std::optional<std::string> {
                                          auto c = io::parse_set(text);
                                          if (c) return std::nullopt;
                                          return c.error().message;
                                      });
        }
    }
    use_as_configured(interface.device);
    return 0;
}
