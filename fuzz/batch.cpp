// SPDX-License-Identifier: MIT
// Batches against one call per packet (device/batch.cpp). The daemon's packet
// path hands the Device many datagrams or packets per call and lends it cores
// for the AEAD work; batch.cpp promises exactly the results of one call per
// packet. The `device` and `session` targets only ever make one call per
// packet, so this target is the one that fuzzes the path wgref runs in
// production.
//
// Two identical pairs of Devices (same keys, same random bytes, a real
// session) live through the same fuzz-made story. One pair is fed packet by
// packet; the other gets each step as one batch, and runs a batch's parallel
// jobs in an order the input picks (backwards, or odd jobs before even ones:
// cores may finish in any order, so any order must do). After every step both
// pairs must have given the same datagrams, the same packets for the
// interface and the same events, byte for byte. The story's steps:
//   - a or b sends a batch of inner packets: to the peer with fuzz bytes as
//     payload, fuzz bytes as the whole packet, or to an address no peer has
//   - a batch arrives at a or b: the datagrams on the wire to it, oldest
//     first, each as sent, twice (a replay inside the batch), with a byte
//     changed, from another endpoint (roaming, §2.1), or after fuzz bytes
//   - time passes on both hosts: up to 2 s, or up to 5 minutes (§6 retries,
//     rekeys, expiry, erasure)
//   - configuration changes between batches, as `wg set` makes them: a PSK
//     on a, on b or on both (§5.2), b's allowed IPs for a changed (§3), a
//     removed from b and added again, a new private key for a that b then
//     learns, a's endpoint for b moved, a's source port moved (a NAT)
// The first byte chooses the setting: both hosts under load at once
// (cookies, §5.4.7), a queue of two staged packets, a PSK from the start,
// the order of parallel jobs, a smaller MTU.
//
// Also, on the one-call side: every packet a host hands its interface is one
// whole IP packet from the peer's allowed IPs (§3).
#include <fuzzer/FuzzedDataProvider.h>

#include <deque>

#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "fuzz_support.hpp"
#include "transport/data_message.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr int kMaxSteps = 48;
constexpr std::size_t kMaxBatch = 16;
constexpr std::size_t kMaxOnWire = 64;  // per host; the oldest are lost beyond it
constexpr std::array<std::uint8_t, 4> kTunnelA{203, 0, 113, 1}, kTunnelB{203, 0, 113, 2};

using Step = OutboxRecord;  // what one input gave back: everything in the Outbox, in order

/// Cores that finish in another order than they started: backwards, or the
/// odd jobs before the even ones. Deterministic, so a finding replays.
ParallelFor out_of_order(bool odd_first) {
    return [odd_first](std::size_t count, const std::function<void(std::size_t)>& job) {
        if (odd_first) {
            for (std::size_t i = 1; i < count; i += 2) job(i);
            for (std::size_t i = 0; i < count; i += 2) job(i);
        } else {
            for (std::size_t i = count; i > 0; --i) job(i - 1);
        }
    };
}

/// One pair of Devices, fed one way.
struct Side {
    Side(bool in_batches, DeviceOptions options) : batched(in_batches), pair(7, options) {}
    bool batched;
    DevicePair pair;
    Outbox out;

    Device& host(std::size_t i) { return i == 0 ? pair.a : pair.b; }
    Step send(std::size_t h, const std::vector<Bytes>& packets, Time now) {
        if (batched) {
            const std::vector<ByteView> views(packets.begin(), packets.end());
            host(h).send_packets(views, now, out);
        } else {
            for (const Bytes& p : packets) host(h).send_packet(p, now, out);
        }
        return take_record(out);
    }
    Step receive(std::size_t h, const std::vector<std::pair<Endpoint, Bytes>>& datagrams, Time now) {
        if (batched) {
            std::vector<ReceivedDatagram> views;
            for (const auto& [from, bytes] : datagrams) views.push_back({from, bytes});
            host(h).receive_datagrams(views, now, out);
        } else {
            for (const auto& [from, bytes] : datagrams) host(h).receive_datagram(from, bytes, now, out);
        }
        return take_record(out);
    }
    Step advance(std::size_t h, Time now) {
        host(h).advance(now, out);
        return take_record(out);
    }
};

