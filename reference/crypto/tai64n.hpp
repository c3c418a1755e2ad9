// Paper §5.1, §5.4.2: the initiation carries an encrypted TAI64N timestamp,
// and a responder accepts an initiation from a peer only if its timestamp is
// strictly greater than every one seen from that peer before. That is the
// whole replay defence for the first message, with no state beyond 12 bytes
// per peer.
//
// TAI64N (cr.yp.to/libtai/tai64.html) is 8 bytes of big-endian seconds with
// 2^62 added, then 4 bytes of big-endian nanoseconds, so comparing the bytes
// as a string compares the times. Like the Linux kernel and wireguard-go we
// use the Unix epoch's seconds directly (ignoring leap seconds): the peer only
// compares our timestamps with our own earlier ones.
#pragma once

#include <array>
#include <cstdint>

#include "common/bytes.hpp"
#include "wire/constants.hpp"

namespace wg::crypto {

class Tai64n {
public:
    static constexpr std::size_t kSize = wire::kTimestampSize;
    static constexpr std::uint64_t kEpochOffset = wire::kTai64Base;  // TAI64 label of 1970

    Tai64n() { bytes_.fill(0); }
    static Tai64n from_unix(std::uint64_t seconds, std::uint32_t nanoseconds);
    static Tai64n from_bytes(ByteView bytes);  ///< expects kSize bytes

    const std::array<std::uint8_t, kSize>& bytes() const { return bytes_; }
    ByteView view() const { return bytes_; }

    /// True when this timestamp is strictly later than `other` (§5.1).
    bool is_after(const Tai64n& other) const { return bytes_ > other.bytes_; }
    bool operator==(const Tai64n&) const = default;

private:
    std::array<std::uint8_t, kSize> bytes_;
};

}  // namespace wg::crypto
