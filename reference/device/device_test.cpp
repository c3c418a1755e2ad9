// SPDX-License-Identifier: MIT
// The Device, whole, on a simulated network (device/simulated_network.hpp):
// each TEST_CASE is one story from the paper, told with two or three hosts
// and an injected clock. Hosts are named a, b, c; host n listens at
// 192.0.2.n:51820 and owns tunnel address 203.0.113.n.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "device/simulated_network.hpp"
#include "wire/messages.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr std::array<std::uint8_t, 4> kA{203, 0, 113, 1}, kB{203, 0, 113, 2}, kC{203, 0, 113, 3};

Bytes packet(std::array<std::uint8_t, 4> from, std::array<std::uint8_t, 4> to, int n) {
    const std::string text = "packet " + std::to_string(n);
    return make_ipv4_packet(from, to, as_bytes(text));
}

/// a and b, each allowing exactly the other's tunnel address; a knows b's endpoint.
SimulatedNetwork two_hosts(std::uint64_t seed = 1, DeviceOptions b_options = {}) {
    SimulatedNetwork net(seed);
    net.add_host("a", 1);
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

std::uint8_t type_of(ByteView d) { return d.empty() ? 0 : d[0]; }

}  // namespace

TEST_CASE("A first packet starts a handshake and arrives, then data flows both ways", "[device]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));  // no session yet: staged, initiation sent (§5.4.2)
    net.run_for(1s);
    REQUIRE(net.host("b").delivered.size() == 1);
    CHECK(net.host("b").delivered[0] == packet(kA, kB, 1));
    // b learned a's endpoint from the handshake (roaming, §2.1) and, the
    // session being confirmed by a's data, may now answer (§5.4.6).
    net.send("b", packet(kB, kA, 2));
    net.run_for(1s);
    REQUIRE(net.host("a").delivered.size() == 1);
    CHECK(net.host("a").delivered[0] == packet(kB, kA, 2));
    CHECK(count(net.host("a").events, EventKind::initiation_sent) == 1);
    CHECK(count(net.host("b").events, EventKind::session_confirmed) == 1);
}

TEST_CASE("The responder sends nothing on new keys before key confirmation", "[device]") {
    auto net = two_hosts();
    // a's handshake gets through, but none of a's data (so b never gets key
    // confirmation) and none of b's own initiations (so b cannot make a
    // session of its own, as a responder with data to send would try).
    const Endpoint b_endpoint = net.host("b").endpoint;
    net.filter = [&](const Endpoint& from, const Endpoint&, ByteView d) {
        if (from == b_endpoint) return type_of(d) != 1;
        return type_of(d) != 4;
    };
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(net.host("b").device->endpoint(1));
    net.send("b", packet(kB, kA, 2));
    net.run_for(100ms);
    CHECK(std::none_of(net.wire_log.begin(), net.wire_log.end(), [&](const auto& entry) {
        return entry.first == net.host("b").endpoint && type_of(entry.second.bytes) == 4;
    }));
    CHECK(net.host("a").delivered.empty());
    // Its own handshake waits REKEY_TIMEOUT after the response it sent (§6.4,
    // as the kernel counts responses); asked again after that, it tries.
    CHECK(count(net.host("b").events, EventKind::initiation_sent) == 0);
    net.run_for(5s);
    net.send("b", packet(kB, kA, 3));
    net.run_for(100ms);
    CHECK(count(net.host("b").events, EventKind::initiation_sent) >= 1);
}

TEST_CASE("A lost initiation and a lost response are recovered by retrying (6.4)", "[device]") {
    auto net = two_hosts();
    int initiations = 0, responses = 0;
    net.filter = [&](const Endpoint&, const Endpoint&, ByteView d) {
        if (type_of(d) == 1 && ++initiations == 1) return false;  // the first initiation is lost
        if (type_of(d) == 2 && ++responses == 1) return false;    // and so is the first response
        return true;
    };
    net.send("a", packet(kA, kB, 1));
    net.run_for(4s);
    CHECK(net.host("b").delivered.empty());
    net.run_for(20s);  // two retries, REKEY_TIMEOUT (5 s) plus jitter apart
    REQUIRE(net.host("b").delivered.size() == 1);
    CHECK(count(net.host("a").events, EventKind::handshake_retry) == 2);
}

