// SPDX-License-Identifier: MIT
// Paper §5.4.6: the replay window runs once per received data packet, after
// decryption, so its cost should vanish next to ChaCha20-Poly1305 (hundreds
// of ns for a full-size packet). Measured here: ns per accept() for counters
// in order (the common case: one bit set, no words cleared) and for a
// reordered stream (counters jittered within 64 of a moving front, as after
// multi-queue receive or a reordering path), pre-generated so the random
// generator is not what gets timed.
//
// Run: build/bench/replay_window_bench --benchmark_repetitions=3 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <utility>
#include <vector>

#include "transport/replay_window.hpp"

namespace {

void BM_ReplayWindowInOrder(benchmark::State& state) {
    wg::transport::ReplayWindow window;
    std::uint64_t counter = 0;
    for (auto _ : state) benchmark::DoNotOptimize(window.accept(counter++));
    state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ReplayWindowInOrder);

/// The numbers 0..65,535 in a jittered order: each is delivered as if it
/// had been delayed by 0..63 places, so packets arrive up to 63 places out of
/// order but every counter arrives exactly once (all should be fresh).
std::vector<std::uint64_t> jittered_offsets() {
    constexpr std::size_t kCount = std::size_t{1} << 16;
    std::mt19937_64 random(6479);
    std::vector<std::pair<std::uint64_t, std::uint64_t>> arrival_and_counter(kCount);
    for (std::uint64_t i = 0; i < kCount; ++i) arrival_and_counter[i] = {i + random() % 64, i};
    std::sort(arrival_and_counter.begin(), arrival_and_counter.end());
    std::vector<std::uint64_t> offsets;
    offsets.reserve(kCount);
    for (const auto& [arrival, counter] : arrival_and_counter) offsets.push_back(counter);
    return offsets;
}

void BM_ReplayWindowReordered(benchmark::State& state) {
    const std::vector<std::uint64_t> offsets = jittered_offsets();
    wg::transport::ReplayWindow window;
    std::uint64_t base = 0;  // added to every offset of the current pass
    std::size_t next = 0;
    std::int64_t fresh = 0;
    for (auto _ : state) {
        const bool accepted = window.accept(base + offsets[next]);
        fresh += accepted;
        benchmark::DoNotOptimize(accepted);
        if (++next == offsets.size()) {
            next = 0;
            base += offsets.size();  // the next pass continues where this one ended
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.counters["fresh_fraction"] =
        benchmark::Counter(static_cast<double>(fresh) / static_cast<double>(state.iterations()));
}
BENCHMARK(BM_ReplayWindowReordered);

}  // namespace

BENCHMARK_MAIN();