/// The story: both sides, the wire between the hosts, and the clock.
struct Story {
    explicit Story(std::uint8_t setting) : single(false, options(setting, false)), batched(true, options(setting, true)) {
        if (setting & 4) each([](Side& s) { set_psk(s, 3, 0x42); });
        // A real session before the script starts: a's first packet starts the
        // handshake (§5.4.2), b answers (§5.4.3), a's waiting packet follows
        // and confirms the session to b (§5.4.6), and b's first goes back.
        run([&](Side& s) { return s.send(0, {make_ipv4_packet(kTunnelA, kTunnelB, as_bytes("hello b"))}, now); }, 0);
        for (int i = 0; i < 3; ++i) deliver_all(i % 2 == 0 ? 1 : 0);
        run([&](Side& s) { return s.send(1, {make_ipv4_packet(kTunnelB, kTunnelA, as_bytes("hello a"))}, now); }, 1);
        deliver_all(0);
    }

    static DeviceOptions options(std::uint8_t setting, bool batches) {
        DeviceOptions o;
        if (setting & 1) o.load_threshold = 1;
        if (setting & 2) o.max_staged_packets = 2;
        if (setting & 16) o.mtu = 1280;
        if (batches) o.parallel_for = out_of_order(setting & 8);
        return o;
    }

    /// PSK on a (which = 1), b (2) or both (3).
    static void set_psk(Side& s, int which, std::uint8_t fill) {
        crypto::SymmetricKey psk;
        psk.data()[0] = fill;
        // Either peer may be gone: b's after a new identity for a that b
        // did not learn, a's if a's new key is b's (set_private_key removes it).
        if (const auto id = s.pair.a.find_peer(s.pair.b.public_key()); id && (which & 1)) s.pair.a.set_preshared_key(*id, psk);
        if (const auto id = s.pair.b.find_peer(s.pair.a.public_key()); id && (which & 2)) s.pair.b.set_preshared_key(*id, psk);
    }

    template <typename F>
    void each(F&& change) {
        change(single);
        change(batched);
    }

    /// Runs one step of host `h` on both sides, compares, checks what h
    /// delivered, and puts what h sent on the wire.
    template <typename F>
    void run(F&& step, std::size_t h) {
        const Step x = step(single);
        const Step y = step(batched);
        fuzz::expect(x == y, "a batch gives exactly what one call per packet gives (device/batch.cpp)");
        Device& receiver = single.host(h);
        for (const Bytes& packet : x.packets) {
            fuzz::expect(transport::inner_packet_length(packet) == packet.size(),
                         "a delivered packet is one whole IP packet, padding removed (5.4.6)");
            // Each host has one peer at a time (b's may be removed and added
            // again), so this is §3's check: the source is that peer's.
            const auto source = receiver.allowed_ips().lookup_packet_source(packet);
            fuzz::expect(source && receiver.has_peer(*source),
                         "a delivered packet's source is in the sending peer's allowed IPs (3)");
        }
        for (const auto& [to, bytes] : x.datagrams) {
            std::deque<std::pair<Endpoint, Bytes>>* queue = nullptr;
            if (to == single.pair.b_endpoint) queue = &wire[1];
            if (to == single.pair.a_endpoint || to == a_behind_nat) queue = &wire[0];
            if (!queue) continue;  // to an address no host has: lost
            queue->emplace_back(h == 0 ? a_source : single.pair.b_endpoint, bytes);
            if (queue->size() > kMaxOnWire) queue->pop_front();
        }
    }