TEST_CASE("After REKEY_ATTEMPT_TIME the initiator gives up and drops what waited (6.4)", "[device]") {
    auto net = two_hosts();
    net.filter = [](const Endpoint&, const Endpoint&, ByteView d) { return type_of(d) != 1; };  // b never hears
    net.send("a", packet(kA, kB, 1));
    net.run_for(200s);
    const auto& events = net.host("a").events;
    CHECK(count(events, EventKind::initiation_sent) == 2 + wire::kMaxTimerHandshakes);  // 20, as the kernel
    CHECK(drops(events, DropReason::handshake_gave_up) == 1);
}

TEST_CASE("A peer removed while packets wait for its handshake counts them as dropped", "[device]") {
    auto net = two_hosts();
    net.filter = [](const Endpoint&, const Endpoint&, ByteView d) { return type_of(d) != 1; };  // b never hears
    for (int i = 0; i < 3; ++i) net.send("a", packet(kA, kB, i));
    net.run_for(1s);
    Device& a = *net.host("a").device;
    CHECK(a.drops(DropReason::peer_removed) == 0);
    a.remove_peer(net.host("b").device->public_key());
    // No event (removing is configuration, with no Outbox), but a count, as
    // the kernel counts them in tx_dropped: device/soak_test.cpp needs it to
    // account for every packet.
    CHECK(a.drops(DropReason::peer_removed) == 3);
}

TEST_CASE("Ten minutes of traffic both ways across several rekeys lose nothing", "[device][rekey]") {
    auto net = two_hosts(7);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"}, true, true);
    int sent = 0;
    for (Time t = 0s; t < 600s; t += 250ms) {
        net.send("a", packet(kA, kB, sent));
        net.send("b", packet(kB, kA, sent));
        ++sent;
        net.run_until(t + 250ms);
    }
    net.run_for(2s);
    CHECK(net.host("b").delivered.size() == static_cast<std::size_t>(sent));
    CHECK(net.host("a").delivered.size() == static_cast<std::size_t>(sent));
    // REKEY_AFTER_TIME is 120 s, so 600 s needs at least 4 new sessions (§6.2).
    const auto handshakes = net.host("a").device->peer_stats(1).handshakes_completed +
                            net.host("b").device->peer_stats(1).handshakes_completed;
    CHECK(handshakes >= 5);
    CHECK(drops(net.host("a").events, DropReason::replay) == 0);
}

TEST_CASE("Loss, duplication and reordering: handshakes still complete, duplicates never delivered twice", "[device]") {
    auto net = two_hosts(11);
    net.conditions.loss = 0.1;
    net.conditions.duplicate = 0.2;
    net.conditions.reorder = 0.3;
    for (int i = 0; i < 200; ++i) {
        net.send("a", packet(kA, kB, i));
        net.run_for(50ms);
    }
    net.run_for(30s);
    const auto& got = net.host("b").delivered;
    std::set<std::string> distinct;  // "packet N", from after the 20-byte IPv4 header
    for (const Bytes& p : got) distinct.emplace(p.begin() + 20, p.end());
    CHECK(distinct.size() == got.size());  // no packet twice (§5.4.6)
    CHECK(got.size() > 120);  // most arrive despite 10% loss (lost ones are not resent: that is TCP's job)
    CHECK(drops(net.host("b").events, DropReason::replay) > 0);  // the duplicates were seen and refused
}

TEST_CASE("Keys are erased after 3 x REJECT_AFTER_TIME with no new handshake (6.3)", "[device]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(net.host("a").device->has_sending_session(1, net.now()));
    net.run_for(541s);
    CHECK(count(net.host("a").events, EventKind::keys_erased) == 1);
    CHECK(count(net.host("b").events, EventKind::keys_erased) == 1);
    CHECK_FALSE(net.host("a").device->has_sending_session(1, net.now()));
    // A new packet simply starts a new handshake.
    net.send("a", packet(kA, kB, 2));
    net.run_for(1s);
    CHECK(net.host("b").delivered.size() == 2);
}

