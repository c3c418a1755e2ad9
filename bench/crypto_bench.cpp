// SPDX-License-Identifier: MIT
// The primitives of paper §5.4 at the sizes WireGuard uses them: one X25519
// (four or five per handshake), and sealing/opening transport payloads of
// 64 bytes (small packets, keepalive-like) and 1,420 bytes (a full MTU).
// Run: build/bench/crypto_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/x25519.hpp"

using namespace wg;

static void BM_X25519(benchmark::State& state) {
    std::array<std::uint8_t, 32> random{};
    random.fill(0x11);
    const auto key = crypto::make_private_key(random);
    random.fill(0x22);
    const auto peer = crypto::public_key_of(crypto::make_private_key(random));
    for (auto _ : state) benchmark::DoNotOptimize(crypto::dh(key, peer));
}
BENCHMARK(BM_X25519);

static void BM_AeadSeal(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    const auto key = crypto::SymmetricKey::from(Bytes(32, 3));
    Bytes buffer(size + crypto::kTagSize, 0x5a);
    std::uint64_t counter = 0;
    for (auto _ : state) {
        crypto::aead_seal(key, counter++, ByteView{buffer}.first(size), {}, buffer);
        benchmark::DoNotOptimize(buffer.data());
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_AeadSeal)->Arg(64)->Arg(1420);

static void BM_AeadOpen(benchmark::State& state) {
    const auto size = static_cast<std::size_t>(state.range(0));
    const auto key = crypto::SymmetricKey::from(Bytes(32, 3));
    Bytes sealed(size + crypto::kTagSize, 0x5a);
    crypto::aead_seal(key, 1, ByteView{sealed}.first(size), {}, sealed);
    Bytes out(size);
    for (auto _ : state) {
        const bool ok = crypto::aead_open(key, 1, sealed, {}, out);
        benchmark::DoNotOptimize(ok);
    }
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_AeadOpen)->Arg(64)->Arg(1420);

static void BM_Blake2sHash32(benchmark::State& state) {
    const Bytes input(32, 1);
    for (auto _ : state) benchmark::DoNotOptimize(crypto::hash({input}));
}
BENCHMARK(BM_Blake2sHash32);

BENCHMARK_MAIN();
