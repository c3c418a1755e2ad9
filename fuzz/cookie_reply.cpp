// SPDX-License-Identifier: MIT
// Paper §5.4.7 from the initiator's side: wire::CookieReplyMessage::parse,
// then cookie::consume_cookie_reply. The
// initiator has sent an oracle case's initiation (its index and mac1), and
// the responder's cookie key is the oracle's, so the oracle's cookie reply
// (the seeds) decrypts and mutations of it reach the XAEAD.
//
// Input: one control byte (bits 0-1: which oracle case), then the reply.
#include "cookie/macs.hpp"
#include "fuzz_support.hpp"
#include "oracle.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    if (size < 1) return 0;
    const auto& c = fuzz::oracle_case(data[0] & 3);
    const ByteView reply(data + 1, size - 1);
    const Bytes initiation = c.record.bytes("initiation");
    const auto sent_index = c.initiation_params.sender_index;
    const auto message = wire::CookieReplyMessage::parse(reply);
    if (!message) return 0;
    fuzz::expect(reply.size() == wire::CookieReply::kSize, "a parsed reply has the one legal size");
    auto cookie = cookie::consume_cookie_reply(*message, sent_index, cookie::MacKeys::of(c.responder.public_key).cookie_key,
                                               cookie::mac1_of(initiation));
    if (!cookie) return 0;
    fuzz::expect(message->receiver() == sent_index, "accepted reply names our index");
    return 0;
}
