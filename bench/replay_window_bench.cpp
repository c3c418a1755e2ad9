// The replay window (paper §5.4.6): cost of judging one counter, in order
// and in a reordered stream (counters jittered within 64 of the front).
// Run: build/bench/replay_window_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <random>

#include "transport/replay_window.hpp"

static void BM_ReplayInOrder(benchmark::State& state) {
    wg::transport::ReplayWindow window;
    std::uint64_t counter = 0;
    for (auto _ : state) benchmark::DoNotOptimize(window.accept(counter++));
}
BENCHMARK(BM_ReplayInOrder);

static void BM_ReplayReordered(benchmark::State& state) {
    std::vector<std::uint64_t> stream(1 << 16);
    std::mt19937_64 random(1);
    for (std::size_t i = 0; i < stream.size(); ++i) stream[i] = i + random() % 64;
    wg::transport::ReplayWindow window;
    std::size_t i = 0;
    std::uint64_t base = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(window.accept(base + stream[i]));
        if (++i == stream.size()) {
            i = 0;
            base += stream.size() + 64;
        }
    }
}
BENCHMARK(BM_ReplayReordered);

BENCHMARK_MAIN();
