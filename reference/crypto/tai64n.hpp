// SPDX-License-Identifier: MIT
// Paper §5.1, §5.4.2: the initiation carries an encrypted TAI64N timestamp,
// and a responder accepts an initiation from a peer only if its timestamp is
// strictly greater than every one seen from that peer before. That is the
// whole replay defence for the first message, with no state beyond 12 bytes
// per peer.
//
// TAI64N (cr.yp.to/libtai/tai64.html) is 8 bytes of big-endian TAI seconds
// with 2^62 added, then 4 bytes of big-endian nanoseconds, so comparing the
// bytes as a string compares the times. Like the Linux kernel and wireguard-go
// we label Unix second s as 2^62 + 10 + s (TAI was 10 s ahead of UTC in 1972;
// later leap seconds are ignored: the peer only compares our timestamps with
// our own earlier ones), and an initiation's nanoseconds are rounded down to
// a multiple of 2^24, so the timestamp does not reveal how precise our clock
// is (the kernel's "whitening"; wire/constants.hpp).
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/constants.hpp"

namespace wg::crypto {

class Tai64n {
public:
    static constexpr std::size_t kSize = wire::kTimestampSize;

    Tai64n() { bytes_.fill(0); }
    /// The label of a Unix time: 2^62 + 10 + seconds, then the nanoseconds as given.
    static Tai64n from_unix(std::uint64_t seconds, std::uint32_t nanoseconds);
    /// §5.1: the timestamp of an initiation sent at `unix_time` (since the
    /// Unix epoch), its nanoseconds whitened.
    static Tai64n for_initiation(std::chrono::nanoseconds unix_time);
    static Tai64n from_bytes(ByteView bytes);  ///< expects kSize bytes

    /// The Unix seconds and nanoseconds this timestamp stands for (inverse of from_unix).
    std::int64_t unix_seconds() const;
    std::uint32_t nanoseconds() const;
    /// The next whitened timestamp after this one: 2^24 ns later.
    Tai64n next_whitened() const;

    const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
    ByteView view() const { return bytes_; }

    /// True when this timestamp is strictly later than `other` (§5.1).
    bool is_after(const Tai64n& other) const { return bytes_ > other.bytes_; }
    bool operator==(const Tai64n&) const = default;

private:
    std::array<std::uint8_t, kSize> bytes_;
};

}  // namespace wg::crypto
