// The handshake, byte for byte against the independent Python oracle
// (vectors/handshake_oracle.txt), then each refusal of §5.4 with its reason.
#include <catch2/catch.hpp>

#include "cookie/macs.hpp"
#include "oracle_case.hpp"

using namespace wg;
using handshake::RejectReason;

TEST_CASE("Both handshake messages and the transport keys match the oracle", "[handshake][vectors]") {
    const auto records = test::oracle_records();
    REQUIRE(records.size() >= 4);
    for (const auto& r : records) {
        test::OracleCase c(r);
        CHECK(to_hex(c.initiator.public_key) == r.text("initiator_static_public"));
        CHECK(to_hex(c.responder.public_key) == r.text("responder_static_public"));
        CHECK(to_hex(c.initiation_params.timestamp.view()) == r.text("timestamp"));

        // §5.4.2: the initiator builds exactly the oracle's first message...
        std::array<std::uint8_t, handshake::layout::Initiation::size> initiation{};
        auto initiator = handshake::InitiatorHandshake::create_initiation(
            c.initiator, c.responder_as_seen_by_initiator, c.initiation_params, initiation);
        REQUIRE(initiator);
        CHECK(to_hex(initiation) == r.text("initiation"));

        // ...and the responder accepts the oracle's message, learning who and when.
        const Bytes oracle_initiation = r.bytes("initiation");
        auto consumed = handshake::consume_initiation(oracle_initiation, c.responder, c.directory);
        REQUIRE(consumed.ok());
        CHECK(consumed.value().initiator->public_key == c.initiator.public_key);
        CHECK(consumed.value().timestamp == c.initiation_params.timestamp);
        CHECK(consumed.value().initiator_index == r.number("initiator_index"));

        // §5.4.3: the responder builds exactly the oracle's second message.
        std::array<std::uint8_t, handshake::layout::Response::size> response{};
        auto responder_keys = handshake::create_response(consumed.value(), c.response_params, response);
        REQUIRE(responder_keys);
        CHECK(to_hex(response) == r.text("response"));

        // §5.4.5: both sides derive the oracle's keys, mirrored.
        auto initiator_keys = initiator->consume_response(r.bytes("response"), c.initiator,
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
        if (auto cookie = c.initiation_params.cookie) CHECK(cookie::mac2_is_valid(oracle_initiation, *cookie));
        if (auto cookie = c.response_params.cookie) CHECK(cookie::mac2_is_valid(r.bytes("response"), *cookie));
    }
}

namespace {

/// An attacker who knows the responder's public key can always fix mac1:
/// re-MAC a tampered message so the deeper checks are what refuses it.
void refresh_mac1(Bytes& message, const crypto::PublicKey& receiver) {
    cookie::write_mac1(message, cookie::mac1_key(receiver));
}

}  // namespace

TEST_CASE("Every refusal of an initiation has its own reason", "[handshake][bad-input]") {
    const auto records = test::oracle_records();
    test::OracleCase c(records.front());
    const Bytes good = records.front().bytes("initiation");
    auto reason_for = [&](const Bytes& message) {
        auto result = handshake::consume_initiation(message, c.responder, c.directory);
        REQUIRE_FALSE(result.ok());
        return result.error();
    };

    Bytes m = good;
    m.pop_back();
    CHECK(reason_for(m) == RejectReason::wrong_size);
    m = good;
    m.push_back(0);
    CHECK(reason_for(m) == RejectReason::wrong_size);
    m = good;
    m[0] = 2;
    CHECK(reason_for(m) == RejectReason::wrong_type);
    m = good;
    m[3] = 1;
    CHECK(reason_for(m) == RejectReason::reserved_not_zero);
    m = good;
    m[handshake::layout::Initiation::mac1] ^= 1;
    CHECK(reason_for(m) == RejectReason::bad_mac1);
    m = good;
    m[handshake::layout::Initiation::encrypted_static + 3] ^= 1;
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == RejectReason::decrypt_failed);
    m = good;
    m[handshake::layout::Initiation::encrypted_timestamp + 3] ^= 1;
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == RejectReason::decrypt_failed);
    m = good;
    std::fill_n(m.begin() + handshake::layout::Initiation::ephemeral, 32, 0);  // the zero point
    refresh_mac1(m, c.responder.public_key);
    CHECK(reason_for(m) == RejectReason::low_order_point);

    // A responder that does not know the initiator's static key.
    test::OnePeerDirectory strangers(handshake::RemotePeer::make(c.responder.public_key));
    auto unknown = handshake::consume_initiation(good, c.responder, strangers);
    REQUIRE_FALSE(unknown.ok());
    CHECK(unknown.error() == RejectReason::unknown_static_key);

    // §5.1: once its timestamp is recorded, the same initiation is a replay,
    // and so is any older one; a newer one is welcome.
    REQUIRE(handshake::consume_initiation(good, c.responder, c.directory).ok());
    c.directory.latest = c.initiation_params.timestamp;
    CHECK(reason_for(good) == RejectReason::timestamp_not_newer);
    auto params = c.initiation_params;
    std::array<std::uint8_t, 148> fresh{};
    params.timestamp = crypto::Tai64n::from_unix(records.front().number("tai64n_seconds") - 1, 0);
    REQUIRE(handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator, params, fresh));
    CHECK(reason_for(Bytes(fresh.begin(), fresh.end())) == RejectReason::timestamp_not_newer);
    params.timestamp = crypto::Tai64n::from_unix(records.front().number("tai64n_seconds") + 1, 0);
    REQUIRE(handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator, params, fresh));
    CHECK(handshake::consume_initiation(fresh, c.responder, c.directory).ok());
}

