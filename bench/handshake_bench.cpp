// SPDX-License-Identifier: MIT
// One whole handshake (paper §5.4.2-5.4.5) in memory: the initiator creates
// the first message, the responder consumes it and creates the second, the
// initiator consumes that. Seven X25519 operations dominate (the initiator's
// ephemeral public key, es, ss; the responder's es, ss, ephemeral, ee, se;
// then ee and se again on the initiator), so this is the CPU cost that the
// cookie mechanism of §5.4.7 protects.
// Run: build/bench/handshake_bench --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
#include <benchmark/benchmark.h>

#include "crypto/x25519.hpp"
#include "handshake/noise.hpp"

using namespace wg;

namespace {
crypto::PrivateKey key_from(std::uint8_t seed) {
    std::array<std::uint8_t, 32> random{};
    random.fill(seed);
    return crypto::make_private_key(random);
}

class Directory final : public handshake::PeerDirectory {
public:
    explicit Directory(handshake::RemotePeer p) : peer(std::move(p)) {}
    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& key) const override {
        if (key != peer.public_key) return std::nullopt;
        return handshake::KnownPeer{&peer, {}};
    }
    handshake::RemotePeer peer;
};
}  // namespace

static void BM_FullHandshake(benchmark::State& state) {
    const auto initiator = handshake::StaticIdentity::from_private_key(key_from(1));
    const auto responder = handshake::StaticIdentity::from_private_key(key_from(2));
    const handshake::RemotePeer responder_peer{responder.public_key, {}};
    const Directory directory(handshake::RemotePeer{initiator.public_key, {}});
    handshake::InitiationParameters ip;
    ip.ephemeral_private = key_from(3);
    ip.timestamp = crypto::Tai64n::from_unix(1, 0);
    ip.sender_index = 1;
    handshake::ResponseParameters rp;
    rp.ephemeral_private = key_from(4);
    rp.sender_index = 2;
    std::array<std::uint8_t, 148> first{};
    std::array<std::uint8_t, 92> second{};
    for (auto _ : state) {
        auto hs = handshake::InitiatorHandshake::create_initiation(initiator, responder_peer, ip, first);
        auto consumed = handshake::consume_initiation(*wire::InitiationMessage::parse(first), responder, directory);
        auto responder_keys = handshake::create_response(consumed.value(), rp, second);
        auto keys = hs->consume_response(*wire::ResponseMessage::parse(second), initiator, responder_peer);
        if (!keys.ok() || !responder_keys) state.SkipWithError("handshake failed");
        benchmark::DoNotOptimize(keys);
    }
}
BENCHMARK(BM_FullHandshake)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
