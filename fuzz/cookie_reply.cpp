// Paper §5.4.7 from the initiator's side: cookie::consume_cookie_reply. The
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
    auto cookie = cookie::consume_cookie_reply(reply, sent_index, c.responder_as_seen_by_initiator.cookie_key,
                                               cookie::mac1_of(initiation));
    if (!cookie) return 0;
    fuzz::expect(reply.size() == handshake::layout::CookieReply::size, "accepted reply has the one legal size");
    fuzz::expect(cookie::cookie_reply_receiver(reply) == sent_index, "accepted reply names our index");
    return 0;
}
