// SPDX-License-Identifier: MIT
// Paper §5.4.6: a transport data message as the receiver handles it, clear
// header first (wire::DataMessage::parse: which session, which counter),
// then decryption (open_data_message) with the session's key, then the inner
// packet's own length (inner_packet_length) to strip the padding. The key is
// an oracle case's T_recv_r, so the oracle's data messages (the seeds) open.
//
// Input: one control byte (bits 0-1: which oracle case), then the message.
#include "fuzz_support.hpp"
#include "oracle.hpp"
#include "transport/data_message.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    if (size < 1) return 0;
    const auto& c = fuzz::oracle_case(data[0] & 3);
    const ByteView message(data + 1, size - 1);
    const auto key = crypto::SymmetricKey::from(c.record.bytes("initiator_send_key"));

    const auto header = wire::DataMessage::parse(message);
    if (!header) return 0;
    fuzz::expect(message.size() >= wire::TransportData::kMinSize, "a data header needs a whole message");
    Bytes plaintext(header->plaintext_size());
    auto opened = transport::open_data_message(key, *header, plaintext);
    if (!opened) return 0;
    fuzz::expect(opened.value() == plaintext.size(), "the plaintext is the message less header and tag");
    if (auto length = transport::inner_packet_length(plaintext)) {
        fuzz::expect(*length <= plaintext.size(), "an inner packet fits in its plaintext");
    }
    return 0;
}
