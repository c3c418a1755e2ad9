// Sealing and opening transport data (see data_message.hpp).
#include "transport/data_message.hpp"

#include <algorithm>

#include "crypto/aead.hpp"

namespace wg::transport {

using handshake::RejectReason;
using L = handshake::layout::TransportData;

std::size_t padded_length(std::size_t length, std::size_t mtu) {
    const std::size_t rounded = (length + kPaddingMultiple - 1) / kPaddingMultiple * kPaddingMultiple;
    return std::max(length, std::min(rounded, mtu));
}

std::size_t seal_data_message(const crypto::SymmetricKey& key, std::uint32_t receiver_index, std::uint64_t counter,
                              ByteView packet, std::size_t padded, MutableByteView out) {
    handshake::write_type(out.data(), handshake::MessageType::transport_data);
    store_le32(out.data() + L::receiver, receiver_index);
    store_le64(out.data() + L::counter, counter);
    // Copy the packet into place, zero the padding, and seal in place.
    const MutableByteView body = out.subspan(L::packet, padded + crypto::kTagSize);
    std::copy(packet.begin(), packet.end(), body.begin());
    std::fill(body.begin() + static_cast<std::ptrdiff_t>(packet.size()), body.begin() + static_cast<std::ptrdiff_t>(padded), 0);
    // msg.packet := AEAD(T_send, N_send, P, ε)
    crypto::aead_seal(key, counter, body.first(padded), {}, body);
    return message_size(padded);
}

Result<DataHeader, RejectReason> read_data_header(ByteView message) {
    if (auto reason = handshake::check_header(message, handshake::MessageType::transport_data)) return *reason;
    return DataHeader{load_le32(message.data() + L::receiver), load_le64(message.data() + L::counter)};
}

Result<std::size_t, RejectReason> open_data_message(const crypto::SymmetricKey& key, ByteView message,
                                                    MutableByteView out) {
    auto header = read_data_header(message);
    if (!header) return header.error();
    const ByteView sealed = message.subspan(L::packet);
    const std::size_t length = sealed.size() - crypto::kTagSize;
    if (out.size() < length) return RejectReason::wrong_size;
    if (!crypto::aead_open(key, header.value().counter, sealed, {}, out.first(length))) {
        return RejectReason::decrypt_failed;
    }
    return length;
}

std::optional<std::size_t> inner_packet_length(ByteView plaintext) {
    if (plaintext.empty()) return std::nullopt;
    std::size_t length = 0;
    switch (plaintext[0] >> 4) {
        case 4:  // RFC 791: total length at bytes 2-3, header included
            if (plaintext.size() < 20) return std::nullopt;
            length = std::size_t{plaintext[2]} << 8 | plaintext[3];
            if (length < 20) return std::nullopt;
            break;
        case 6:  // RFC 8200: payload length at bytes 4-5, after a 40-byte header
            if (plaintext.size() < 40) return std::nullopt;
            length = 40 + (std::size_t{plaintext[4]} << 8 | plaintext[5]);
            break;
        default:
            return std::nullopt;
    }
    if (length > plaintext.size()) return std::nullopt;
    return length;
}

}  // namespace wg::transport
