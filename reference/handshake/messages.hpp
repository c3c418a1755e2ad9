// Paper §5.4: the four WireGuard messages, every byte offset written down
// once. Each message starts with a 1-byte type and 3 reserved zero bytes;
// all integers are little-endian. Handshake messages have exactly one legal
// length each; a transport message is at least its 16-byte header plus a
// 16-byte tag (an empty payload is a keepalive, §6.5).
//
//   [W] 5.4.2 First Message: Initiator to Responder   148 bytes
//     type(1)=1 reserved(3) sender(4) ephemeral(32) static(32+16)
//     timestamp(12+16) mac1(16) mac2(16)
//   [W] 5.4.3 Second Message: Responder to Initiator   92 bytes
//     type(1)=2 reserved(3) sender(4) receiver(4) ephemeral(32) empty(0+16)
//     mac1(16) mac2(16)
//   [W] 5.4.7 Cookie Reply                             64 bytes
//     type(1)=3 reserved(3) receiver(4) nonce(24) cookie(16+16)
//   [W] 5.4.6 Transport Data                           32 bytes or more
//     type(1)=4 reserved(3) receiver(4) counter(8) packet(n+16)
//
// What to take away: a message is classified by its first four bytes alone,
// and every parser here checks the length before it reads a field.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "common/bytes.hpp"
#include "crypto/secret.hpp"
#include "crypto/tai64n.hpp"

namespace wg::handshake {

enum class MessageType : std::uint8_t {
    initiation = 1,
    response = 2,
    cookie_reply = 3,
    transport_data = 4,
};

/// Why an incoming message was refused. Each check of §5.4 has its own value,
/// so counters, traces and tests can say exactly which rule fired.
enum class RejectReason {
    wrong_size,           ///< not the exact length of its type (or too short for data)
    wrong_type,           ///< type byte is not the one this consumer handles
    reserved_not_zero,    ///< §5.4.2: the three reserved bytes must be zero
    bad_mac1,             ///< §5.4.4: mac1 does not match our public key
    bad_mac2,             ///< §5.4.7: mac2 required (under load) and wrong
    decrypt_failed,       ///< an AEAD tag did not verify
    unknown_static_key,   ///< §5.4.2: initiator's static key is not a configured peer
    timestamp_not_newer,  ///< §5.1: replayed or older initiation
    unknown_receiver,     ///< response or reply names an index we did not send
    low_order_point,      ///< a DH result was all zeros (RFC 7748 §6.1)
};

std::string_view to_string(RejectReason reason);

/// Byte offsets of each message, named after the paper's field names.
namespace layout {
inline constexpr std::size_t kTypeOffset = 0;       // 1 byte type + 3 reserved
inline constexpr std::size_t kHeaderWordSize = 4;

struct Initiation {
    static constexpr std::size_t sender = 4;
    static constexpr std::size_t ephemeral = 8;
    static constexpr std::size_t encrypted_static = 40;     // 32 + 16 tag
    static constexpr std::size_t encrypted_timestamp = 88;  // 12 + 16 tag
    static constexpr std::size_t mac1 = 116;
    static constexpr std::size_t mac2 = 132;
    static constexpr std::size_t size = 148;
};

struct Response {
    static constexpr std::size_t sender = 4;
    static constexpr std::size_t receiver = 8;
    static constexpr std::size_t ephemeral = 12;
    static constexpr std::size_t encrypted_nothing = 44;  // 0 + 16 tag
    static constexpr std::size_t mac1 = 60;
    static constexpr std::size_t mac2 = 76;
    static constexpr std::size_t size = 92;
};

struct CookieReply {
    static constexpr std::size_t receiver = 4;
    static constexpr std::size_t nonce = 8;
    static constexpr std::size_t encrypted_cookie = 32;  // 16 + 16 tag
    static constexpr std::size_t size = 64;
};

struct TransportData {
    static constexpr std::size_t receiver = 4;
    static constexpr std::size_t counter = 8;
    static constexpr std::size_t packet = 16;
    static constexpr std::size_t header_size = 16;
    static constexpr std::size_t min_size = header_size + crypto::kTagSize;  // a keepalive
};
}  // namespace layout

/// The type a datagram claims, if its first four bytes are a known type with
/// zero reserved bytes. Like the Linux kernel, this reads the type as one
/// little-endian 32-bit word, so a non-zero reserved byte matches nothing.
std::optional<MessageType> classify(ByteView datagram);

/// The common first checks of every consumer: length, type, reserved bytes.
/// Returns nullopt when the message passes them.
std::optional<RejectReason> check_header(ByteView message, MessageType expected);

/// Writes the type word (type byte, three zero bytes).
inline void write_type(std::uint8_t* message, MessageType type) {
    store_le32(message, static_cast<std::uint32_t>(type));
}

/// The one legal length of a handshake message type (0 for transport data).
std::size_t exact_size(MessageType type);

}  // namespace wg::handshake
