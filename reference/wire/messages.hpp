// SPDX-License-Identifier: MIT
// Paper §5.4: the four WireGuard messages, every field's offset and size
// written down once (the kernel's messages.h). Each message starts with a
// 1-byte type and 3 reserved zero bytes; integers are little-endian.
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
// A received datagram is parsed once, by the view of its type: parse()
// checks the type word and the length, and returns a view whose accessors
// cannot read past the end. Everything after that (handshake, cookie,
// transport) works on views and never checks a header again.
//
// What to take away: a message is classified by its first four bytes alone
// (the kernel reads them as one little-endian word, so a non-zero reserved
// byte matches no type), and each handshake message has exactly one length.
#pragma once

#include <optional>
#include <span>

#include "common/bytes.hpp"
#include "wire/constants.hpp"

namespace wg::wire {

enum class MessageType : std::uint8_t {
    initiation = 1,
    response = 2,
    cookie_reply = 3,
    transport_data = 4,
};

/// Where a field sits in a message and how long it is.
struct Field {
    std::size_t offset;
    std::size_t size;
    constexpr std::size_t end() const { return offset + size; }
    /// The field's bytes in `message` (any contiguous bytes: a span, an
    /// array, a vector), writable when the message is.
    template <typename Message>
    auto in(Message&& message) const {
        return std::span(message).subspan(offset, size);
    }
};

/// The type word every message begins with: the type byte, three zero bytes.
inline constexpr Field kTypeWord{0, 4};

/// [W] 5.4.2 First Message: Initiator to Responder.
struct Initiation {
    static constexpr MessageType kType = MessageType::initiation;
    static constexpr Field sender{4, 4};
    static constexpr Field ephemeral{8, kKeySize};
    static constexpr Field encrypted_static{40, kKeySize + kTagSize};
    static constexpr Field encrypted_timestamp{88, kTimestampSize + kTagSize};
    static constexpr Field mac1{116, kMacSize};
    static constexpr Field mac2{132, kMacSize};
    static constexpr std::size_t kSize = 148;
};

/// [W] 5.4.3 Second Message: Responder to Initiator.
struct Response {
    static constexpr MessageType kType = MessageType::response;
    static constexpr Field sender{4, 4};
    static constexpr Field receiver{8, 4};
    static constexpr Field ephemeral{12, kKeySize};
    static constexpr Field encrypted_nothing{44, 0 + kTagSize};
    static constexpr Field mac1{60, kMacSize};
    static constexpr Field mac2{76, kMacSize};
    static constexpr std::size_t kSize = 92;
};

/// [W] 5.4.7 Cookie Reply.
struct CookieReply {
    static constexpr MessageType kType = MessageType::cookie_reply;
    static constexpr Field receiver{4, 4};
    static constexpr Field nonce{8, kCookieNonceSize};
    static constexpr Field encrypted_cookie{32, kMacSize + kTagSize};
    static constexpr std::size_t kSize = 64;
};

/// [W] 5.4.6 Transport Data Message: a header, then the sealed packet.
struct TransportData {
    static constexpr MessageType kType = MessageType::transport_data;
    static constexpr Field receiver{4, 4};
    static constexpr Field counter{8, 8};
    static constexpr std::size_t kHeaderSize = 16;
    /// The smallest legal message: a keepalive, an empty packet and its tag (§6.5).
    static constexpr std::size_t kMinSize = kHeaderSize + kTagSize;
    /// Size of a whole message carrying `padded` bytes of plaintext.
    static constexpr std::size_t size_for(std::size_t padded) { return kHeaderSize + padded + kTagSize; }
};

/// Both handshake messages end in mac1 then mac2 (§5.4.4): msg_alpha is
/// every byte before mac1, msg_beta every byte before mac2.
constexpr Field mac1_field(std::size_t message_size) { return {message_size - 2 * kMacSize, kMacSize}; }
constexpr Field mac2_field(std::size_t message_size) { return {message_size - kMacSize, kMacSize}; }

/// The type a datagram claims, if its type word is one of the four with zero
/// reserved bytes (its length is not looked at).
std::optional<MessageType> classify(ByteView datagram);

/// Writes the type word of `type` at the start of `message`.
void write_type(MutableByteView message, MessageType type);

// ---- views of received messages ----------------------------------------------

/// A received initiation of the right type and length.
class InitiationMessage {
public:
    static std::optional<InitiationMessage> parse(ByteView datagram);
    ByteView bytes() const { return bytes_; }
    std::uint32_t sender() const { return load_le32(Initiation::sender.in(bytes_).data()); }
    ByteView ephemeral() const { return Initiation::ephemeral.in(bytes_); }
    ByteView encrypted_static() const { return Initiation::encrypted_static.in(bytes_); }
    ByteView encrypted_timestamp() const { return Initiation::encrypted_timestamp.in(bytes_); }

private:
    explicit InitiationMessage(ByteView bytes) : bytes_(bytes) {}
    ByteView bytes_;
};

/// A received response of the right type and length.
class ResponseMessage {
public:
    static std::optional<ResponseMessage> parse(ByteView datagram);
    ByteView bytes() const { return bytes_; }
    std::uint32_t sender() const { return load_le32(Response::sender.in(bytes_).data()); }
    std::uint32_t receiver() const { return load_le32(Response::receiver.in(bytes_).data()); }
    ByteView ephemeral() const { return Response::ephemeral.in(bytes_); }
    ByteView encrypted_nothing() const { return Response::encrypted_nothing.in(bytes_); }

private:
    explicit ResponseMessage(ByteView bytes) : bytes_(bytes) {}
    ByteView bytes_;
};

/// A received cookie reply of the right type and length.
class CookieReplyMessage {
public:
    static std::optional<CookieReplyMessage> parse(ByteView datagram);
    ByteView bytes() const { return bytes_; }
    std::uint32_t receiver() const { return load_le32(CookieReply::receiver.in(bytes_).data()); }
    ByteView nonce() const { return CookieReply::nonce.in(bytes_); }
    ByteView encrypted_cookie() const { return CookieReply::encrypted_cookie.in(bytes_); }

private:
    explicit CookieReplyMessage(ByteView bytes) : bytes_(bytes) {}
    ByteView bytes_;
};

/// A received transport data message: the right type, and at least a keepalive's length.
class DataMessage {
public:
    static std::optional<DataMessage> parse(ByteView datagram);
    ByteView bytes() const { return bytes_; }
    std::uint32_t receiver() const { return load_le32(TransportData::receiver.in(bytes_).data()); }
    std::uint64_t counter() const { return load_le64(TransportData::counter.in(bytes_).data()); }
    /// The sealed packet and its tag: everything after the header.
    ByteView encrypted_packet() const { return bytes_.subspan(TransportData::kHeaderSize); }
    /// How many plaintext bytes the sealed packet holds (0: a keepalive).
    std::size_t plaintext_size() const { return bytes_.size() - TransportData::kMinSize; }

private:
    explicit DataMessage(ByteView bytes) : bytes_(bytes) {}
    ByteView bytes_;
};

}  // namespace wg::wire
