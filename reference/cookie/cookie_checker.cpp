// SPDX-License-Identifier: MIT
// The responder's cookies, the initiator's stored cookie, the rate limiter
// and the load rule (see cookie_checker.hpp). The `// [lab-7]` lines mark
// what lab 7 asks a student to write (tools/lab, docs/course/lab7.md).
#include "cookie/cookie_checker.hpp"

#include <algorithm>

namespace wg::cookie {

bool CookieChecker::mac2_is_valid(ByteView message, const Endpoint& from, Time now) const {
    // [lab-7]
    if (!secret_is_fresh(now)) return false;
    return cookie::mac2_is_valid(message, make_cookie(secret_, cookie_source(from).view()));
    // [lab-7]
}

void CookieChecker::create_reply(ByteView message, std::uint32_t sender_index, const Endpoint& from, Time now,
                                 crypto::Rng& rng, std::span<std::uint8_t, wire::CookieReply::kSize> out) {
    // [lab-7]
    // R_m changes every two minutes: a cookie cannot be hoarded for later.
    if (!secret_is_fresh(now)) {
        rng.fill(secret_.span());
        secret_birth_ = now;
        has_secret_ = true;
    }
    crypto::XNonce nonce;
    rng.fill(nonce);
    create_cookie_reply(sender_index, make_cookie(secret_, cookie_source(from).view()), mac1_of(message), nonce,
                        keys_.cookie_key, out);
    // [lab-7]
}

namespace {
/// FNV-1a over the address bytes that identify a source (all of IPv4, the
/// /64 of IPv6). Collisions only merge two sources' buckets: harmless.
std::uint64_t source_key(const IpAddress& address) {
    const std::size_t significant = address.is_v6() ? 8 : 4;
    std::uint64_t h = 0xcbf29ce484222325ull ^ address.size();
    for (std::size_t i = 0; i < significant; ++i) h = (h ^ address.bytes[i]) * 0x100000001b3ull;
    return h;
}
}  // namespace

void RateLimiter::forget_idle(Time now) {
    // A bucket idle for a second is full again: forgetting it changes nothing.
    if (now - last_cleanup_ < 1s) return;
    last_cleanup_ = now;
    std::erase_if(buckets_, [&](const auto& entry) { return now - entry.second.last >= 1s; });
}

bool RateLimiter::allow(const IpAddress& source, Time now) {
    // [lab-7]
    forget_idle(now);
    const std::uint64_t key = source_key(source);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= kMaxSources) return false;
        buckets_.emplace(key, Bucket{kBucketSize - kPacketCost, now});
        return true;
    }
    Bucket& b = it->second;
    b.tokens = std::min(kBucketSize, b.tokens + (now - b.last));
    b.last = now;
    if (b.tokens < kPacketCost) return false;
    b.tokens -= kPacketCost;
    return true;
    // [lab-7]
}

// [load-meter]
bool LoadMeter::record_handshake(Time now) {
    if (now - window_start_ >= kLoadWindow) {
        window_start_ = now;
        in_window_ = 0;
    }
    if (++in_window_ >= threshold_) {
        last_loaded_ = now;
        loaded_once_ = true;
    }
    return under_load(now);
}
// [load-meter]

}  // namespace wg::cookie
