// SPDX-License-Identifier: MIT
// Classifying and parsing messages (see messages.hpp).
#include "wire/messages.hpp"

namespace wg::wire {
namespace {

// The layouts tile their messages exactly: each field starts where the last
// one ended, and the last ends at the message's size.
static_assert(Initiation::sender.offset == kTypeWord.end() && Initiation::ephemeral.offset == Initiation::sender.end() &&
              Initiation::encrypted_static.offset == Initiation::ephemeral.end() &&
              Initiation::encrypted_timestamp.offset == Initiation::encrypted_static.end() &&
              Initiation::mac1.offset == Initiation::encrypted_timestamp.end() &&
              Initiation::mac2.offset == Initiation::mac1.end() && Initiation::mac2.end() == Initiation::kSize);
static_assert(Response::sender.offset == kTypeWord.end() && Response::receiver.offset == Response::sender.end() &&
              Response::ephemeral.offset == Response::receiver.end() &&
              Response::encrypted_nothing.offset == Response::ephemeral.end() &&
              Response::mac1.offset == Response::encrypted_nothing.end() &&
              Response::mac2.offset == Response::mac1.end() && Response::mac2.end() == Response::kSize);
static_assert(CookieReply::receiver.offset == kTypeWord.end() && CookieReply::nonce.offset == CookieReply::receiver.end() &&
              CookieReply::encrypted_cookie.offset == CookieReply::nonce.end() &&
              CookieReply::encrypted_cookie.end() == CookieReply::kSize);
static_assert(TransportData::receiver.offset == kTypeWord.end() &&
              TransportData::counter.offset == TransportData::receiver.end() &&
              TransportData::counter.end() == TransportData::kHeaderSize);
static_assert(mac1_field(Initiation::kSize).offset == Initiation::mac1.offset &&
              mac2_field(Response::kSize).offset == Response::mac2.offset);

/// True when `datagram` starts with `type`'s type word (reserved bytes zero).
bool has_type(ByteView datagram, MessageType type) {
    return datagram.size() >= kTypeWord.size && load_le32(datagram.data()) == static_cast<std::uint32_t>(type);
}

}  // namespace

std::optional<MessageType> classify(ByteView datagram) {
    if (datagram.size() < kTypeWord.size) return std::nullopt;
    const std::uint32_t word = load_le32(datagram.data());
    if (word < 1 || word > 4) return std::nullopt;
    return static_cast<MessageType>(word);
}

void write_type(MutableByteView message, MessageType type) { store_le32(message.data(), static_cast<std::uint32_t>(type)); }

std::optional<InitiationMessage> InitiationMessage::parse(ByteView datagram) {
    if (!has_type(datagram, Initiation::kType) || datagram.size() != Initiation::kSize) return std::nullopt;
    return InitiationMessage(datagram);
}

std::optional<ResponseMessage> ResponseMessage::parse(ByteView datagram) {
    if (!has_type(datagram, Response::kType) || datagram.size() != Response::kSize) return std::nullopt;
    return ResponseMessage(datagram);
}

std::optional<CookieReplyMessage> CookieReplyMessage::parse(ByteView datagram) {
    if (!has_type(datagram, CookieReply::kType) || datagram.size() != CookieReply::kSize) return std::nullopt;
    return CookieReplyMessage(datagram);
}

std::optional<DataMessage> DataMessage::parse(ByteView datagram) {
    if (!has_type(datagram, TransportData::kType) || datagram.size() < TransportData::kMinSize) return std::nullopt;
    return DataMessage(datagram);
}

}  // namespace wg::wire
