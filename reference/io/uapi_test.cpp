// SPDX-License-Identifier: MIT
// The UAPI text protocol, without a socket: what `wg set`, `wg setconf`,
// `wg syncconf` and `wg show` send and expect (wireguard.com/xplatform).
#include <catch2/catch.hpp>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "io/uapi.hpp"

using namespace wg;
using namespace std::chrono_literals;

namespace {
std::string hex_key(std::uint8_t fill) { return to_hex(Bytes(32, fill)); }
}  // namespace

TEST_CASE("A set request is parsed whole before anything changes", "[uapi]") {
    const std::string body = "private_key=" + hex_key(0x11) + "\nlisten_port=51820\nreplace_peers=true\n"
                             "public_key=" + hex_key(0x22) + "\npreshared_key=" + hex_key(0x33) +
                             "\nendpoint=[2001:db8::1]:51820\npersistent_keepalive_interval=25\n"
                             "replace_allowed_ips=true\nallowed_ip=203.0.113.0/24\nallowed_ip=2001:db8::/32\n"
                             "public_key=" + hex_key(0x44) + "\nremove=true\n";
    auto change = io::parse_set(body);
    REQUIRE(change.ok());
    const auto& c = change.value();
    CHECK(c.listen_port == 51820);
    CHECK(c.replace_peers);
    REQUIRE(c.peers.size() == 2);
    CHECK(c.peers[0].endpoint->address.is_v6());
    CHECK(c.peers[0].endpoint->port == 51820);
    CHECK(c.peers[0].persistent_keepalive == std::chrono::seconds(25));
    CHECK(c.peers[0].allowed_ips.size() == 2);
    CHECK(c.peers[1].remove);
}

TEST_CASE("A bad set line is refused with its line number, and nothing is applied", "[uapi]") {
    for (const auto& [body, line] : std::vector<std::pair<std::string, int>>{
             {"listen_port=99999\n", 1},
             {"private_key=abcd\n", 1},
             {"public_key=" + hex_key(1) + "\nallowed_ip=203.0.113.0/33\n", 2},
             {"public_key=" + hex_key(1) + "\nendpoint=example.com:51820\n", 2},
             {"public_key=" + hex_key(1) + "\nremove=false\n", 2},
             {"remove=true\n", 1},  // a peer key before any public_key
             {"no equals sign\n", 1},
         }) {
        INFO(body);
        auto change = io::parse_set(body);
        REQUIRE_FALSE(change.ok());
        CHECK(change.error().line == line);
    }
    device::SeededRng rng(1);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = true;
    const std::string reply = io::handle_request("set=1\nlisten_port=1000\nbogus=1\n\n", d, settings, changed);
    CHECK(reply == "errno=-22\n\n");  // negative, as wireguard-go writes it and `wg` reads it
    CHECK(settings.listen_port == 0);  // the good first line was not applied either
}

TEST_CASE("get reports what set configured, in the protocol's order", "[uapi]") {
    device::SeededRng rng(1);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    const std::string peer_key = hex_key(0x22);
    REQUIRE(io::handle_request("set=1\nprivate_key=" + hex_key(0x11) + "\nlisten_port=51820\npublic_key=" + peer_key +
                                   "\nendpoint=192.0.2.2:51820\nallowed_ip=203.0.113.2/32\n\n",
                               d, settings, changed) == "errno=0\n\n");
    const std::string got = io::handle_request("get=1\n\n", d, settings, changed);
    // The private key as stored: clamped (RFC 7748 §5), as the kernel and wireguard-go store and show it.
    std::string clamped = hex_key(0x11);
    clamped.replace(0, 2, "10");   // 0x11 & 248
    clamped.replace(62, 2, "51");  // 0x11 & 127 | 64
    CHECK(got.find("private_key=" + clamped + "\nlisten_port=51820\n") == 0);
    CHECK(got.find("public_key=" + peer_key + "\n") != std::string::npos);
    CHECK(got.find("endpoint=192.0.2.2:51820\n") != std::string::npos);
    CHECK(got.find("allowed_ip=203.0.113.2/32\n") != std::string::npos);
    CHECK(got.find("preshared_key=" + std::string(64, '0') + "\n") != std::string::npos);  // always, zeros for none
    // wgref's own read-only counters, in keys that `wg` skips.
    CHECK(got.find("wgref_drops_replay=0\n") != std::string::npos);
    CHECK(got.find("wgref_handshakes_initiated=0\n") != std::string::npos);
    CHECK(got.size() >= 9);
    CHECK(got.substr(got.size() - 9) == "errno=0\n\n");
}

