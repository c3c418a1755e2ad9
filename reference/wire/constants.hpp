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

// ---- transport ([W] 5.4.6, [K] messages.h) -----------------------------------
inline constexpr std::size_t kPaddingMultiple = 16;  ///< [W] 5.4.6 "padded to a multiple of 16"
/// [K] COUNTER_BITS_TOTAL: the replay window's ring of counters.
inline constexpr std::size_t kCounterBitsTotal = 8192;
/// [K] COUNTER_WINDOW_SIZE: how far behind the newest a counter may be and
/// still be judged: the ring less one 64-bit word (see transport/replay_window.hpp).
inline constexpr std::uint64_t kCounterWindowSize = kCounterBitsTotal - 64;
/// [W] 6.1 Reject-After-Messages, 2^64 - 2^13 - 1: no counter this large is
/// accepted or sent, so a nonce never repeats. ([K] messages.h sets
/// U64_MAX - COUNTER_WINDOW_SIZE - 1, a slightly larger limit to the same end.)
inline constexpr std::uint64_t kRejectAfterMessages = ~std::uint64_t{0} - (std::uint64_t{1} << 13);
/// [W] 6.1 Rekey-After-Messages.
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
/// [W] 5.4.7: an initiator uses a received cookie for mac2 for 2 minutes.
inline constexpr Duration kCookieValidity = 120s;
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
