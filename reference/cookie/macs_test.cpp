// mac1, mac2 and the cookie reply of §5.4.7 against the oracle's vectors.
#include <catch2/catch.hpp>

#include "cookie/macs.hpp"
#include "oracle_case.hpp"

using namespace wg;

TEST_CASE("Cookies and cookie replies match the oracle", "[cookie][vectors]") {
    for (const auto& r : test::oracle_records()) {
        test::OracleCase c(r);
        const Bytes initiation = r.bytes("initiation");
        // mac1 is keyed by the receiver's public key, so the responder can
        // check it before any public-key work.
        CHECK(cookie::mac1_is_valid(initiation, c.responder.mac1_key));
        CHECK_FALSE(cookie::mac1_is_valid(initiation, c.initiator.mac1_key));

        // cookie = MAC(R_m, source address || port)
        const auto secret = crypto::Secret<32>::from(r.bytes("cookie_secret"));
        const crypto::Mac cookie = cookie::make_cookie(secret, r.bytes("cookie_source"));
        CHECK(to_hex(cookie) == r.text("cookie"));

        // The reply, encrypted against the initiation's mac1.
        crypto::XNonce nonce{};
        const Bytes nonce_bytes = r.bytes("cookie_reply_nonce");
        std::copy(nonce_bytes.begin(), nonce_bytes.end(), nonce.begin());
        std::array<std::uint8_t, 64> reply{};
        const auto initiator_index = static_cast<std::uint32_t>(r.number("initiator_index"));
        cookie::create_cookie_reply(initiator_index, cookie, cookie::mac1_of(initiation), nonce,
                                    c.responder.cookie_key, reply);
        CHECK(to_hex(reply) == r.text("cookie_reply"));

        // The initiator decrypts it with what it knows: the responder's
        // public key and the mac1 it sent.
        auto got = cookie::consume_cookie_reply(r.bytes("cookie_reply"), initiator_index,
                                                c.responder_as_seen_by_initiator.cookie_key, cookie::mac1_of(initiation));
        REQUIRE(got.ok());
        CHECK(got.value() == cookie);

        // A reply to some other message (another mac1) or index is refused.
        crypto::Mac other_mac1 = cookie::mac1_of(initiation);
        other_mac1[0] ^= 1;
        auto wrong = cookie::consume_cookie_reply(reply, initiator_index, c.responder_as_seen_by_initiator.cookie_key, other_mac1);
        REQUIRE_FALSE(wrong.ok());
        CHECK(wrong.error() == handshake::RejectReason::decrypt_failed);
        auto wrong_index = cookie::consume_cookie_reply(reply, initiator_index + 1, c.responder_as_seen_by_initiator.cookie_key,
                                                        cookie::mac1_of(initiation));
        REQUIRE_FALSE(wrong_index.ok());
        CHECK(wrong_index.error() == handshake::RejectReason::unknown_receiver);
    }
}

TEST_CASE("mac2 is zeros without a cookie and checks with one", "[cookie]") {
    Bytes message(92, 0x5a);
    cookie::write_mac2(message, std::nullopt);
    CHECK(Bytes(message.end() - 16, message.end()) == Bytes(16, 0));
    const crypto::Mac cookie{1, 2, 3};
    cookie::write_mac2(message, cookie);
    CHECK(cookie::mac2_is_valid(message, cookie));
    message[5] ^= 1;  // mac2 covers everything before it, mac1 included
    CHECK_FALSE(cookie::mac2_is_valid(message, cookie));
}
