// SPDX-License-Identifier: MIT
// Where the Linux kernel says more than the paper, wgref does what the kernel
// does. Each TEST_CASE is one such rule, told as a story on the simulated
// network (hosts a and b, as in device_test.cpp), and each failed against the
// wgref before it followed the kernel.
#include <catch2/catch.hpp>

#include "cookie/macs.hpp"
#include "device/simulated_network.hpp"
#include "oracle_case.hpp"
#include "wire/messages.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr std::array<std::uint8_t, 4> kA{203, 0, 113, 1}, kB{203, 0, 113, 2};

Bytes packet(std::array<std::uint8_t, 4> from, std::array<std::uint8_t, 4> to, int n) {
    const std::string text = "packet " + std::to_string(n);
    return make_ipv4_packet(from, to, as_bytes(text));
}

SimulatedNetwork two_hosts(std::uint64_t seed = 1, DeviceOptions a_options = {}, DeviceOptions b_options = {}) {
    SimulatedNetwork net(seed);
    net.add_host("a", 1, a_options);
    net.add_host("b", 2, b_options);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"});
    return net;
}

std::size_t count(const std::vector<Event>& events, EventKind kind) {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const Event& e) { return e.kind == kind; }));
}

std::size_t drops(const std::vector<Event>& events, DropReason reason) {
    return static_cast<std::size_t>(std::count_if(events.begin(), events.end(), [&](const Event& e) {
        return e.kind == EventKind::dropped && e.reason == reason;
    }));
}

bool delivered(const SimulatedNetwork::Host& host, const Bytes& p) {
    return std::find(host.delivered.begin(), host.delivered.end(), p) != host.delivered.end();
}

/// The timestamp inside a's initiation, read as b reads it.
crypto::Tai64n timestamp_in(SimulatedNetwork& net, const Bytes& initiation) {
    const auto b = handshake::StaticIdentity::from_private_key(net.host("b").private_key);
    const test::OnePeerDirectory directory(handshake::RemotePeer{net.host("a").device->public_key(), {}});
    const auto consumed = handshake::consume_initiation(*wire::InitiationMessage::parse(initiation), b, directory);
    REQUIRE(consumed.ok());
    return consumed.value().timestamp;
}

}  // namespace

