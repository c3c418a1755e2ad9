// SPDX-License-Identifier: MIT
// Paper §5.4.6: transport data. After the handshake every IP packet travels
// as msg.packet := AEAD(T_send, N_send, P, ε) under the receiver's session
// index, with the 64-bit counter N_send in the clear as the nonce. The
// plaintext P is the inner packet zero-padded to a multiple of 16 bytes
// (hiding exact lengths), and an empty P is a keepalive (§6.5).
//
// The receiver learns the inner packet's true length from its own IP header,
// which is why no length field is needed: padding is stripped by reading the
// IPv4 total length or the IPv6 payload length.
//
// This file only seals and opens; which counters are acceptable (the replay
// window) and when keys expire belong to the session that owns the keys.
#pragma once

#include <cstdint>
#include <optional>

#include "common/drop_reason.hpp"
#include "common/result.hpp"
#include "crypto/secret.hpp"
#include "wire/messages.hpp"

namespace wg::transport {

/// Length of the padded plaintext for an inner packet of `length` bytes: up
/// to a multiple of wire::kPaddingMultiple (§5.4.6), never more than the
/// interface MTU (padding must not cause fragmentation).
std::size_t padded_length(std::size_t length, std::size_t mtu);

/// Seals `packet` (padded with zeros to `padded` bytes) into `out`, which must
/// hold wire::TransportData::size_for(padded) bytes. Returns the message length.
std::size_t seal_data_message(const crypto::SymmetricKey& key, std::uint32_t receiver_index, std::uint64_t counter,
                              ByteView packet, std::size_t padded, MutableByteView out);

/// The two halves of seal_data_message, for a sender that seals later, on
/// another core (device/batch.cpp): frame_data_message writes the header
/// and the padded plaintext; seal_framed_data_message encrypts that in place
/// and appends the tag, reading the counter back from the header.
std::size_t frame_data_message(std::uint32_t receiver_index, std::uint64_t counter, ByteView packet, std::size_t padded,
                               MutableByteView out);
void seal_framed_data_message(const crypto::SymmetricKey& key, MutableByteView framed);

/// Opens a data message with `key`; on success writes the padded plaintext
/// to `out` (message.plaintext_size() bytes) and returns its length.
Result<std::size_t, DropReason> open_data_message(const crypto::SymmetricKey& key, const wire::DataMessage& message,
                                                  MutableByteView out);

/// The inner packet's length according to its IP header, or nullopt when the
/// plaintext is not a whole IPv4/IPv6 packet (the header claims more bytes
/// than are present, or the version is neither 4 nor 6).
std::optional<std::size_t> inner_packet_length(ByteView plaintext);

}  // namespace wg::transport
