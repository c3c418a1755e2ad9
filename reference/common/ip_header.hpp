// SPDX-License-Identifier: MIT
// The three fields of an inner IP header that WireGuard reads: where a packet
// comes from and goes to (cryptokey routing, §3) and how long it says it is
// (the receiver strips the padding of §5.4.6 by it). Everything else in the
// header is the IP stack's business, not the tunnel's.
#pragma once

#include <optional>

#include "common/address.hpp"

namespace wg {

struct IpHeader {
    IpFamily family = IpFamily::v4;
    IpAddress source;
    IpAddress destination;
    /// The whole packet's length as the header states it: IPv4's total
    /// length (RFC 791), or IPv6's payload length plus its 40-byte header (RFC 8200).
    std::size_t claimed_length = 0;
};

/// The header at the start of `packet`, if a whole IPv4 (version 4, at least
/// 20 bytes) or IPv6 (version 6, at least 40 bytes) header is there. The
/// claimed length is not checked against the bytes present: see
/// transport::inner_packet_length for that.
std::optional<IpHeader> read_ip_header(ByteView packet);

}  // namespace wg
