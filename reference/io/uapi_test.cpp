// SPDX-License-Identifier: MIT
// The UAPI text protocol, without a socket: what `wg set`, `wg setconf`,
// `wg syncconf` and `wg show` send and expect (wireguard.com/xplatform).
#include <catch2/catch.hpp>

#include <cstdio>

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

// ---- any size: the request read as it arrives, the answer written in pieces ----

namespace {
/// A `wg setconf` body for `peers` peers, each with one IPv4 /24 and one IPv6 /64.
std::string setconf_of(std::size_t peers) {
    std::string text = "set=1\nprivate_key=" + hex_key(0x11) + "\nreplace_peers=true\n";
    for (std::size_t i = 0; i < peers; ++i) {
        Bytes key(32, 0x55);
        key[0] = static_cast<std::uint8_t>(i);
        key[1] = static_cast<std::uint8_t>(i >> 8);
        key[2] = static_cast<std::uint8_t>(i >> 16);
        const auto a = std::to_string((i >> 8) & 0xff), b = std::to_string(i & 0xff);
        char group[8];  // an IPv6 group is hex, at most ffff
        std::snprintf(group, sizeof group, "%zx", i & 0xffff);
        text += "public_key=" + to_hex(key) + "\nreplace_allowed_ips=true\nallowed_ip=10." + a + "." + b +
                ".0/24\nallowed_ip=2001:db8:" + group + "::/64\n";
    }
    return text + "\n";
}
}  // namespace

TEST_CASE("A request read a byte at a time is the request read whole", "[uapi]") {
    const std::string request = setconf_of(3);
    io::RequestReader whole, bytewise;
    CHECK(whole.feed(request) == io::RequestReader::State::set);
    for (char c : request) bytewise.feed(std::string_view(&c, 1));
    REQUIRE(bytewise.state() == io::RequestReader::State::set);
    CHECK(bytewise.change().peers.size() == 3);
    CHECK(bytewise.change().peers[2].allowed_ips == whole.change().peers[2].allowed_ips);
    io::RequestReader get;
    CHECK(get.feed("get=1\n") == io::RequestReader::State::reading);  // not yet: the empty line ends it
    CHECK(get.feed("\n") == io::RequestReader::State::get);
}

TEST_CASE("A request larger than any buffer is taken: a line longer than any valid one is refused", "[uapi]") {
    // 20,000 peers: about 3 MB of text, past the 1 MiB wgref once cut requests at.
    const std::string request = setconf_of(20'000);
    REQUIRE(request.size() > (std::size_t{2} << 20));
    device::SeededRng rng(1);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    io::RequestReader reader;
    for (std::size_t at = 0; at < request.size(); at += 16384) reader.feed(std::string_view(request).substr(at, 16384));
    bool changed = false;
    CHECK(io::answer(reader, d, settings, changed) == "errno=0\n\n");
    CHECK(d.peers().size() == 20'000);

    io::RequestReader long_line;
    long_line.feed("set=1\nlisten_port=" + std::string(io::RequestReader::kMaxLineLength, '1'));
    CHECK(long_line.state() == io::RequestReader::State::refused);
    CHECK(long_line.error().message.find("longer than") != std::string::npos);
}

TEST_CASE("The reason for a refusal, which the daemon logs, names the request's line", "[uapi]") {
    device::SeededRng rng(1);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    const std::string too_long(io::RequestReader::kMaxLineLength + 1, 'x');
    for (const auto& [request, reason] : std::vector<std::pair<std::string, std::string>>{
             {"set=1\nlisten_port=1000\nbogus=1\n\n", "set refused: line 3: bogus: unknown interface key"},
             {"set=1\n" + too_long, "set refused: line 2: line longer than 1024 bytes"},
             // Not a set: the first line, or a line after get=1, is the request as a whole.
             {too_long, "refused: line longer than 1024 bytes"},
             {"get=1\n" + too_long, "refused: line longer than 1024 bytes"},
             {"get=1\nlisten_port=1\n\n", "refused: get=1 takes no lines"},
         }) {
        INFO(request.substr(0, 40));
        std::string refusal;
        CHECK(io::handle_request(request, d, settings, changed, &refusal) == "errno=-22\n\n");
        CHECK(refusal == reason);
    }
}

TEST_CASE("get's answer comes in pieces of about 64 KiB, the same as the whole", "[uapi]") {
    device::SeededRng rng(1);
    device::Device d(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    bool changed = false;
    REQUIRE(io::handle_request(setconf_of(2'000), d, settings, changed) == "errno=0\n\n");
    std::vector<std::size_t> sizes;
    std::string joined;
    io::write_get(d, settings, [&](std::string_view piece) {
        sizes.push_back(piece.size());
        joined.append(piece);
    });
    CHECK(joined == io::format_get(d, settings));
    CHECK(sizes.size() > 5);
    for (std::size_t size : sizes) CHECK(size < 64 * 1024 + 1024);  // a piece, plus at most one peer's lines
    // Each peer's allowed IPs, from the peer: /24 then /64, as set.
    CHECK(joined.find("allowed_ip=10.7.207.0/24\nallowed_ip=2001:db8:7cf::/64\n") != std::string::npos);
}
