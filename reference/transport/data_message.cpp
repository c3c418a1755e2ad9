// SPDX-License-Identifier: MIT
// Sealing and opening transport data (see data_message.hpp).
#include "transport/data_message.hpp"

#include <algorithm>

#include "common/ip_header.hpp"
#include "crypto/aead.hpp"

namespace wg::transport {

using L = wire::TransportData;

std::size_t padded_length(std::size_t length, std::size_t mtu) {
    const std::size_t rounded = (length + wire::kPaddingMultiple - 1) / wire::kPaddingMultiple * wire::kPaddingMultiple;
    return std::max(length, std::min(rounded, mtu));
}

std::size_t seal_data_message(const crypto::SymmetricKey& key, std::uint32_t receiver_index, std::uint64_t counter,
                              ByteView packet, std::size_t padded, MutableByteView out) {
    const std::size_t size = frame_data_message(receiver_index, counter, packet, padded, out);
    seal_framed_data_message(key, out.first(size));
    return size;
}

std::size_t frame_data_message(std::uint32_t receiver_index, std::uint64_t counter, ByteView packet, std::size_t padded,
                               MutableByteView out) {
    wire::write_type(out, L::kType);
    store_le32(L::receiver.in(out).data(), receiver_index);
    store_le64(L::counter.in(out).data(), counter);
    // Copy the packet into place and zero the padding.
    const MutableByteView body = out.subspan(L::kHeaderSize, padded);
    std::copy(packet.begin(), packet.end(), body.begin());
    std::fill(body.begin() + static_cast<std::ptrdiff_t>(packet.size()), body.end(), 0);
    return L::size_for(padded);
}

void seal_framed_data_message(const crypto::SymmetricKey& key, MutableByteView framed) {
    const std::uint64_t counter = load_le64(L::counter.in(framed).data());
    const MutableByteView body = framed.subspan(L::kHeaderSize);
    // msg.packet := AEAD(T_send, N_send, P, ε), in place
    crypto::aead_seal(key, counter, body.first(body.size() - crypto::kTagSize), {}, body);
}

Result<std::size_t, DropReason> open_data_message(const crypto::SymmetricKey& key, const wire::DataMessage& message,
                                                  MutableByteView out) {
    const std::size_t length = message.plaintext_size();
    if (out.size() < length) return DropReason::malformed;
    // P := AEAD-open(T_recv, msg.counter, msg.packet, ε)
    if (!crypto::aead_open(key, message.counter(), message.encrypted_packet(), {}, out.first(length))) {
        return DropReason::decrypt_failed;
    }
    return length;
}

std::optional<std::size_t> inner_packet_length(ByteView plaintext) {
    const auto header = read_ip_header(plaintext);
    if (!header) return std::nullopt;
    // An IPv4 total length below its own 20-byte header is no packet at all.
    if (header->family == IpFamily::v4 && header->claimed_length < 20) return std::nullopt;
    if (header->claimed_length > plaintext.size()) return std::nullopt;
    return header->claimed_length;
}

}  // namespace wg::transport
