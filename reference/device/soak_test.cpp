// SPDX-License-Identifier: MIT
// A week on a bad network, in seconds of real time: two Devices on the
// simulated network (device/simulated_network.hpp) for 7 simulated days with
// loss up to 30%, duplication, reordering and delay jitter, plus one
// disturbance an hour: an outage, a NAT-style port change on either side or
// both, the clock jumping ahead (a host's boot-time clock across a suspend),
// a PSK change, allowed IPs narrowed and restored, the peer removed and added
// again, or a burst of packets. What the reader should take away is what
// "nothing lost" means for a datagram protocol, and how it is proved:
//   - every packet the test sends is delivered once or counted as dropped for
//     a named reason, by the sending Device, the wire, or the receiving
//     Device; a Device that takes a data message and neither delivers it nor
//     names a drop reason fails the test;
//   - nothing is delivered twice (§5.4.6);
//   - after every disturbance, packets flow again within REKEY_ATTEMPT_TIME +
//     REKEY_TIMEOUT (§6.4);
//   - memory stays flat from the first day to the last.
// UDP does not resend, and neither does WireGuard: a lost packet is TCP's
// business. What the protocol owes is that it never loses one silently,
// never delivers one twice, and always comes back.
#include <catch2/catch.hpp>

#include <cstdio>
#include <map>
#include <random>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "device/simulated_network.hpp"
#include "wire/constants.hpp"
#include "wire/messages.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr std::array<std::uint8_t, 4> kA{203, 0, 113, 1}, kB{203, 0, 113, 2};
constexpr auto kTick = 5s;            // each side sends one packet per tick
constexpr int kHours = 7 * 24;        // the soak's length, in one-hour slots
constexpr int kTicksPerHour = 3600s / kTick;
constexpr int kBurst = 200;           // more than the 128 packets a peer may stage
// §6.4: a handshake is retried every REKEY_TIMEOUT for REKEY_ATTEMPT_TIME;
// one more REKEY_TIMEOUT covers the attempt that was in flight.
constexpr Duration kRecoveryBound = wire::kRekeyAttemptTime + wire::kRekeyTimeout;

/// A data message with a payload (a keepalive is header and tag only).
bool carries_packet(ByteView datagram) {
    return !datagram.empty() && datagram[0] == 4 && datagram.size() > wire::TransportData::size_for(0);
}

/// Why a Device refuses a data message it received.
bool is_receiver_reason(DropReason r) {
    switch (r) {
        case DropReason::malformed:
        case DropReason::decrypt_failed:
        case DropReason::unknown_index:
        case DropReason::replay:
        case DropReason::expired_session:
        case DropReason::allowed_ips:
        case DropReason::not_ip: return true;
        default: return false;
    }
}

/// Why a Device drops a packet from its interface, now or after it waited
/// (not_ip too, but this test sends only IP packets).
bool is_sender_reason(DropReason r) {
    switch (r) {
        case DropReason::no_route:
        case DropReason::no_endpoint:
        case DropReason::queue_full:
        case DropReason::handshake_gave_up: return true;
        default: return false;
    }
}

/// One direction of traffic, and where each of its packets went.
struct Flow {
    Flow(std::string from_host, std::string to_host, std::array<std::uint8_t, 4> from_address,
         std::array<std::uint8_t, 4> to_address)
        : from(std::move(from_host)), to(std::move(to_host)), source(from_address), destination(to_address) {}
    std::string from, to;
    std::array<std::uint8_t, 4> source, destination;
    std::uint32_t sent = 0;              ///< packets handed to `from`'s interface
    std::vector<std::uint8_t> times_delivered;  ///< by packet id
    std::uint64_t delivered = 0;
    std::uint64_t sealed = 0;            ///< data messages with a packet that left `from`
    std::uint64_t duplicated = 0;        ///< extra copies the wire made
    std::uint64_t arrivals = 0;          ///< data messages with a packet that reached `to`
    std::uint64_t silent = 0;            ///< arrivals neither delivered nor dropped with a reason
    std::map<std::string, std::uint64_t> sender_drops, wire_drops, receiver_drops;

    std::uint64_t total(const std::map<std::string, std::uint64_t>& m) const {
        std::uint64_t n = 0;
        for (const auto& [reason, count] : m) n += count;
        return n;
    }
};