    void deliver_all(std::size_t h) {
        std::vector<std::pair<Endpoint, Bytes>> batch(wire[h].begin(), wire[h].end());
        wire[h].clear();
        run([&](Side& s) { return s.receive(h, batch, now); }, h);
    }

    Side single, batched;
    std::array<std::deque<std::pair<Endpoint, Bytes>>, 2> wire;  // in flight to a, to b
    Time now{0};
    const Endpoint a_behind_nat{IpAddress::v4({192, 0, 2, 1}), 40001};
    Endpoint a_source = single.pair.a_endpoint;
};

Bytes fuzz_bytes(FuzzedDataProvider& input, std::size_t max) {
    const std::string text = input.ConsumeRandomLengthString(max);
    const ByteView bytes = as_bytes(text);
    return Bytes(bytes.begin(), bytes.end());
}

Bytes inner_packet(FuzzedDataProvider& input, std::size_t h) {
    const std::array<std::uint8_t, 4> self = h == 0 ? kTunnelA : kTunnelB, peer = h == 0 ? kTunnelB : kTunnelA;
    switch (input.ConsumeIntegralInRange(0, 3)) {
        case 2:  // fuzz bytes as the whole packet
            return fuzz_bytes(input, 1500);
        case 3:  // no peer has this address (§3: dropped, no route)
            return make_ipv4_packet(self, {198, 51, 100, 7}, as_bytes(input.ConsumeRandomLengthString(64)));
        default:
            return make_ipv4_packet(self, peer, as_bytes(input.ConsumeRandomLengthString(1400)));
    }
}

void send_batch(Story& story, FuzzedDataProvider& input) {
    const std::size_t h = input.ConsumeIntegralInRange<std::size_t>(0, 1);
    std::vector<Bytes> packets(input.ConsumeIntegralInRange<std::size_t>(1, kMaxBatch));
    for (Bytes& p : packets) p = inner_packet(input, h);
    story.run([&](Side& s) { return s.send(h, packets, story.now); }, h);
}

void receive_batch(Story& story, FuzzedDataProvider& input) {
    const std::size_t h = input.ConsumeIntegralInRange<std::size_t>(0, 1);
    const std::array<Endpoint, 4> elsewhere{story.single.pair.a_endpoint, story.a_behind_nat, story.single.pair.b_endpoint,
                                            Endpoint{IpAddress::v4({198, 51, 100, 50}), 9999}};
    auto& wire = story.wire[h];
    std::vector<std::pair<Endpoint, Bytes>> batch;
    for (std::size_t n = input.ConsumeIntegralInRange<std::size_t>(1, kMaxBatch); n > 0 && !wire.empty(); --n) {
        auto [from, bytes] = std::move(wire.front());
        wire.pop_front();
        switch (input.ConsumeIntegralInRange(0, 7)) {
            case 4:  // twice in one batch: the second is a replay (§5.4.6)
                batch.emplace_back(from, bytes);
                break;
            case 5:  // a byte changed on the way
                if (!bytes.empty()) bytes[input.ConsumeIntegralInRange<std::size_t>(0, bytes.size() - 1)] ^= input.ConsumeIntegralInRange<std::uint8_t>(1, 255);
                break;
            case 6:  // from another endpoint (roaming, or a spoofed source)
                from = elsewhere[input.ConsumeIntegralInRange(0, 3)];
                break;
            case 7:  // fuzz bytes first
                batch.emplace_back(from, fuzz_bytes(input, 200));
                break;
            default:
                break;
        }
        batch.emplace_back(std::move(from), std::move(bytes));
        if (batch.size() >= 2 * kMaxBatch) break;
    }
    story.run([&](Side& s) { return s.receive(h, batch, story.now); }, h);
}

void time_passes(Story& story, FuzzedDataProvider& input) {
    story.now += input.ConsumeBool() ? Duration(std::chrono::milliseconds(input.ConsumeIntegralInRange(0, 2000)))
                                     : Duration(std::chrono::seconds(input.ConsumeIntegralInRange(0, 300)));
    for (std::size_t h = 0; h < 2; ++h) story.run([&](Side& s) { return s.advance(h, story.now); }, h);
}

