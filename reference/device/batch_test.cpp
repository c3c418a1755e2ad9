// SPDX-License-Identifier: MIT
// Batches give exactly what one call per packet gives. Two identical pairs of
// Devices (same keys, same random bytes) live through the same story: one
// pair is fed packet by packet, the other in batches whose crypto runs on
// three threads. Every datagram, every packet for the interface and every
// event must be the same, byte for byte, at every step: handshakes in the
// middle of a batch, replays inside one batch, forgeries, garbage, a rekey.
#include <catch2/catch.hpp>

#include "device/simulated_network.hpp"
#include "io/worker_pool.hpp"
#include "wire/constants.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

using Step = OutboxRecord;  // what one input gave back: everything in the Outbox, in order

/// One side of the comparison: a pair, fed one way.
struct Side {
    Side(bool in_batches, io::WorkerPool& pool)
        : batched(in_batches),
          pair(7, [&] {
              DeviceOptions o;
              if (in_batches) o.parallel_for = pool.parallel_for();
              return o;
          }()) {}
    bool batched;
    DevicePair pair;
    Outbox out;

    Step send(Device& d, const std::vector<Bytes>& packets, Time now) {
        if (batched) {
            std::vector<ByteView> views(packets.begin(), packets.end());
            d.send_packets(views, now, out);
        } else {
            for (const auto& p : packets) d.send_packet(p, now, out);
        }
        return take_record(out);
    }
    Step receive(Device& d, const std::vector<std::pair<Endpoint, Bytes>>& datagrams, Time now) {
        if (batched) {
            std::vector<ReceivedDatagram> views;
            for (const auto& [from, bytes] : datagrams) views.push_back({from, bytes});
            d.receive_datagrams(views, now, out);
        } else {
            for (const auto& [from, bytes] : datagrams) d.receive_datagram(from, bytes, now, out);
        }
        return take_record(out);
    }
    Step advance(Device& d, Time now) {
        d.advance(now, out);
        return take_record(out);
    }
};

std::vector<Bytes> packets_to(std::uint8_t last_octet, int count, std::uint8_t seed) {
    std::vector<Bytes> packets;
    for (int i = 0; i < count; ++i) {
        packets.push_back(make_ipv4_packet({203, 0, 113, last_octet == 2 ? std::uint8_t{1} : std::uint8_t{2}}, {203, 0, 113, last_octet},
                                           Bytes(static_cast<std::size_t>(100 + 37 * i), static_cast<std::uint8_t>(seed + i))));
    }
    return packets;
}

/// What a Step sent, as datagrams arriving from `from`, with the story's
/// mischief: each datagram twice (a replay inside the batch), one forged,
/// and garbage.
std::vector<std::pair<Endpoint, Bytes>> arriving(const Step& s, const Endpoint& from, bool mischief) {
    std::vector<std::pair<Endpoint, Bytes>> in;
    for (const auto& [to, bytes] : s.datagrams) {
        in.emplace_back(from, bytes);
        if (mischief) in.emplace_back(from, bytes);
    }
    if (mischief && !s.datagrams.empty()) {
        // A counter no one used yet, so the window lets it through to the
        // tag check, which fails.
        Bytes forged = s.datagrams.back().second;
        forged[15] ^= 0x40;
        in.emplace_back(from, forged);
        in.emplace_back(from, Bytes{4, 0, 0, 0, 1, 2, 3});
    }
    return in;
}

}  // namespace

TEST_CASE("Batches, with crypto on three threads, give exactly the results of one call per packet", "[batch]") {
    io::WorkerPool pool(2);
    Side single(false, pool), batched(true, pool);
    int steps = 0;
    // Runs one step on both sides and compares; returns the single side's result.
    const auto both = [&](auto&& step) {
        Step x = step(single, [](Side& s) -> Device& { return s.pair.a; }, [](Side& s) -> Device& { return s.pair.b; });
        Step y = step(batched, [](Side& s) -> Device& { return s.pair.a; }, [](Side& s) -> Device& { return s.pair.b; });
        INFO("step " << steps);
        CHECK(x == y);
        ++steps;
        return x;
    };
    Time now{0};
    bool mischief = false;
    for (int round = 0; round < 40; ++round) {
        // Every 10 rounds, time jumps past REKEY_AFTER_TIME: a rekey starts
        // in the middle of traffic, and its messages share batches with data.
        now += round % 10 == 9 ? wire::kRekeyAfterTime + 1s : 100ms;
        mischief = round % 3 == 1;
        const auto packets_ab = packets_to(2, 1 + round % 7, static_cast<std::uint8_t>(round));
        const auto packets_ba = packets_to(1, 1 + round % 5, static_cast<std::uint8_t>(round + 100));
        const Step ab = both([&](Side& s, auto a, auto) { return s.send(a(s), packets_ab, now); });
        const Step at_b = both([&](Side& s, auto, auto b) { return s.receive(b(s), arriving(ab, s.pair.a_endpoint, mischief), now); });
        const Step ba = both([&](Side& s, auto, auto b) { return s.send(b(s), packets_ba, now); });
        // b's answers to a's datagrams travel with its own packets.
        std::vector<std::pair<Endpoint, Bytes>> to_a = arriving(at_b, single.pair.b_endpoint, mischief);
        for (auto& d : arriving(ba, single.pair.b_endpoint, false)) to_a.push_back(d);
        const Step at_a = both([&](Side& s, auto a, auto) { return s.receive(a(s), to_a, now); });
        // a's answers (a handshake response's confirmation, keepalives) go back.
        both([&](Side& s, auto, auto b) { return s.receive(b(s), arriving(at_a, s.pair.a_endpoint, false), now); });
        both([&](Side& s, auto a, auto) { return s.advance(a(s), now); });
        both([&](Side& s, auto, auto b) { return s.advance(b(s), now); });
    }
    // The story did what it should: traffic flowed both ways, the replays
    // and forgeries were refused.
    CHECK(single.pair.b.peer_stats(1).rx_bytes > 0);
    CHECK(single.pair.a.peer_stats(1).rx_bytes > 0);
    CHECK(single.pair.b.drops(DropReason::replay) > 0);
    CHECK(single.pair.b.drops(DropReason::decrypt_failed) > 0);
    CHECK(single.pair.a.peer_stats(1).handshakes_completed >= 4);
}
