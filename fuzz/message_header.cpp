// Paper §5.4: the first look at any datagram. handshake::classify reads the
// type word; check_header does each consumer's length, type and reserved-byte
// checks; read_data_header reads a data message's clear fields. All run on
// every input, and they must agree with each other.
#include "fuzz_support.hpp"
#include "handshake/messages.hpp"
#include "transport/data_message.hpp"

using namespace wg;
using handshake::MessageType;

WGREF_FUZZ_TARGET {
    const ByteView datagram(data, size);
    const auto type = handshake::classify(datagram);
    for (const MessageType t : {MessageType::initiation, MessageType::response, MessageType::cookie_reply,
                                MessageType::transport_data}) {
        const auto refusal = handshake::check_header(datagram, t);
        if (!refusal) {
            fuzz::expect(type == t, "a message that passes check_header classifies as its type");
            const std::size_t exact = handshake::exact_size(t);
            fuzz::expect(exact == 0 ? size >= handshake::layout::TransportData::min_size : size == exact,
                         "a message that passes check_header has its type's size");
        }
    }
    auto header = transport::read_data_header(datagram);
    if (header) fuzz::expect(type == MessageType::transport_data, "read_data_header accepts only data messages");
    return 0;
}
