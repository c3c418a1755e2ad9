// SPDX-License-Identifier: MIT
// Two Devices passing 1,420-byte packets in memory, one core, no sockets:
// a's send_packet() seals a datagram, b's receive_datagram() opens it,
// checks the window and the allowed IPs, and hands the packet out. This is
// the ceiling the real TUN path (reference/io/) is measured against.
// Run: build/bench/device_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"

using namespace wg;
using namespace wg::device;

static void BM_DevicePipe(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    DevicePair pair(1);
    Device &a = pair.a, &b = pair.b;
    const Endpoint &ea = pair.a_endpoint, &eb = pair.b_endpoint;

    const Bytes packet = make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, Bytes(size - 20, 0x5a));
    Outbox to_b, to_a;
    Time now{0};
    // Handshake: a's packet waits for it, and arrives with the confirmation.
    a.send_packet(packet, now, to_b);
    for (int round = 0; round < 4; ++round) {
        for (auto& d : to_b.datagrams()) b.receive_datagram(ea, d.bytes, now, to_a);
        to_b.clear();
        for (auto& d : to_a.datagrams()) a.receive_datagram(eb, d.bytes, now, to_b);
        to_a.clear();
    }
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

BENCHMARK_MAIN();
