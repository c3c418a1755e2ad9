// SPDX-License-Identifier: MIT
// The handshake, byte for byte against the independent Python oracle
// (vectors/handshake_oracle.txt), then each refusal of §5.4 with its reason.
#include <catch2/catch.hpp>

#include "cookie/macs.hpp"
#include "forge.hpp"
#include "oracle_case.hpp"

using namespace wg;
using wire::Initiation;
using wire::Response;

namespace {

/// Parses what a test built; the test fails if the wire layer refuses it.
wire::InitiationMessage initiation_view(ByteView bytes) {
    auto view = wire::InitiationMessage::parse(bytes);
    REQUIRE(view);
    return *view;
}
wire::ResponseMessage response_view(ByteView bytes) {
    auto view = wire::ResponseMessage::parse(bytes);
    REQUIRE(view);
    return *view;
}

}  // namespace

TEST_CASE("Both handshake messages and the transport keys match the oracle", "[handshake][vectors]") {
    const auto records = test::oracle_records();
    REQUIRE(records.size() >= 4);
    for (const auto& r : records) {
        test::OracleCase c(r);
        CHECK(to_hex(c.initiator.public_key) == r.text("initiator_static_public"));
        CHECK(to_hex(c.responder.public_key) == r.text("responder_static_public"));
        CHECK(to_hex(c.initiation_params.timestamp.view()) == r.text("timestamp"));

        // §5.4.2: the initiator builds exactly the oracle's first message
        // (mac1 and mac2, §5.4.4, are added last, as a sender does)...
        std::array<std::uint8_t, Initiation::kSize> initiation{};
        auto initiator = handshake::InitiatorHandshake::create_initiation(
            c.initiator, c.responder_as_seen_by_initiator, c.initiation_params, initiation);
        REQUIRE(initiator);
        cookie::add_macs(initiation, cookie::MacKeys::of(c.responder.public_key).mac1_key, c.initiation_cookie);
        CHECK(to_hex(initiation) == r.text("initiation"));

        // ...and the responder accepts the oracle's message, learning who and when.
        const Bytes oracle_initiation = r.bytes("initiation");
        auto consumed = handshake::consume_initiation(initiation_view(oracle_initiation), c.responder, c.directory);
        REQUIRE(consumed.ok());
        CHECK(consumed.value().initiator->public_key == c.initiator.public_key);
        CHECK(consumed.value().timestamp == c.initiation_params.timestamp);
        CHECK(consumed.value().initiator_index == r.number("initiator_index"));

        // §5.4.3: the responder builds exactly the oracle's second message.
        std::array<std::uint8_t, Response::kSize> response{};
        auto responder_keys = handshake::create_response(consumed.value(), c.response_params, response);
        REQUIRE(responder_keys);
        cookie::add_macs(response, cookie::MacKeys::of(c.initiator.public_key).mac1_key, c.response_cookie);
        CHECK(to_hex(response) == r.text("response"));

        // §5.4.5: both sides derive the oracle's keys, mirrored.
        const Bytes oracle_response = r.bytes("response");
        auto initiator_keys = initiator->consume_response(response_view(oracle_response), c.initiator,
                                                          c.responder_as_seen_by_initiator);
        REQUIRE(initiator_keys.ok());
        CHECK(to_hex(initiator_keys.value().sending.view()) == r.text("initiator_send_key"));
        CHECK(to_hex(initiator_keys.value().receiving.view()) == r.text("initiator_receive_key"));
        CHECK(initiator_keys.value().sending == responder_keys->receiving);
        CHECK(initiator_keys.value().receiving == responder_keys->sending);
        CHECK(initiator_keys.value().remote_index == r.number("responder_index"));
        CHECK(responder_keys->remote_index == r.number("initiator_index"));
        CHECK(initiator_keys.value().we_initiated);
        CHECK_FALSE(responder_keys->we_initiated);

        // mac2 is present exactly when a cookie was held (§5.4.4).
        if (auto cookie = c.initiation_cookie) CHECK(cookie::mac2_is_valid(oracle_initiation, *cookie));
        if (auto cookie = c.response_cookie) CHECK(cookie::mac2_is_valid(oracle_response, *cookie));
    }
}

namespace {

/// An attacker who knows the receiver's public key can always fix mac1.
void refresh_mac1(Bytes& message, const crypto::PublicKey& receiver) {
    test::refresh_mac1(message, cookie::MacKeys::of(receiver).mac1_key);
}

}  // namespace