TEST_CASE("Initiation timestamps: the kernel's TAI64 label, whitened, and the origin to the nanosecond (5.1)", "[device][kernel]") {
    DeviceOptions a_options;
    a_options.unix_time_at_origin = 1'700'000'000s + 900ms;  // a sub-second origin must not be truncated
    auto net = two_hosts(1, a_options);
    std::optional<Bytes> initiation;
    net.filter = [&](const Endpoint&, const Endpoint&, ByteView d) {
        if (!initiation && wire::InitiationMessage::parse(d)) initiation = Bytes(d.begin(), d.end());
        return true;
    };
    net.run_for(350ms);
    net.send("a", packet(kA, kB, 1));  // sent at protocol time 0.35 s: Unix time 1,700,000,001.25
    net.run_for(10ms);
    REQUIRE(initiation);
    const auto t = timestamp_in(net, *initiation);
    CHECK(load_be64(t.view().data()) == (std::uint64_t{1} << 62) + 10 + 1'700'000'001);
    CHECK(t.unix_seconds() == 1'700'000'001);
    CHECK(t.nanoseconds() % (1u << 24) == 0);          // whitened
    CHECK(t.nanoseconds() == 14 * (1u << 24));         // 0.25 s = 250,000,000 ns, rounded down to 234,881,024
}

TEST_CASE("The wall clock steps: the next timestamp follows it, a past handshake keeps its time (tai64n_now, walltime_last_handshake)",
          "[device][kernel]") {
    // Protocol time never jumps; the wall clock does. The kernel reads the
    // wall clock at each initiation, and notes the wall time of each
    // handshake when it happens; the I/O shell tells the Device where
    // protocol time zero falls on the wall clock each time it passes the time.
    const Duration origin = 1'700'000'000s;
    DeviceOptions a_options;
    a_options.unix_time_at_origin = origin;
    auto net = two_hosts(1, a_options);
    std::vector<Bytes> initiations;
    net.filter = [&](const Endpoint&, const Endpoint&, ByteView d) {
        if (wire::InitiationMessage::parse(d)) initiations.emplace_back(d.begin(), d.end());
        return true;
    };
    auto& a = *net.host("a").device;
    const PeerId b = a.peers().front();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(initiations.size() == 1);
    CHECK(timestamp_in(net, initiations[0]).unix_seconds() == 1'700'000'000);
    REQUIRE(a.peer_stats(b).last_handshake_unix_time);
    const Duration first_handshake = *a.peer_stats(b).last_handshake_unix_time;
    CHECK(first_handshake > origin);
    CHECK(first_handshake < origin + 1s);

    // Someone sets the clock an hour ahead. `wg show` still says when the
    // first handshake happened; the rekey after REKEY_AFTER_TIME (6.2)
    // carries the new time, and b takes it (newer than the last).
    a.set_unix_time_at_origin(origin + 1h);
    CHECK(*a.peer_stats(b).last_handshake_unix_time == first_handshake);
    net.run_for(wire::kRekeyAfterTime);
    net.send("a", packet(kA, kB, 2));
    net.run_for(1s);
    REQUIRE(initiations.size() == 2);
    const auto ahead = timestamp_in(net, initiations[1]);
    CHECK(ahead.unix_seconds() == 1'700'000'000 + 3600 + 121);
    CHECK(a.peer_stats(b).handshakes_completed == 2);
    CHECK(*a.peer_stats(b).last_handshake_unix_time > origin + 1h + 121s);

    // And back by two hours. Here wgref goes its own way: the kernel would
    // send the earlier time, which b refuses as a replay (5.1) for two hours,
    // until the clock passes the last timestamp b took; wgref sends the
    // smallest step after its last timestamp, and b takes it.
    a.set_unix_time_at_origin(origin - 1h);
    net.run_for(wire::kRekeyAfterTime);
    net.send("a", packet(kA, kB, 3));
    net.run_for(1s);
    REQUIRE(initiations.size() == 3);
    const auto behind = timestamp_in(net, initiations[2]);
    CHECK(behind.is_after(ahead));
    CHECK(behind.unix_seconds() == ahead.unix_seconds());
    CHECK(a.peer_stats(b).handshakes_completed == 3);
    CHECK(delivered(net.host("b"), packet(kA, kB, 3)));
}

TEST_CASE("Without a private key a device neither sends nor answers handshakes (the kernel's has_identity)", "[device][kernel]") {
    auto net = two_hosts();
    net.host("b").device->set_private_key(crypto::PrivateKey{});
    CHECK_FALSE(net.host("b").device->has_identity());
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    CHECK(count(net.host("b").events, EventKind::response_sent) == 0);
    CHECK(drops(net.host("b").events, DropReason::no_identity) >= 1);
    net.send("b", packet(kB, kA, 2));
    net.run_for(1s);
    CHECK(count(net.host("b").events, EventKind::initiation_sent) == 0);
}

TEST_CASE("Key confirmation: the endpoint moves before the packets that waited are sent", "[device][kernel]") {
    auto net = two_hosts();
    // a's handshake reaches b, but a's first data does not: b holds new keys
    // it may not send with yet.
    bool block_data = true;
    net.filter = [&](const Endpoint&, const Endpoint&, ByteView d) { return !(block_data && wire::DataMessage::parse(d)); };
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    // b has something for a: it waits (no keys to send with, and b's own
    // initiation is held back by the REKEY_TIMEOUT after its response).
    net.send("b", packet(kB, kA, 2));
    net.run_for(10ms);
    CHECK_FALSE(delivered(net.host("a"), packet(kB, kA, 2)));
    // a moves, and its next packet confirms b's keys from the new address:
    // what waited must go there, not to where a was.
    net.host("a").endpoint = Endpoint{IpAddress::v4({198, 51, 100, 1}), 40000};
    block_data = false;
    net.send("a", packet(kA, kB, 3));
    net.run_for(1s);
    CHECK(delivered(net.host("b"), packet(kA, kB, 3)));
    CHECK(delivered(net.host("a"), packet(kB, kA, 2)));
}

TEST_CASE("A packet with a disallowed inner source still earns a passive keepalive (6.5, as the kernel arms it)", "[device][kernel]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    const auto keepalives_before = count(net.host("b").events, EventKind::keepalive_sent);
    // a sends a packet claiming an address that is not a's: b drops it (§3)...
    net.send("a", make_ipv4_packet({203, 0, 113, 99}, kB, as_bytes(std::string_view("not mine"))));
    net.run_for(1s);
    CHECK(drops(net.host("b").events, DropReason::allowed_ips) == 1);
    // ...but it was authentic data, so a keepalive follows KEEPALIVE_TIMEOUT later.
    net.run_for(10s);
    CHECK(count(net.host("b").events, EventKind::keepalive_sent) == keepalives_before + 1);
}

TEST_CASE("Crossed initiations: each side answers the other's and forgets its own, as the kernel does", "[device][kernel]") {
    auto net = two_hosts();
    net.connect("b", "a", {"203.0.113.1/32"}, {"203.0.113.2/32"});  // b knows a's endpoint too
    net.send("a", packet(kA, kB, 1));
    net.send("b", packet(kB, kA, 2));  // both initiate at once
    net.run_for(1s);
    // Each consumed the other's initiation and answered it, ending its own:
    // the responses to the forgotten initiations make no session.
    CHECK(count(net.host("a").events, EventKind::response_sent) == 1);
    CHECK(count(net.host("b").events, EventKind::response_sent) == 1);
    CHECK(drops(net.host("a").events, DropReason::unknown_index) == 1);
    CHECK(drops(net.host("b").events, DropReason::unknown_index) == 1);
    CHECK(net.host("a").delivered.empty());
    // The retransmit timer tries again after REKEY_TIMEOUT, and that one works.
    net.run_for(10s);
    CHECK(delivered(net.host("a"), packet(kB, kA, 2)));
    CHECK(delivered(net.host("b"), packet(kA, kB, 1)));
}

TEST_CASE("One handshake message earns at most one cookie reply (5.4.7, the kernel's have_sent_mac1)", "[device][kernel][cookie]") {
    DeviceOptions loaded;
    loaded.load_threshold = 1;  // b is always under load: every handshake needs mac2
    auto net = two_hosts(1, {}, loaded);
    std::optional<std::pair<Endpoint, Bytes>> reply;
    net.filter = [&](const Endpoint& from, const Endpoint&, ByteView d) {
        if (!reply && wire::CookieReplyMessage::parse(d)) reply = {from, Bytes(d.begin(), d.end())};
        return true;
    };
    net.send("a", packet(kA, kB, 1));
    net.run_for(100ms);
    REQUIRE(reply);
    CHECK(count(net.host("a").events, EventKind::cookie_reply_received) == 1);
    net.inject("a", reply->first, reply->second);  // the same reply again
    CHECK(count(net.host("a").events, EventKind::cookie_reply_received) == 1);
    CHECK(drops(net.host("a").events, DropReason::unsolicited_cookie) == 1);
}

TEST_CASE("A new PSK keeps the session: it enters the next handshake (as in the kernel)", "[device][kernel]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    crypto::SymmetricKey psk;
    psk.data()[0] = 7;
    net.host("a").device->set_preshared_key(1, psk);
    CHECK(net.host("a").device->has_sending_session(1, net.now()));
    net.send("a", packet(kA, kB, 2));
    net.run_for(1s);
    CHECK(delivered(net.host("b"), packet(kA, kB, 2)));
}
