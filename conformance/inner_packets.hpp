// SPDX-License-Identifier: MIT
// The packets wgconform sends *inside* the tunnel. The harness sees a target
// only from outside, so it learns whether the target accepted and delivered
// a transport packet by asking its IP stack a question only delivery can
// answer: an ICMP echo request to the target's tunnel address (RFC 792 for
// IPv4, RFC 4443 for IPv6) comes back as an echo reply, through the tunnel,
// only if the inner packet reached the target's interface.
#pragma once

#include <array>
#include <optional>
#include <string>

#include "common/address.hpp"

namespace wg::conformance {

/// Identifies one echo exchange.
struct EchoId {
    std::uint16_t identifier = 0;
    std::uint16_t sequence = 0;
};

/// A whole IP packet carrying an echo request from `source` to `destination`
/// (both of one family) with `payload` as its data.
Bytes make_echo_request(const IpAddress& source, const IpAddress& destination, EchoId id, ByteView payload);

/// The echo reply `source` would send to `destination`. wgconform sends one
/// unasked-for (it is delivered, and answered by nothing) to see the target's
/// passive keepalive (§6.5).
Bytes make_echo_reply(const IpAddress& source, const IpAddress& destination, EchoId id, ByteView payload);

/// What a host with address `own` answers to `packet`, if it is an echo
/// request to `own`: the in-process target's whole IP stack.
std::optional<Bytes> answer_echo_request(ByteView packet, const IpAddress& own);

/// True when `packet` is the echo reply to make_echo_request(source,
/// destination, id, payload): from `destination` to `source`, same id and data.
bool is_echo_reply(ByteView packet, const IpAddress& source, const IpAddress& destination, EchoId id,
                   ByteView payload);

/// The Internet checksum (RFC 1071) over `data`, starting from `sum`.
std::uint16_t internet_checksum(ByteView data, std::uint32_t sum = 0);

}  // namespace wg::conformance