/// b forgets the peer it knew as `old_key` and adds a as it is now, with
/// DevicePair's allowed IP and no endpoint (b learns it from a's next handshake).
void b_meets_a_again(Side& s, const crypto::PublicKey& old_key) {
    s.pair.b.remove_peer(old_key);
    PeerConfig to_a;
    to_a.public_key = s.pair.a.public_key();
    to_a.allowed_ips.push_back(*IpPrefix::parse("203.0.113.1/32"));
    s.pair.b.set_peer(to_a);
}

void reconfigure(Story& story, FuzzedDataProvider& input) {
    switch (input.ConsumeIntegralInRange(0, 6)) {
        case 0: {  // a PSK on a, on b, or on both (§5.2); on one only, handshakes fail
            const int which = input.ConsumeIntegralInRange(1, 3);
            const auto fill = input.ConsumeIntegral<std::uint8_t>();
            story.each([&](Side& s) { Story::set_psk(s, which, fill); });
            break;
        }
        case 1: {  // b's allowed IPs for a: none, a's address, or a's whole /24 (§3)
            const int choice = input.ConsumeIntegralInRange(0, 2);
            story.each([&](Side& s) {
                const auto id = s.pair.b.find_peer(s.pair.a.public_key());
                if (!id) return;
                s.pair.b.clear_allowed_ips(*id);
                if (choice > 0) s.pair.b.add_allowed_ip(*id, *IpPrefix::parse(choice == 1 ? "203.0.113.1/32" : "203.0.113.0/24"));
            });
            break;
        }
        case 2:  // a removed from b and added again: new peer, no sessions
            story.each([](Side& s) { b_meets_a_again(s, s.pair.a.public_key()); });
            break;
        case 3: {  // a new identity for a, or none (no handshakes); b may learn the new key
            std::array<std::uint8_t, crypto::kKeySize> random{};
            const auto bytes = input.ConsumeBytes<std::uint8_t>(random.size());
            std::copy(bytes.begin(), bytes.end(), random.begin());
            const bool none = input.ConsumeIntegralInRange(0, 7) == 0;
            const bool b_learns = input.ConsumeBool();
            story.each([&](Side& s) {
                const crypto::PublicKey old_key = s.pair.a.public_key();
                s.pair.a.set_private_key(none ? crypto::PrivateKey{} : crypto::make_private_key(random));
                if (b_learns && s.pair.a.has_identity()) b_meets_a_again(s, old_key);
            });
            break;
        }
        case 4: {  // a's endpoint for b moved: to b's address, or to one no host has
            const bool lost = input.ConsumeBool();
            story.each([&](Side& s) {
                const auto to = lost ? Endpoint{IpAddress::v4({198, 51, 100, 9}), 51820} : s.pair.b_endpoint;
                if (const auto id = s.pair.a.find_peer(s.pair.b.public_key())) s.pair.a.set_endpoint(*id, to);
            });
            break;
        }
        default:  // a's NAT gives it another source port (§2.1: b follows)
            story.a_source = story.a_source == story.a_behind_nat ? story.single.pair.a_endpoint : story.a_behind_nat;
            break;
    }
}

}  // namespace

WGREF_FUZZ_TARGET {
    FuzzedDataProvider input(data, size);
    Story story(input.ConsumeIntegral<std::uint8_t>());
    for (int step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
        switch (input.ConsumeIntegralInRange(0, 6)) {
            case 0:
            case 1:
                send_batch(story, input);
                break;
            case 2:
            case 3:
            case 4:
                receive_batch(story, input);
                break;
            case 5:
                time_passes(story, input);
                break;
            case 6:
                reconfigure(story, input);
                break;
        }
    }
    return 0;
}