TEST_CASE("A passive keepalive answers data after KEEPALIVE_TIMEOUT (6.5)", "[device]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(11s);
    CHECK(count(net.host("b").events, EventKind::keepalive_sent) == 1);
    CHECK(count(net.host("a").events, EventKind::keepalive_received) == 1);
    CHECK(net.host("a").delivered.empty());  // a keepalive is never delivered
}

TEST_CASE("Turning persistent keepalive on makes a session at once, with no data (6.5)", "[device]") {
    // As the kernel does: a peer behind NAT must open its path (and so get a
    // session) without waiting for traffic; a keepalive with no session is a
    // handshake first, and the initiator's keepalive confirms it.
    auto net = two_hosts();
    net.host("a").device->set_persistent_keepalive(*net.host("a").device->find_peer(net.host("b").device->public_key()), 25s);
    net.run_for(1s);
    CHECK(count(net.host("a").events, EventKind::initiation_sent) == 1);
    CHECK(count(net.host("b").events, EventKind::session_confirmed) == 1);
    CHECK(net.host("b").delivered.empty());
    // Then one keepalive per interval while idle, on the same session.
    net.run_for(60s);
    CHECK(count(net.host("a").events, EventKind::initiation_sent) == 1);
    CHECK(count(net.host("a").events, EventKind::keepalive_sent) >= 3);
}

TEST_CASE("Roaming: the endpoint follows the latest authenticated packet (2.1)", "[device]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(net.host("b").device->endpoint(1) == net.host("a").endpoint);
    net.host("a").endpoint = Endpoint{IpAddress::v4({198, 51, 100, 1}), 40000};  // a moves
    net.send("a", packet(kA, kB, 2));
    net.run_for(1s);
    CHECK(net.host("b").device->endpoint(1) == Endpoint{IpAddress::v4({198, 51, 100, 1}), 40000});
    net.send("b", packet(kB, kA, 3));  // the reply reaches a at its new address
    net.run_for(1s);
    REQUIRE(net.host("a").delivered.size() == 1);
    CHECK(count(net.host("b").events, EventKind::endpoint_changed) == 2);
}

TEST_CASE("Replayed data and a replayed initiation are refused", "[device][replay]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(net.host("b").delivered.size() == 1);
    const auto initiation = std::find_if(net.wire_log.begin(), net.wire_log.end(), [](const auto& e) { return type_of(e.second.bytes) == 1; });
    const auto data = std::find_if(net.wire_log.begin(), net.wire_log.end(), [](const auto& e) { return type_of(e.second.bytes) == 4; });
    REQUIRE(initiation != net.wire_log.end());
    REQUIRE(data != net.wire_log.end());
    net.inject("b", data->first, data->second.bytes);
    CHECK(net.host("b").delivered.size() == 1);  // §5.4.6: at most once
    CHECK(drops(net.host("b").events, DropReason::replay) == 1);
    net.inject("b", initiation->first, initiation->second.bytes);
    const auto& last = net.host("b").events.back();
    CHECK(last.reason == DropReason::timestamp_not_newer);  // §5.1
}

TEST_CASE("An inner source outside the sender's allowed IPs is dropped (3)", "[device][routing]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    net.send("a", packet({203, 0, 113, 99}, kB, 2));  // a claims an address b never gave it
    net.run_for(1s);
    CHECK(net.host("b").delivered.size() == 1);
    CHECK(drops(net.host("b").events, DropReason::allowed_ips) == 1);
    net.send("a", packet(kA, {203, 0, 113, 77}, 3));  // and a has no peer for this destination
    CHECK(drops(net.host("a").events, DropReason::no_route) == 1);
}