TEST_CASE("Every refusal of a response has its own reason", "[handshake][bad-input]") {
    const auto records = test::oracle_records();
    test::OracleCase c(records.front());
    std::array<std::uint8_t, 148> initiation{};
    auto initiator = handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator,
                                                                      c.initiation_params, initiation);
    REQUIRE(initiator);
    const Bytes good = records.front().bytes("response");
    auto reason_for = [&](const Bytes& message) {
        auto result = initiator->consume_response(message, c.initiator, c.responder_as_seen_by_initiator);
        REQUIRE_FALSE(result.ok());
        return result.error();
    };
    REQUIRE(initiator->consume_response(good, c.initiator, c.responder_as_seen_by_initiator).ok());

    Bytes m(good.begin(), good.end() - 1);
    CHECK(reason_for(m) == RejectReason::wrong_size);
    m = good;
    m[0] = 1;
    CHECK(reason_for(m) == RejectReason::wrong_type);
    m = good;
    m[1] = 0xff;
    CHECK(reason_for(m) == RejectReason::reserved_not_zero);
    m = good;
    m[handshake::layout::Response::mac1 + 15] ^= 0x80;
    CHECK(reason_for(m) == RejectReason::bad_mac1);
    m = good;
    m[handshake::layout::Response::receiver] ^= 1;
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == RejectReason::unknown_receiver);
    m = good;
    m[handshake::layout::Response::encrypted_nothing] ^= 1;
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == RejectReason::decrypt_failed);
    m = good;
    m[handshake::layout::Response::ephemeral] ^= 1;  // another point: the keys no longer agree
    refresh_mac1(m, c.initiator.public_key);
    CHECK(reason_for(m) == RejectReason::decrypt_failed);

    // The wrong PSK: everything matches except the psk step of §5.4.3.
    const auto wrong_psk = handshake::RemotePeer::make(c.responder.public_key, crypto::SymmetricKey::from(Bytes(32, 0xaa)));
    auto result = initiator->consume_response(good, c.initiator, wrong_psk);
    REQUIRE_FALSE(result.ok());
    CHECK(result.error() == RejectReason::decrypt_failed);
}
