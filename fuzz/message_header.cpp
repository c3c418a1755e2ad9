// SPDX-License-Identifier: MIT
// Paper §5.4: the first look at any datagram. wire::classify reads the type
// word; each message's view (wire::InitiationMessage::parse and the others)
// checks type, reserved bytes and length. All run on every input, and they
// must agree with each other: at most one view accepts a datagram, and only
// one that classifies as its type and has its type's length.
#include "fuzz_support.hpp"
#include "wire/messages.hpp"

using namespace wg;
using wire::MessageType;

WGREF_FUZZ_TARGET {
    const ByteView datagram(data, size);
    const auto type = wire::classify(datagram);
    int views = 0;
    if (wire::InitiationMessage::parse(datagram)) {
        ++views;
        fuzz::expect(type == MessageType::initiation && size == wire::Initiation::kSize, "an initiation view is a 148-byte type 1");
    }
    if (wire::ResponseMessage::parse(datagram)) {
        ++views;
        fuzz::expect(type == MessageType::response && size == wire::Response::kSize, "a response view is a 92-byte type 2");
    }
    if (wire::CookieReplyMessage::parse(datagram)) {
        ++views;
        fuzz::expect(type == MessageType::cookie_reply && size == wire::CookieReply::kSize, "a cookie reply view is a 64-byte type 3");
    }
    if (const auto d = wire::DataMessage::parse(datagram)) {
        ++views;
        fuzz::expect(type == MessageType::transport_data && size >= wire::TransportData::kMinSize,
                     "a data view is a type 4 of 32 bytes or more");
        fuzz::expect(d->plaintext_size() + wire::TransportData::kMinSize == size, "a data view's plaintext is the rest");
    }
    fuzz::expect(views <= 1, "at most one view accepts a datagram");
    return 0;
}
