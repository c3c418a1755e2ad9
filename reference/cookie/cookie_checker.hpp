// SPDX-License-Identifier: MIT
// Paper §5.4.7, "Cookie MACs": the responder's side of the DoS defence, and
// the initiator's memory of a cookie it was given.
//
// The rule, as this file enforces it:
//   - A handshake message with a bad mac1 gets silence, always.
//   - Not under load, mac2 is not even looked at: the handshake proceeds.
//   - Under load, a message without a valid mac2 gets a cookie reply and no
//     Curve25519 work; with a valid mac2 it is subject to a per-source token
//     bucket (RateLimiter), and excess is dropped silently.
// The cookie proves the sender can receive at its source address, so the
// rate limit cannot be dodged by spoofing addresses.
//
// "Under load" is an explicit, documented rule here (LoadMeter), because a
// sans-I/O core has no queue whose depth it could measure, as the Linux
// kernel (512 of 4,096 queued) and wireguard-go (128 of 1,024) do.
// The numbers (secret and cookie ages, rates) are in wire/constants.hpp.
#pragma once

#include <optional>
#include <span>
#include <unordered_map>

#include "common/time.hpp"
#include "cookie/macs.hpp"
#include "crypto/random.hpp"

namespace wg::cookie {

using namespace std::chrono_literals;

/// The responder's cookie machinery: checks mac1 and mac2 and writes replies.
class CookieChecker {
public:
    /// `own_keys` are derived from our own public key.
    explicit CookieChecker(const MacKeys& own_keys) : keys_(own_keys) {}

    bool mac1_is_valid(ByteView message) const { return cookie::mac1_is_valid(message, keys_.mac1_key); }

    /// mac2 against the cookie the sender at `from` should hold now. A
    /// secret older than two minutes makes every mac2 invalid.
    bool mac2_is_valid(ByteView message, const Endpoint& from, Time now) const;

    /// A cookie reply to `message` (an initiation or response whose sender
    /// index is `sender_index`) from `from`, with a fresh random nonce.
    void create_reply(ByteView message, std::uint32_t sender_index, const Endpoint& from, Time now, crypto::Rng& rng,
                      std::span<std::uint8_t, wire::CookieReply::kSize> out);

private:
    bool secret_is_fresh(Time now) const { return has_secret_ && now - secret_birth_ < wire::kCookieSecretMaxAge; }

    MacKeys keys_;
    crypto::Secret<crypto::kKeySize> secret_;
    Time secret_birth_{};
    bool has_secret_ = false;
};

/// The sender's side, one per peer (the kernel's struct cookie): the mac1 of
/// the last handshake message we sent it, which a cookie reply must be sealed
/// against, and the last cookie it gave us, for our mac2.
class PeerCookie {
public:
    /// We sent the peer a handshake message (initiation or response) carrying `mac1`.
    void message_sent(const crypto::Mac& mac1) { awaiting_reply_to_ = mac1; }
    /// §5.4.7: the mac1 a cookie reply from the peer must answer: that of the
    /// last message we sent, and only once (the kernel's have_sent_mac1), so
    /// one message earns at most one cookie. nullopt when no reply is expected.
    const std::optional<crypto::Mac>& awaited_reply() const { return awaiting_reply_to_; }
    /// A cookie reply decrypted: its cookie is ours for mac2 from `now`.
    void store(const crypto::Mac& cookie, Time now) {
        cookie_ = cookie;
        received_ = now;
        awaiting_reply_to_.reset();
    }
    /// The cookie to put in mac2, if one younger than wire::kCookieValidity is held.
    std::optional<crypto::Mac> for_mac2(Time now) const {
        if (cookie_ && now - received_ < wire::kCookieValidity) return cookie_;
        return std::nullopt;
    }

private:
    std::optional<crypto::Mac> awaiting_reply_to_;
    std::optional<crypto::Mac> cookie_;
    Time received_{};
};

/// A token bucket per source address for handshake messages that carried a
/// valid mac2 while under load. Numbers from the Linux kernel's
/// ratelimiter.c: 20 packets per second, bursts of 5; an IPv6 source is
/// counted by its /64, since one host usually owns a whole /64.
class RateLimiter {
public:
    static constexpr std::size_t kMaxSources = 16384;  ///< bounded memory; beyond it, new sources are refused

    /// True if a handshake from `source` may be processed at `now`; records it.
    bool allow(const IpAddress& source, Time now);

private:
    static constexpr Duration kPacketCost = std::chrono::duration_cast<Duration>(1s) / wire::kHandshakesPerSecond;
    static constexpr Duration kBucketSize = kPacketCost * wire::kHandshakeBurst;
    struct Bucket {
        Duration tokens;  ///< credit measured in time: one packet costs kPacketCost
        Time last;
    };
    void forget_idle(Time now);

    std::unordered_map<std::uint64_t, Bucket> buckets_;  ///< keyed by a hash of the address (/64 for IPv6)
    Time last_cleanup_{};
};

/// When is a responder "under load"? Our rule, stated once: when at least
/// `threshold` handshake messages have arrived within one `kLoadWindow`, and
/// for kLoadLinger after the last time that was so (the kernel's "stays under
/// load for 1 s"). The default threshold, 128 per 1/8 s, is about 1,000
/// handshakes a second: roughly what one core can answer (each costs about
/// 0.3 ms of Curve25519 work), so beyond it a queue would grow.
class LoadMeter {
public:
    static constexpr Duration kLoadWindow = std::chrono::duration_cast<Duration>(1s) / 8;
    static constexpr int kDefaultThreshold = 128;

    explicit LoadMeter(int threshold = kDefaultThreshold) : threshold_(threshold) {}

    /// Records one handshake message arriving at `now`; true if now under load.
    bool record_handshake(Time now);
    bool under_load(Time now) const { return loaded_once_ && now - last_loaded_ < wire::kUnderLoadLinger; }

private:
    int threshold_;
    Time window_start_{};
    int in_window_ = 0;
    Time last_loaded_{};
    bool loaded_once_ = false;
};

}  // namespace wg::cookie
