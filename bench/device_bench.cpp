// SPDX-License-Identifier: MIT
// Two Devices passing 1,420-byte packets in memory, no sockets: a seals a
// datagram, b opens it, checks the window and the allowed IPs, and hands the
// packet out. This is the ceiling the real TUN path (reference/io/) is
// measured against. Two forms:
//   BM_DevicePipe         one packet per call, one core (send_packet, receive_datagram)
//   BM_DevicePipeBatched  64 packets per call (send_packets, receive_datagrams),
//                         the crypto on N threads (io::WorkerPool), N = 1, 2
//   BM_DeviceOneWayBatched  one Device's half of that: sealing only (0) or
//                         opening only (1), on N threads
// Each packet is sealed once and opened once, so the pipe does twice the
// AEAD work of one direction of a tunnel; "Gbit/s" counts packets delivered.
// Run: build/bench/device_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "io/worker_pool.hpp"

using namespace wg;
using namespace wg::device;

/// The handshake, by hand: a's first packet waits for it and arrives with
/// the confirmation, after which both sides hold current keys.
static void establish_session(DevicePair& pair, const Bytes& packet) {
    Outbox to_b, to_a;
    const Time now{0};
    pair.a.send_packet(packet, now, to_b);
    for (int round = 0; round < 4; ++round) {
        for (auto& d : to_b.datagrams()) pair.b.receive_datagram(pair.a_endpoint, d.bytes, now, to_a);
        to_b.clear();
        for (auto& d : to_a.datagrams()) pair.a.receive_datagram(pair.b_endpoint, d.bytes, now, to_b);
        to_a.clear();
    }
}

static void BM_DevicePipe(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    DevicePair pair(1);
    Device &a = pair.a, &b = pair.b;
    const Endpoint& ea = pair.a_endpoint;

    const Bytes packet = make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, Bytes(size - 20, 0x5a));
    establish_session(pair, packet);
    Outbox to_b, to_a;
    Time now{0};
    std::size_t delivered = 0;
    for (auto _ : state) {
        a.send_packet(packet, now, to_b);
        for (auto& d : to_b.datagrams()) b.receive_datagram(ea, d.bytes, now, to_a);
        delivered += to_a.to_interface().size();
        to_b.clear();
        to_a.clear();
    }
    if (delivered != static_cast<std::size_t>(state.iterations())) state.SkipWithError("packets were lost");
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
    state.counters["Gbit/s"] = benchmark::Counter(static_cast<double>(state.iterations() * size * 8) / 1e9,
                                                  benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DevicePipe)->Arg(1420)->Arg(64);

/// What the batched benchmarks share: two Devices whose crypto runs on
/// `threads` threads, with a session already up, and a batch of kBatch
/// copies of one packet of `size` bytes for a to send to b.
struct BatchedTunnel {
    static constexpr std::size_t kBatch = 64;
    io::WorkerPool pool;  // before the pair: its Devices borrow it
    DevicePair pair;
    Bytes packet;
    std::vector<ByteView> batch;

    BatchedTunnel(std::size_t size, std::size_t threads)
        : pool(threads - 1),
          pair(1, options_for(pool)),
          packet(make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, Bytes(size - 20, 0x5a))),
          batch(kBatch, ByteView(packet)) {
        establish_session(pair, packet);
    }

private:
    static DeviceOptions options_for(io::WorkerPool& pool) {
        DeviceOptions options;
        options.parallel_for = pool.parallel_for();
        return options;
    }
};

static void BM_DevicePipeBatched(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    BatchedTunnel tunnel(size, static_cast<std::size_t>(state.range(1)));
    constexpr std::size_t kBatch = BatchedTunnel::kBatch;
    Device &a = tunnel.pair.a, &b = tunnel.pair.b;
    const auto& batch = tunnel.batch;
    Outbox to_b, to_a;
    Time now{0};
    std::vector<ReceivedDatagram> arriving;
    const auto carry = [&](Outbox& from, Device& to, const Endpoint& source, Outbox& into) {
        arriving.clear();
        for (auto& d : from.datagrams()) arriving.push_back({source, d.bytes});
        to.receive_datagrams(arriving, now, into);
        from.clear();
    };
    std::size_t delivered = 0;
    for (auto _ : state) {
        a.send_packets(batch, now, to_b);
        carry(to_b, b, tunnel.pair.a_endpoint, to_a);
        delivered += to_a.to_interface().size();
        to_a.clear();
    }
    const auto packets = state.iterations() * static_cast<std::int64_t>(kBatch);
    if (delivered != static_cast<std::size_t>(packets)) state.SkipWithError("packets were lost");
    state.SetBytesProcessed(packets * static_cast<std::int64_t>(size));
    state.counters["Gbit/s"] = benchmark::Counter(static_cast<double>(packets) * static_cast<double>(size) * 8 / 1e9,
                                                  benchmark::Counter::kIsRate);
}
// Real time: the helpers' work counts, not only the calling thread's.
BENCHMARK(BM_DevicePipeBatched)->Args({1420, 1})->Args({1420, 2})->UseRealTime();

/// One direction of a tunnel, as one Device sees it: sealing only (a's
/// send_packets, the datagrams thrown away) or opening only (b's
/// receive_datagrams of datagrams a sealed beforehand, outside the timing).
static void BM_DeviceOneWayBatched(benchmark::State& state) {
    const bool sending = state.range(0) == 0;
    constexpr std::size_t kSize = 1420, kStock = 256;
    BatchedTunnel tunnel(kSize, static_cast<std::size_t>(state.range(1)));
    constexpr std::size_t kBatch = BatchedTunnel::kBatch;
    Device &a = tunnel.pair.a, &b = tunnel.pair.b;
    const auto& batch = tunnel.batch;
    Outbox to_b, to_a;
    const Time now{0};
    std::vector<ReceivedDatagram> arriving;
    // For opening: a stock of sealed batches, refilled outside the timing.
    std::vector<Bytes> stock;
    std::size_t used = kStock;
    const auto refill = [&] {
        stock.clear();
        for (std::size_t i = 0; i < kStock; ++i) {
            a.send_packets(batch, now, to_b);
            for (auto& d : to_b.datagrams()) stock.push_back(d.bytes);
            to_b.clear();
        }
        used = 0;
    };
    std::size_t done = 0;
    for (auto _ : state) {
        if (sending) {
            a.send_packets(batch, now, to_b);
            done += to_b.datagrams().size();
            to_b.clear();
            continue;
        }
        if (used == kStock) {
            state.PauseTiming();
            refill();
            state.ResumeTiming();
        }
        arriving.clear();
        for (std::size_t i = 0; i < kBatch; ++i) arriving.push_back({tunnel.pair.a_endpoint, stock[used * kBatch + i]});
        ++used;
        b.receive_datagrams(arriving, now, to_a);
        done += to_a.to_interface().size();
        to_a.clear();
    }
    const auto packets = state.iterations() * static_cast<std::int64_t>(kBatch);
    if (done != static_cast<std::size_t>(packets)) state.SkipWithError("packets were lost");
    state.counters["Gbit/s"] = benchmark::Counter(static_cast<double>(packets) * kSize * 8 / 1e9, benchmark::Counter::kIsRate);
}
// Args: {0 sealing | 1 opening, threads}.
BENCHMARK(BM_DeviceOneWayBatched)->Args({0, 1})->Args({0, 2})->Args({1, 1})->Args({1, 2})->UseRealTime();

BENCHMARK_MAIN();
