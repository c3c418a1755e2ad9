// SPDX-License-Identifier: MIT
// Every constant of the protocol, in one place, each with where it comes from:
//   [W]  the paper, by section (Donenfeld, NDSS 2017)
//   [K]  the Linux kernel's drivers/net/wireguard, by file
//   [N]  the Noise Protocol Framework, revision 34
// Where the kernel and the paper differ, wgref follows the kernel (the
// implementation every other one interoperates with) and says so here.
//
// What to take away: WireGuard has no negotiation, so these numbers are the
// protocol; a peer that picks different ones is not WireGuard.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/time.hpp"

namespace wg::wire {

using namespace std::chrono_literals;

// ---- sizes of the primitives ([W] 5.4) ---------------------------------------
inline constexpr std::size_t kKeySize = 32;        ///< Curve25519 keys, symmetric keys, BLAKE2s hashes
inline constexpr std::size_t kTagSize = 16;        ///< Poly1305 tag of every AEAD
inline constexpr std::size_t kMacSize = 16;        ///< MAC(): keyed BLAKE2s, 16-byte output
inline constexpr std::size_t kTimestampSize = 12;  ///< TAI64N
inline constexpr std::size_t kCookieNonceSize = 24;  ///< XChaCha20-Poly1305 nonce of a cookie reply

// ---- names hashed into the handshake ([W] 5.4, [N] 5.2) -----------------------
inline constexpr std::string_view kConstruction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
inline constexpr std::string_view kIdentifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";
inline constexpr std::string_view kLabelMac1 = "mac1----";    ///< [W] 5.4.4
inline constexpr std::string_view kLabelCookie = "cookie--";  ///< [W] 5.4.7

// ---- timestamps ([W] 5.1, cr.yp.to/libtai/tai64.html) --------------------------
/// TAI64 labels second s of TAI as 2^62 + s.
inline constexpr std::uint64_t kTai64Base = std::uint64_t{1} << 62;
/// [K] noise.c tai64n_now writes 0x400000000000000a + Unix seconds: TAI ran
/// 10 s ahead of UTC in 1972, and leap seconds since are ignored (as by
/// wireguard-go). The paper only asks for "TAI64N"; the kernel's label is what
/// every peer sees, so it is ours.
inline constexpr std::uint64_t kTaiMinusUnixSeconds = 10;
/// [K] noise.c tai64n_now: nanoseconds are rounded down to a multiple of
/// rounddown_pow_of_two(NSEC_PER_SEC / INITIATIONS_PER_SECOND) = 2^24 ns
/// (about 16.8 ms), so a timestamp does not leak the precision of the clock;
/// no peer may initiate that often anyway.
inline constexpr std::uint32_t kTimestampWhitening = std::uint32_t{1} << 24;

// ---- transport ([W] 5.4.6, [K] messages.h) -----------------------------------
inline constexpr std::size_t kPaddingMultiple = 16;  ///< [W] 5.4.6 "padded to a multiple of 16"
/// [K] COUNTER_BITS_TOTAL: the replay window's ring of counters.
inline constexpr std::size_t kCounterBitsTotal = 8192;
/// [K] COUNTER_WINDOW_SIZE: how far behind the newest a counter may be and
/// still be judged: the ring less one 64-bit word (see transport/replay_window.hpp).
inline constexpr std::uint64_t kCounterWindowSize = kCounterBitsTotal - 64;
/// [K] messages.h REJECT_AFTER_MESSAGES = U64_MAX - COUNTER_WINDOW_SIZE - 1
/// (2^64 - 8,130): no counter this large is sent or accepted, and a key pair
/// whose receive counter reaches it is finished, so a nonce never repeats.
/// The paper (§6.1) says 2^64 - 2^13 - 1 (2^64 - 8,193), and so does
/// wireguard-go; wgref follows the kernel, and wgconform reports the difference.
inline constexpr std::uint64_t kRejectAfterMessages = ~std::uint64_t{0} - kCounterWindowSize - 1;
/// [W] 6.1 Rekey-After-Messages: after this many messages on one key pair,
/// whichever side sends starts a new handshake ([K] send.c keep_key_fresh).
inline constexpr std::uint64_t kRekeyAfterMessages = std::uint64_t{1} << 60;

// ---- timers ([W] 6.1) --------------------------------------------------------
inline constexpr Duration kRekeyAfterTime = 120s;
inline constexpr Duration kRejectAfterTime = 180s;
inline constexpr Duration kRekeyAttemptTime = 90s;
inline constexpr Duration kRekeyTimeout = 5s;
inline constexpr Duration kKeepaliveTimeout = 10s;
/// [K] REKEY_TIMEOUT_JITTER_MAX_JIFFIES (HZ / 3): retries are spread so that
/// peers which lost packets together do not retry together.
inline constexpr Duration kRekeyTimeoutJitterMax = 333ms;
/// [K] MAX_TIMER_HANDSHAKES: REKEY_ATTEMPT_TIME / REKEY_TIMEOUT = 18 retries
/// beyond the first two initiations (the kernel sends 20 in all).
inline constexpr int kMaxTimerHandshakes = static_cast<int>(kRekeyAttemptTime / kRekeyTimeout);
/// [K] timers.c, wg_packet_receive's keypair check: a receiver whose own
/// (initiated) keys are this old asks for new ones before the sender's
/// REJECT_AFTER_TIME cuts traffic off.
inline constexpr Duration kRekeyOnReceiveAge = kRejectAfterTime - kKeepaliveTimeout - kRekeyTimeout;
/// [K] noise.c, INITIATIONS_PER_SECOND = 50: a responder consumes at most one
/// initiation per peer every 20 ms, bounding the Curve25519 work a peer can demand.
inline constexpr Duration kMinInitiationInterval = 20ms;

// ---- cookies and load ([W] 5.4.7, [K] cookie.c, ratelimiter.c) ----------------
/// [W] 5.4.7: the responder's random secret R_m changes every 2 minutes.
inline constexpr Duration kCookieSecretMaxAge = 120s;
/// [K] cookie.c: the responder allows a cookie reply this long in flight.
inline constexpr Duration kCookieSecretLatency = 5s;
/// How long an initiator uses a received cookie for mac2: [K] cookie.c,
/// COOKIE_SECRET_MAX_AGE - COOKIE_SECRET_LATENCY = 115 s, so a cookie is never
/// used after the responder's secret may have changed. (The paper says "less
/// than 2 minutes"; wireguard-go uses 120 s.)
inline constexpr Duration kCookieValidity = kCookieSecretMaxAge - kCookieSecretLatency;
/// [K] ratelimiter.c: a token bucket per source (IPv6 by its /64) of 20
/// handshakes a second, bursts of 5.
inline constexpr int kHandshakesPerSecond = 20;
inline constexpr int kHandshakeBurst = 5;
/// How long "under load" lasts after the last time it was so ([K] device.h,
/// UNDER_LOAD for one second).
inline constexpr Duration kUnderLoadLinger = 1s;

// ---- the interface ([K] device.c, messages.h) ---------------------------------
/// The default MTU of a WireGuard interface: 1500 less the largest outer
/// overhead (IPv6 40 + UDP 8 + WireGuard's 32).
inline constexpr std::size_t kDefaultMtu = 1420;
/// [K] MAX_STAGED_PACKETS: packets kept per peer while a handshake is under way.
inline constexpr std::size_t kMaxStagedPackets = 128;

}  // namespace wg::wire