TEST_CASE("Re-applying an unchanged peer, as syncconf does, keeps its session", "[uapi]") {
    device::SimulatedNetwork net(2);
    net.add_host("a", 1);
    net.add_host("b", 2);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"});
    net.send("a", device::make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, as_bytes("x")));
    net.run_for(1s);
    auto& a = *net.host("a").device;
    REQUIRE(a.has_sending_session(1, net.now()));
    io::InterfaceSettings settings;
    bool changed = false;
    const std::string b_key = to_hex(net.host("b").device->public_key());
    // syncconf: same peer, same (no) PSK, allowed IPs replaced by the same list.
    io::handle_request("set=1\npublic_key=" + b_key + "\nreplace_allowed_ips=true\nallowed_ip=203.0.113.2/32\n\n", a,
                       settings, changed);
    CHECK(a.has_sending_session(1, net.now()));
    // A new PSK enters only the next handshake: the session stays, as in the
    // kernel and wireguard-go (which store the key and change nothing else).
    io::handle_request("set=1\npublic_key=" + b_key + "\npreshared_key=" + hex_key(9) + "\n\n", a, settings, changed);
    CHECK(a.has_sending_session(1, net.now()));
    // A new private key does end sending on the old keys (the kernel's
    // wg_noise_expire_current_peer_keypairs).
    io::handle_request("set=1\nprivate_key=" + hex_key(0x21) + "\n\n", a, settings, changed);
    CHECK_FALSE(a.has_sending_session(1, net.now()));
}

TEST_CASE("wg setconf twice: replace_peers removes and re-adds cleanly", "[uapi]") {
    device::SeededRng rng(3);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    const std::string conf = "set=1\nprivate_key=" + hex_key(0x11) + "\nreplace_peers=true\npublic_key=" + hex_key(0x22) +
                             "\nallowed_ip=203.0.113.2/32\npublic_key=" + hex_key(0x33) + "\nallowed_ip=203.0.113.3/32\n\n";
    for (int i = 0; i < 3; ++i) REQUIRE(io::handle_request(conf, d, settings, changed) == "errno=0\n\n");
    CHECK(d.peers().size() == 2);
    CHECK(d.allowed_ips().size() == 2);
    const std::string got = io::handle_request("get=1\n\n", d, settings, changed);
    CHECK(got.find("public_key=" + hex_key(0x33)) != std::string::npos);
}

TEST_CASE("Setting the same private key again keeps every session", "[uapi]") {
    device::SimulatedNetwork net(4);
    net.add_host("a", 1);
    net.add_host("b", 2);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"});
    net.send("a", device::make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, as_bytes("x")));
    net.run_for(1s);
    auto& a = *net.host("a").device;
    REQUIRE(a.has_sending_session(1, net.now()));
    a.set_private_key(net.host("a").private_key);  // what wg syncconf sends
    CHECK(a.has_sending_session(1, net.now()));
    a.set_private_key(crypto::PrivateKey::from(Bytes(32, 0x77)));  // a new identity ends them
    CHECK_FALSE(a.has_sending_session(1, net.now()));
}

TEST_CASE("Lines apply in order: replace_allowed_ips drops the allowed_ip lines above it", "[uapi]") {
    device::SeededRng rng(4);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    REQUIRE(io::handle_request("set=1\npublic_key=" + hex_key(0x22) + "\nallowed_ip=192.0.2.0/24\nreplace_allowed_ips=true\n"
                               "allowed_ip=198.51.100.0/24\n\n", d, settings, changed) == "errno=0\n\n");
    crypto::PublicKey peer{};
    peer.fill(0x22);
    const auto prefixes = d.peer_info(*d.find_peer(peer)).allowed_ips;
    REQUIRE(prefixes.size() == 1);
    CHECK(prefixes[0].to_string() == "198.51.100.0/24");
}

TEST_CASE("A private key of zeros removes the identity: no key is shown, and no handshake is made", "[uapi]") {
    device::SeededRng rng(5);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    REQUIRE(io::handle_request("set=1\nprivate_key=" + hex_key(0x11) + "\n\n", d, settings, changed) == "errno=0\n\n");
    CHECK(d.has_identity());
    REQUIRE(io::handle_request("set=1\nprivate_key=" + std::string(64, '0') + "\n\n", d, settings, changed) == "errno=0\n\n");
    CHECK_FALSE(d.has_identity());
    CHECK(io::handle_request("get=1\n\n", d, settings, changed).find("private_key=") == std::string::npos);
}

TEST_CASE("An endpoint with port 0 is accepted, as wireguard-go accepts it", "[uapi]") {
    auto change = io::parse_set("public_key=" + hex_key(0x22) + "\nendpoint=192.0.2.9:0\n");
    REQUIRE(change.ok());
    CHECK(change.value().peers[0].endpoint->port == 0);
}
