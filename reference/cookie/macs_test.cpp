// SPDX-License-Identifier: MIT
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
        const auto responder_keys = cookie::MacKeys::of(c.responder.public_key);
        CHECK(cookie::mac1_is_valid(initiation, responder_keys.mac1_key));
        CHECK_FALSE(cookie::mac1_is_valid(initiation, cookie::MacKeys::of(c.initiator.public_key).mac1_key));

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
                                    responder_keys.cookie_key, reply);
        CHECK(to_hex(reply) == r.text("cookie_reply"));

        // The initiator decrypts it with what it knows: the responder's
        // public key and the mac1 it sent.
        const Bytes oracle_reply = r.bytes("cookie_reply");
        const auto oracle_view = wire::CookieReplyMessage::parse(oracle_reply);
        REQUIRE(oracle_view);
        auto got = cookie::consume_cookie_reply(*oracle_view, initiator_index, responder_keys.cookie_key,
                                                cookie::mac1_of(initiation));
        REQUIRE(got.ok());
        CHECK(got.value() == cookie);

        // A reply to some other message (another mac1) or index is refused.
        crypto::Mac other_mac1 = cookie::mac1_of(initiation);
        other_mac1[0] ^= 1;
        const auto ours = *wire::CookieReplyMessage::parse(reply);
        auto wrong = cookie::consume_cookie_reply(ours, initiator_index, responder_keys.cookie_key, other_mac1);
        REQUIRE_FALSE(wrong.ok());
        CHECK(wrong.error() == DropReason::decrypt_failed);
        auto wrong_index = cookie::consume_cookie_reply(ours, initiator_index + 1, responder_keys.cookie_key,
                                                        cookie::mac1_of(initiation));
        REQUIRE_FALSE(wrong_index.ok());
        CHECK(wrong_index.error() == DropReason::unknown_index);
    }
}

TEST_CASE("mac2 is zeros without a cookie and checks with one", "[cookie]") {
    Bytes message(92, 0x5a);
    const crypto::Hash mac1_key{7};
    const crypto::Mac mac1 = cookie::add_macs(message, mac1_key, std::nullopt);
    CHECK(Bytes(message.end() - 16, message.end()) == Bytes(16, 0));
    CHECK(cookie::mac1_of(message) == mac1);
    CHECK(cookie::mac1_is_valid(message, mac1_key));
    const crypto::Mac cookie{1, 2, 3};
    cookie::add_macs(message, mac1_key, cookie);
    CHECK(cookie::mac2_is_valid(message, cookie));
    message[5] ^= 1;  // mac2 covers everything before it, mac1 included
    CHECK_FALSE(cookie::mac2_is_valid(message, cookie));
}

TEST_CASE("A cookie's source is the address and then the port, big-endian", "[cookie]") {
    const auto v4 = cookie::cookie_source(*Endpoint::parse("192.0.2.1:51820"));
    CHECK(to_hex(v4.view()) == "c0000201ca6c");
    const auto v6 = cookie::cookie_source(*Endpoint::parse("[2001:db8::1]:1"));
    CHECK(to_hex(v6.view()) == "20010db80000000000000000000000010001");
}
