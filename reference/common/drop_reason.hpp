// SPDX-License-Identifier: MIT
// Why a packet went no further: the one vocabulary of refusals that every
// part of wgref speaks, from the wire formats up to the Device. Each rule of
// the paper that can refuse a packet has its own value, so counters, the
// trace and the tests say exactly which rule fired, and where it is written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace wg {

enum class DropReason : std::uint8_t {
    malformed,            ///< §5.4: not a WireGuard message (type word, reserved bytes, size)
    bad_mac1,             ///< §5.4.4: mac1 does not match our public key
    decrypt_failed,       ///< an AEAD tag did not verify (handshake field, cookie or data)
    unknown_static_key,   ///< §5.4.2: the initiator's static key is not a configured peer
    timestamp_not_newer,  ///< §5.1: a replayed or older initiation
    low_order_point,      ///< §5.4: a Diffie-Hellman result was all zeros (RFC 7748 §6.1)
    handshake_flood,      ///< a second initiation from one peer within 20 ms (the kernel's rule)
    rate_limited,         ///< §5.4.7: valid mac2 under load, but over the per-source rate
    cookie_required,      ///< §5.4.7: under load without a valid mac2; a cookie reply was sent
    unknown_index,        ///< no handshake or session of ours has that receiver index
    replay,               ///< §5.4.6: counter already seen or behind the window
    expired_session,      ///< §6.2: key pair past REJECT_AFTER_TIME or REJECT_AFTER_MESSAGES
    allowed_ips,          ///< §3: inner source not in the sending peer's allowed IPs
    no_route,             ///< §3: no peer's allowed IPs contain the destination
    no_endpoint,          ///< the peer's endpoint is unknown: nowhere to send
    not_ip,               ///< an interface packet or decrypted payload is not a whole IP packet
    queue_full,           ///< a packet waiting for a handshake was pushed out by newer ones
    handshake_gave_up,    ///< §6.4: REKEY_ATTEMPT_TIME passed; waiting packets dropped
    no_identity,          ///< no private key is configured: no handshake is made or answered
    unsolicited_cookie,   ///< §5.4.7: a cookie reply to no message we sent, or a second reply to one
    peer_removed,         ///< the peer was removed while packets waited for its handshake (counted, no event)
};
inline constexpr std::size_t kDropReasonCount = 21;

/// The counter name, e.g. "bad_mac1" (UAPI `wgref_drops_bad_mac1`).
std::string_view to_string(DropReason reason);
/// The section of the paper whose rule refused the packet, e.g. "5.4.4".
std::string_view paper_section(DropReason reason);

}  // namespace wg
