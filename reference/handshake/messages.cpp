// Message classification and header checks (see messages.hpp).
#include "handshake/messages.hpp"

namespace wg::handshake {

std::string_view to_string(RejectReason reason) {
    switch (reason) {
        case RejectReason::wrong_size: return "wrong size";
        case RejectReason::wrong_type: return "wrong type";
        case RejectReason::reserved_not_zero: return "reserved bytes not zero";
        case RejectReason::bad_mac1: return "bad mac1";
        case RejectReason::bad_mac2: return "bad mac2";
        case RejectReason::decrypt_failed: return "decryption failed";
        case RejectReason::unknown_static_key: return "unknown static key";
        case RejectReason::timestamp_not_newer: return "timestamp not newer";
        case RejectReason::unknown_receiver: return "unknown receiver index";
        case RejectReason::low_order_point: return "low-order public key";
    }
    return "unknown reason";
}

std::size_t exact_size(MessageType type) {
    switch (type) {
        case MessageType::initiation: return layout::Initiation::size;
        case MessageType::response: return layout::Response::size;
        case MessageType::cookie_reply: return layout::CookieReply::size;
        case MessageType::transport_data: return 0;
    }
    return 0;
}

std::optional<MessageType> classify(ByteView datagram) {
    if (datagram.size() < layout::kHeaderWordSize) return std::nullopt;
    const std::uint32_t word = load_le32(datagram.data());
    if (word < 1 || word > 4) return std::nullopt;
    return static_cast<MessageType>(word);
}

std::optional<RejectReason> check_header(ByteView message, MessageType expected) {
    if (message.size() < layout::kHeaderWordSize) return RejectReason::wrong_size;
    if (message[0] != static_cast<std::uint8_t>(expected)) return RejectReason::wrong_type;
    if (message[1] != 0 || message[2] != 0 || message[3] != 0) return RejectReason::reserved_not_zero;
    const std::size_t size = exact_size(expected);
    if (size != 0 ? message.size() != size : message.size() < layout::TransportData::min_size) {
        return RejectReason::wrong_size;
    }
    return std::nullopt;
}

}  // namespace wg::handshake
