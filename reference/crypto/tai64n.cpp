// SPDX-License-Identifier: MIT
// TAI64N encoding (see tai64n.hpp).
#include "crypto/tai64n.hpp"

#include <algorithm>

namespace wg::crypto {

namespace {
constexpr std::uint64_t kUnixEpochLabel = wire::kTai64Base + wire::kTaiMinusUnixSeconds;
constexpr std::uint32_t kNanosecondsPerSecond = 1'000'000'000;
}  // namespace

Tai64n Tai64n::from_unix(std::uint64_t seconds, std::uint32_t nanoseconds) {
    Tai64n t;
    store_be64(t.bytes_.data(), kUnixEpochLabel + seconds);
    store_be32(t.bytes_.data() + 8, nanoseconds);
    return t;
}

Tai64n Tai64n::for_initiation(std::chrono::nanoseconds unix_time) {
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(unix_time);
    const auto nanoseconds = static_cast<std::uint32_t>((unix_time - seconds).count());
    return from_unix(static_cast<std::uint64_t>(seconds.count()),
                     nanoseconds / wire::kTimestampWhitening * wire::kTimestampWhitening);
}

Tai64n Tai64n::from_bytes(ByteView bytes) {
    Tai64n t;
    if (bytes.size() == kSize) std::copy(bytes.begin(), bytes.end(), t.bytes_.begin());
    return t;
}

std::int64_t Tai64n::unix_seconds() const {
    return static_cast<std::int64_t>(load_be64(bytes_.data()) - kUnixEpochLabel);
}

std::uint32_t Tai64n::nanoseconds() const { return load_be32(bytes_.data() + 8); }

Tai64n Tai64n::next_whitened() const {
    std::uint64_t label = load_be64(bytes_.data());
    std::uint32_t ns = nanoseconds() / wire::kTimestampWhitening * wire::kTimestampWhitening + wire::kTimestampWhitening;
    if (ns >= kNanosecondsPerSecond) {
        ns = 0;
        ++label;
    }
    Tai64n t;
    store_be64(t.bytes_.data(), label);
    store_be32(t.bytes_.data() + 8, ns);
    return t;
}

}  // namespace wg::crypto