TEST_CASE("Under load: cookie reply, then the handshake completes with mac2 (5.4.7)", "[device][cookie]") {
    DeviceOptions always_loaded;
    always_loaded.load_threshold = 1;  // every handshake message counts as load
    auto net = two_hosts(3, always_loaded);
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    CHECK(net.host("b").delivered.empty());
    CHECK(net.host("b").device->cookies_sent() == 1);
    CHECK(count(net.host("a").events, EventKind::cookie_reply_received) == 1);
    net.run_for(10s);  // the retry carries mac2 and is answered
    REQUIRE(net.host("b").delivered.size() == 1);
    CHECK(net.host("b").device->cookies_sent() == 1);
    // A stranger without mac1 gets silence, load or not (§5.4.4).
    Bytes junk(148, 0);
    junk[0] = 1;
    net.inject("b", Endpoint{IpAddress::v4({198, 51, 100, 9}), 1}, junk);
    CHECK(net.host("b").device->cookies_sent() == 1);
    CHECK(net.host("b").events.back().reason == DropReason::bad_mac1);
}

TEST_CASE("An initiator under load sends a cookie reply to a response, and the responder uses it", "[device][cookie]") {
    SimulatedNetwork net(8);
    DeviceOptions always_loaded;
    always_loaded.load_threshold = 1;
    net.add_host("a", 1, always_loaded);  // the initiator is the one under load
    net.add_host("b", 2);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"});
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    CHECK(net.host("a").device->cookies_sent() == 1);  // b's response had no mac2
    CHECK(count(net.host("b").events, EventKind::cookie_reply_received) == 1);
    net.run_for(10s);  // a retries; b's new response carries mac2 and is accepted
    CHECK(net.host("b").delivered.size() == 1);
}

TEST_CASE("Not under load, no cookie reply is ever sent", "[device][cookie]") {
    auto net = two_hosts();
    for (int i = 0; i < 5; ++i) {
        net.send("a", packet(kA, kB, i));
        net.run_for(200s);
    }
    CHECK(net.host("b").device->cookies_sent() == 0);
    CHECK(net.host("b").delivered.size() == 5);
}

TEST_CASE("A to B to C: B forwards between its peers by allowed IPs", "[device][routing]") {
    SimulatedNetwork net(5);
    net.add_host("a", 1);
    net.add_host("b", 2).forwards = true;
    net.add_host("c", 3);
    net.connect("a", "b", {"203.0.113.0/24"}, {"203.0.113.1/32"});
    net.connect("c", "b", {"203.0.113.0/24"}, {"203.0.113.3/32"});
    net.send("c", packet(kC, kB, 0));  // c introduces itself so b learns its endpoint
    net.run_for(1s);
    net.send("a", packet(kA, kC, 1));
    net.run_for(2s);
    REQUIRE(net.host("c").delivered.size() == 1);
    CHECK(net.host("c").delivered[0] == packet(kA, kC, 1));
    net.send("c", packet(kC, kA, 2));
    net.run_for(2s);
    REQUIRE(net.host("a").delivered.size() == 1);
}

TEST_CASE("Bad input never crashes the Device or disturbs a session", "[device][bad-input]") {
    auto net = two_hosts();
    net.send("a", packet(kA, kB, 1));
    net.run_for(1s);
    REQUIRE(net.host("b").delivered.size() == 1);
    std::mt19937_64 random(99);
    const Endpoint stranger = Endpoint{IpAddress::v4({198, 51, 100, 50}), 9999};
    for (int i = 0; i < 20000; ++i) {
        Bytes junk(random() % 200);
        for (auto& byte : junk) byte = static_cast<std::uint8_t>(random());
        if (junk.size() >= 4 && i % 2 == 0) {
            junk[0] = static_cast<std::uint8_t>(1 + random() % 4);
            junk[1] = junk[2] = junk[3] = 0;
        }
        net.inject("b", i % 3 == 0 ? net.host("a").endpoint : stranger, junk);
        net.send("a", junk);  // not-IP, truncated IP, any version: dropped before routing
    }
    CHECK(net.host("b").delivered.size() == 1);
    CHECK(net.host("b").device->endpoint(1) == net.host("a").endpoint);  // junk does not roam
    net.send("a", packet(kA, kB, 2));
    net.send("b", packet(kB, kA, 3));
    net.run_for(1s);
    CHECK(net.host("b").delivered.size() == 2);
    CHECK(net.host("a").delivered.size() == 1);
}
