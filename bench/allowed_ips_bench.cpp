// SPDX-License-Identifier: MIT
// Cryptokey routing (paper §3) at scale: longest-prefix lookups in tables of
// 1,000, 100,000 and 1,000,000 random IPv4 prefixes (lengths 8..32, spread
// over 1,000 peers), and the memory each prefix costs.
// Run: build/bench/allowed_ips_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <random>

#include "routing/allowed_ips.hpp"

using namespace wg;

namespace {
routing::AllowedIps& table_of(std::size_t prefixes) {
    static std::map<std::size_t, std::unique_ptr<routing::AllowedIps>> tables;
    auto& table = tables[prefixes];
    if (!table) {
        table = std::make_unique<routing::AllowedIps>();
        std::mt19937_64 random(prefixes);
        while (table->size() < prefixes) {
            const std::uint32_t address = static_cast<std::uint32_t>(random());
            const std::array<std::uint8_t, 4> bytes{static_cast<std::uint8_t>(address >> 24), static_cast<std::uint8_t>(address >> 16),
                                                   static_cast<std::uint8_t>(address >> 8), static_cast<std::uint8_t>(address)};
            table->insert(IpPrefix::make(IpAddress::v4(bytes), static_cast<std::uint8_t>(8 + random() % 25)),
                          static_cast<routing::PeerId>(random() % 1000));
        }
    }
    return *table;
}
}  // namespace

static void BM_AllowedIpsLookup(benchmark::State& state) {
    const auto& table = table_of(static_cast<std::size_t>(state.range(0)));
    std::mt19937 random(1);
    std::vector<IpAddress> addresses(4096);
    for (auto& a : addresses) for (std::size_t b = 0; b < 4; ++b) a.bytes[b] = static_cast<std::uint8_t>(random());
    std::size_t i = 0;
    for (auto _ : state) {
        benchmark::DoNotOptimize(table.lookup(addresses[i++ & 4095]));
    }
    state.counters["bytes_per_prefix"] = static_cast<double>(table.memory_bytes()) / static_cast<double>(table.size());
}
BENCHMARK(BM_AllowedIpsLookup)->Arg(1'000)->Arg(100'000)->Arg(1'000'000);

BENCHMARK_MAIN();