/// A disturbance that has ended, waiting for the first packet sent after it to arrive.
struct Recovery {
    Flow* flow;
    std::uint32_t first_id;
    Time ended;
    std::string what;
};

Bytes packet_of(const Flow& f, std::uint32_t id) {
    std::array<std::uint8_t, 5> payload{f.from == "a" ? std::uint8_t{'a'} : std::uint8_t{'b'}};
    for (int i = 0; i < 4; ++i) payload[1 + i] = static_cast<std::uint8_t>(id >> (8 * i));
    return make_ipv4_packet(f.source, f.destination, payload);
}

std::uint32_t id_of(ByteView packet) {
    std::uint32_t id = 0;
    for (int i = 0; i < 4; ++i) id |= std::uint32_t{packet[21 + static_cast<std::size_t>(i)]} << (8 * i);
    return id;
}

std::size_t heap_in_use() {
#if defined(__GLIBC__) && !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
#if defined(__has_feature)
#if __has_feature(address_sanitizer)
    return 0;
#endif
#endif
    return mallinfo2().uordblks;
#else
    return 0;  // a sanitizer's allocator keeps its own books
#endif
}

}  // namespace

TEST_CASE("A simulated week on a bad network loses nothing without a name", "[device][soak]") {
    SimulatedNetwork net(2026);
    net.add_host("a", 1);
    net.add_host("b", 2);
    const std::vector<std::string> a_allowed{"203.0.113.1/32"}, b_allowed{"203.0.113.2/32"};
    net.connect("a", "b", b_allowed, a_allowed, true, true);
    std::mt19937_64 random(7);
    const auto uniform = [&](double lo, double hi) { return std::uniform_real_distribution<double>(lo, hi)(random); };
    const auto between = [&](Duration lo, Duration hi) {
        return Duration(static_cast<std::int64_t>(uniform(static_cast<double>(lo.count()), static_cast<double>(hi.count()))));
    };

    Flow a_to_b("a", "b", kA, kB), b_to_a("b", "a", kB, kA);
    const std::size_t most_packets = static_cast<std::size_t>(kHours) * (kTicksPerHour + kBurst);
    for (Flow* f : {&a_to_b, &b_to_a}) f->times_delivered.assign(most_packets, 0);
    const auto flow_from = [&](const std::string& host) -> Flow& { return host == "a" ? a_to_b : b_to_a; };

    std::vector<Recovery> waiting;
    waiting.reserve(64);
    Duration slowest_recovery{0};
    std::map<std::string, int> disturbances;

    // Every output of either Device, and every arrival: the books of the week.
    net.observe = [&](const SimulatedNetwork::Host& host, const SimulatedNetwork::Host* sender, ByteView arrived,
                      const Outbox& out) {
        Flow& outgoing = flow_from(host.name);
        for (const auto& d : out.datagrams()) {
            if (carries_packet(d.bytes)) ++outgoing.sealed;
        }
        bool receiver_dropped = false;
        for (const Event& e : out.events) {
            if (e.kind != EventKind::dropped) continue;
            if (sender && carries_packet(arrived) && is_receiver_reason(e.reason)) {
                flow_from(sender->name).receiver_drops[std::string(to_string(e.reason))]++;
                receiver_dropped = true;
            } else if (is_sender_reason(e.reason)) {
                outgoing.sender_drops[std::string(to_string(e.reason))]++;
            }
        }
        if (!sender || !carries_packet(arrived)) return;
        Flow& incoming = flow_from(sender->name);
        ++incoming.arrivals;
        const auto delivered = out.to_interface();
        if (delivered.empty()) {
            if (!receiver_dropped) ++incoming.silent;
            return;
        }
        const std::uint32_t id = id_of(delivered[0]);
        REQUIRE(id < incoming.sent);
        ++incoming.times_delivered[id];
        ++incoming.delivered;
        for (auto it = waiting.begin(); it != waiting.end();) {
            if (it->flow == &incoming && id >= it->first_id) {
                const Duration took = net.now() - it->ended;
                slowest_recovery = std::max(slowest_recovery, took);
                INFO(it->what << ": " << incoming.from << " -> " << incoming.to << " recovered after "
                              << std::chrono::duration_cast<std::chrono::milliseconds>(took).count() << " ms");
                CHECK(took <= kRecoveryBound);
                it = waiting.erase(it);
            } else {
                ++it;
            }
        }
    };
    net.on_wire = [&](const SimulatedNetwork::Host& sender, ByteView datagram, SimulatedNetwork::Fate fate) {
        if (!carries_packet(datagram)) return;
        Flow& f = flow_from(sender.name);
        switch (fate) {
            case SimulatedNetwork::Fate::duplicated: ++f.duplicated; return;
            case SimulatedNetwork::Fate::lost: ++f.wire_drops["lost"]; return;
            case SimulatedNetwork::Fate::filtered: ++f.wire_drops["outage"]; return;
            case SimulatedNetwork::Fate::no_listener: ++f.wire_drops["no_listener (the host moved)"]; return;
        }
    };
    bool outage = false;
    net.filter = [&](const Endpoint&, const Endpoint&, ByteView) { return !outage; };

    const auto send = [&](Flow& f) { net.send(f.from, packet_of(f, f.sent++)); };
    const auto tick = [&] {
        send(a_to_b);
        send(b_to_a);
        net.run_for(kTick);
    };
    // Each flow's next packet is the first that must arrive within the bound.
    const auto ended = [&](const std::string& what) {
        for (Flow* f : {&a_to_b, &b_to_a}) waiting.push_back(Recovery{f, f->sent, net.now(), what});
        disturbances[what]++;
    };
    const auto configure_peer = [&](const std::string& on, const std::string& other,
                                    const std::vector<std::string>& allowed, const crypto::SymmetricKey& psk) {
        PeerConfig config;
        config.public_key = net.host(other).device->public_key();
        for (const auto& p : allowed) config.allowed_ips.push_back(*IpPrefix::parse(p));
        config.endpoint = net.host(other).endpoint;
        config.preshared_key = psk;
        net.host(on).device->set_peer(config);
    };
    crypto::SymmetricKey psk;
    std::uint16_t next_port = 40000;

    std::size_t heap_after_day_one = 0;
    for (int hour = 0; hour < kHours; ++hour) {
        net.conditions.loss = uniform(0, 0.3);
        net.conditions.duplicate = uniform(0, 0.1);
        net.conditions.reorder = uniform(0, 0.3);
        net.conditions.delay = between(1ms, 50ms);
        net.conditions.reorder_delay = between(1ms, 100ms);
        int ticks = kTicksPerHour;
        const auto run_ticks = [&](int n) {
            for (int i = 0; i < n && ticks > 0; ++i, --ticks) tick();
        };
        run_ticks(static_cast<int>(random() % 60));  // up to 5 minutes of calm first
        switch (hour % 9) {
            case 0: {  // the link goes down for 1 to 20 minutes
                outage = true;
                run_ticks(static_cast<int>(12 + random() % 229));
                outage = false;
                ended("outage");
                break;
            }
            case 1:  // a NAT gives a new source port to a, or (case 4) to b
            case 4: {
                // One side at a time: if both moved at once, neither would
                // know where the other went, and no protocol could help.
                const std::string moved = hour % 9 == 1 ? "a" : "b";
                net.host(moved).endpoint.port = next_port++;
                ended(moved + " roams");
                break;
            }
            case 2: {  // a host's clock jumps ahead by 1 minute to 4 hours (a suspend)
                net.jump(between(1min, 4h));
                ended("clock jump");
                break;
            }
            case 3: {  // a new PSK, set on one side 0 to 30 s before the other
                std::array<std::uint8_t, crypto::kKeySize> bytes{};
                for (auto& x : bytes) x = static_cast<std::uint8_t>(random());
                psk = crypto::SymmetricKey(bytes);
                configure_peer("a", "b", b_allowed, psk);
                net.run_for(between(0s, 30s));
                configure_peer("b", "a", a_allowed, psk);
                ended("PSK change");
                break;
            }
            case 5: {  // b narrows a's allowed IPs for 2 minutes, then restores them
                configure_peer("b", "a", {"203.0.113.100/32"}, psk);
                run_ticks(24);
                configure_peer("b", "a", a_allowed, psk);
                ended("allowed IPs narrowed and restored");
                break;
            }
            case 6: {  // one side removes the peer and adds it back 30 s later,
                       // every other time while packets wait for a handshake
                const std::string on = random() % 2 ? "a" : "b", other = on == "a" ? "b" : "a";
                const bool packets_wait = hour % 2 == 0;
                // Four minutes without a handshake: the keys pass REJECT_AFTER_TIME (§6.2).
                if (packets_wait) outage = true, run_ticks(48);
                Device& device = *net.host(on).device;
                const auto counted = device.drops(DropReason::peer_removed);
                device.remove_peer(net.host(other).device->public_key());
                // What waited went with the peer: no event (there is no
                // Outbox for configuration), but a count.
                flow_from(on).sender_drops["peer_removed"] += device.drops(DropReason::peer_removed) - counted;
                run_ticks(6);
                configure_peer(on, other, on == "a" ? b_allowed : a_allowed, psk);
                outage = false;
                ended(packets_wait ? "peer removed while packets wait, re-added" : "peer removed and re-added");
                break;
            }
            case 7: {  // a burst: more packets at once than a peer may stage
                for (int i = 0; i < kBurst; ++i) send(a_to_b);
                ended("burst");
                break;
            }
            default: break;  // a quiet hour
        }
        run_ticks(ticks);
        // The simulator's own logs grow with traffic; the Devices' memory must not.
        // (Emptied and given back, so the heap measures the Devices alone.)
        for (const char* name : {"a", "b"}) {
            std::vector<Bytes>().swap(net.host(name).delivered);
            std::vector<Event>().swap(net.host(name).events);
        }
        std::vector<std::pair<Endpoint, Datagram>>().swap(net.wire_log);
        if (hour == 23) heap_after_day_one = heap_in_use();
    }
    const std::size_t heap_after_week = heap_in_use();

    // Drain: no new packets, calm wire; what waits is sent or given up (§6.4).
    net.conditions = LinkConditions{};
    net.run_for(wire::kRekeyAttemptTime + 2 * wire::kRekeyTimeout);

    std::printf("soak: %d simulated hours; disturbances:", kHours);
    for (const auto& [what, n] : disturbances) std::printf(" %s %d;", what.c_str(), n);
    std::printf("\nsoak: slowest recovery %.1f s (bound %lld s)\n", std::chrono::duration<double>(slowest_recovery).count(),
                static_cast<long long>(std::chrono::duration_cast<std::chrono::seconds>(kRecoveryBound).count()));
    for (Flow* f : {&a_to_b, &b_to_a}) {
        std::printf("soak: %s -> %s: sent %u, delivered %llu, duplicated by the wire %llu\n", f->from.c_str(),
                    f->to.c_str(), f->sent, static_cast<unsigned long long>(f->delivered),
                    static_cast<unsigned long long>(f->duplicated));
        const auto print = [](const char* where, const std::map<std::string, std::uint64_t>& m) {
            for (const auto& [reason, n] : m) std::printf("soak:     %-9s %-30s %llu\n", where, reason.c_str(), static_cast<unsigned long long>(n));
        };
        print("sender", f->sender_drops);
        print("wire", f->wire_drops);
        print("receiver", f->receiver_drops);
    }
    std::printf("soak: heap in use after day 1: %zu B, after day 7: %zu B\n", heap_after_day_one, heap_after_week);

    for (Flow* f : {&a_to_b, &b_to_a}) {
        INFO(f->from << " -> " << f->to);
        // The sending Device accounts for every packet handed to it.
        CHECK(f->sent == f->sealed + f->total(f->sender_drops));
        // The wire: every sealed message (and each copy it made) is lost, or arrives.
        CHECK(f->sealed + f->duplicated == f->total(f->wire_drops) + f->arrivals);
        // The receiving Device: every arrival is delivered or dropped with a reason.
        CHECK(f->silent == 0);
        CHECK(f->arrivals == f->delivered + f->total(f->receiver_drops));
        // Nothing twice (§5.4.6).
        CHECK(std::all_of(f->times_delivered.begin(), f->times_delivered.end(), [](std::uint8_t n) { return n <= 1; }));
        // Most of it got through: the losses are the wire's, not the protocol's.
        CHECK(f->delivered > f->sent / 2);
    }
    CHECK(waiting.empty());  // every disturbance was recovered from
    if (heap_after_day_one > 0) CHECK(heap_after_week <= heap_after_day_one + 8 * 1024);
}