TEST_CASE("Every refusal of an initiation has its own reason", "[handshake][bad-input]") {
    const auto records = test::oracle_records();
    test::OracleCase c(records.front());
    const Bytes good = records.front().bytes("initiation");
    auto reason_for = [&](const Bytes& message) {
        auto result = handshake::consume_initiation(initiation_view(message), c.responder, c.directory);
        REQUIRE_FALSE(result.ok());
        return result.error();
    };

    // The wire format's own refusals (size, type, reserved bytes) come
    // before any of these: see wire/messages_test.cpp. mac1 is the receiver's
    // first check (§5.4.4), before the handshake sees the message:
    Bytes m = good;
    m[Initiation::mac1.offset] ^= 1;
    CHECK_FALSE(cookie::mac1_is_valid(m, cookie::MacKeys::of(c.responder.public_key).mac1_key));
    CHECK(cookie::mac1_is_valid(good, cookie::MacKeys::of(c.responder.public_key).mac1_key));

    m = good;
    m[Initiation::encrypted_static.offset + 3] ^= 1;
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == DropReason::decrypt_failed);
    m = good;
    m[Initiation::encrypted_timestamp.offset + 3] ^= 1;
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == DropReason::decrypt_failed);
    m = good;
    std::fill_n(m.begin() + Initiation::ephemeral.offset, 32, 0);  // the zero point
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == DropReason::low_order_point);

    // A responder that does not know the initiator's static key.
    test::OnePeerDirectory strangers(handshake::RemotePeer{c.responder.public_key, {}});
    auto unknown = handshake::consume_initiation(initiation_view(good), c.responder, strangers);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error() == DropReason::unknown_static_key);

    // §5.1: once its timestamp is recorded, the same initiation is a replay,
    // and so is any older one; a newer one is welcome.
    REQUIRE(handshake::consume_initiation(initiation_view(good), c.responder, c.directory).ok());
    c.directory.latest = c.initiation_params.timestamp;
    CHECK(reason_for(good) == DropReason::timestamp_not_newer);
    auto params = c.initiation_params;
    std::array<std::uint8_t, Initiation::kSize> fresh{};
    params.timestamp = crypto::Tai64n::from_unix(records.front().number("tai64n_seconds") - 1, 0);
    REQUIRE(handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator, params, fresh));
    CHECK(reason_for(Bytes(fresh.begin(), fresh.end())) == DropReason::timestamp_not_newer);
    params.timestamp = crypto::Tai64n::from_unix(records.front().number("tai64n_seconds") + 1, 0);
    REQUIRE(handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator, params, fresh));
    CHECK(handshake::consume_initiation(initiation_view(fresh), c.responder, c.directory).ok());
}

TEST_CASE("Every refusal of a response has its own reason", "[handshake][bad-input]") {
    const auto records = test::oracle_records();
    test::OracleCase c(records.front());
    std::array<std::uint8_t, Initiation::kSize> initiation{};
    auto initiator = handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator,
                                                                      c.initiation_params, initiation);
    REQUIRE(initiator);
    const Bytes good = records.front().bytes("response");
    auto reason_for = [&](const Bytes& message) {
        auto result = initiator->consume_response(response_view(message), c.initiator, c.responder_as_seen_by_initiator);
        REQUIRE_FALSE(result.ok());
        return result.error();
    };
    REQUIRE(initiator->consume_response(response_view(good), c.initiator, c.responder_as_seen_by_initiator).ok());

    Bytes m = good;
    m[Response::mac1.offset + 15] ^= 0x80;
    CHECK_FALSE(cookie::mac1_is_valid(m, cookie::MacKeys::of(c.initiator.public_key).mac1_key));
    m = good;
    m[Response::receiver.offset] ^= 1;
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == DropReason::unknown_index);
    m = good;
    m[Response::encrypted_nothing.offset] ^= 1;
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == DropReason::decrypt_failed);
    m = good;
    m[Response::ephemeral.offset] ^= 1;  // another point: the keys no longer agree
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == DropReason::decrypt_failed);

    // The wrong PSK: everything matches except the psk step of §5.4.3.
    const handshake::RemotePeer wrong_psk{c.responder.public_key, crypto::SymmetricKey::from(Bytes(32, 0xaa))};
    auto result = initiator->consume_response(response_view(good), c.initiator, wrong_psk);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == DropReason::decrypt_failed);
}
