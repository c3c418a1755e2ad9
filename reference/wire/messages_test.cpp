// SPDX-License-Identifier: MIT
// The wire formats: the layouts add up to the paper's sizes, a message is
// classified by its first four bytes, and each view's parse() refuses what
// every receiver must refuse first (§5.4: type, reserved bytes, exact length).
#include <catch2/catch.hpp>

#include "wire/messages.hpp"

using namespace wg;
using wire::MessageType;

TEST_CASE("The layouts add up to the paper's message sizes", "[wire]") {
    STATIC_REQUIRE(wire::Initiation::mac2.end() == wire::Initiation::kSize);
    STATIC_REQUIRE(wire::Initiation::kSize == 148);
    STATIC_REQUIRE(wire::Response::mac2.end() == wire::Response::kSize);
    STATIC_REQUIRE(wire::Response::kSize == 92);
    STATIC_REQUIRE(wire::CookieReply::encrypted_cookie.end() == wire::CookieReply::kSize);
    STATIC_REQUIRE(wire::CookieReply::kSize == 64);
    STATIC_REQUIRE(wire::TransportData::kMinSize == 32);
    STATIC_REQUIRE(wire::TransportData::size_for(16) == 48);
}

TEST_CASE("A message is classified by its first little-endian word", "[wire]") {
    CHECK(wire::classify(Bytes{1, 0, 0, 0}) == MessageType::initiation);
    CHECK(wire::classify(Bytes{4, 0, 0, 0, 9}) == MessageType::transport_data);
    CHECK_FALSE(wire::classify(Bytes{1, 0, 0, 1}));  // reserved byte set: no type matches
    CHECK_FALSE(wire::classify(Bytes{5, 0, 0, 0}));
    CHECK_FALSE(wire::classify(Bytes{0, 0, 0, 0}));
    CHECK_FALSE(wire::classify(Bytes{1, 0, 0}));
    CHECK_FALSE(wire::classify(Bytes{}));
}

TEST_CASE("Each view parses only its own type, with zero reserved bytes and its exact length", "[wire]") {
    Bytes initiation(148, 0);
    initiation[0] = 1;
    CHECK(wire::InitiationMessage::parse(initiation));
    CHECK_FALSE(wire::ResponseMessage::parse(initiation));  // wrong type
    initiation[2] = 7;
    CHECK_FALSE(wire::InitiationMessage::parse(initiation));  // a reserved byte
    initiation[2] = 0;
    initiation.push_back(0);
    CHECK_FALSE(wire::InitiationMessage::parse(initiation));  // one byte too many
    initiation.resize(147);
    CHECK_FALSE(wire::InitiationMessage::parse(initiation));  // one too few

    Bytes response(92, 0);
    response[0] = 2;
    CHECK(wire::ResponseMessage::parse(response));
    Bytes reply(64, 0);
    reply[0] = 3;
    CHECK(wire::CookieReplyMessage::parse(reply));
    reply.resize(63);
    CHECK_FALSE(wire::CookieReplyMessage::parse(reply));

    Bytes data(31, 0);
    data[0] = 4;
    CHECK_FALSE(wire::DataMessage::parse(data));
    data.push_back(0);
    const auto keepalive = wire::DataMessage::parse(data);  // a keepalive's size
    REQUIRE(keepalive);
    CHECK(keepalive->plaintext_size() == 0);
    CHECK_FALSE(wire::DataMessage::parse(Bytes{}));
}

TEST_CASE("Fields are read where the layout puts them, little-endian", "[wire]") {
    Bytes data(48, 0);
    wire::write_type(data, MessageType::transport_data);
    store_le32(wire::TransportData::receiver.in(data).data(), 0x11223344);
    store_le64(wire::TransportData::counter.in(data).data(), 0x0102030405060708);
    const auto view = wire::DataMessage::parse(data);
    REQUIRE(view);
    CHECK(data[4] == 0x44);
    CHECK(view->receiver() == 0x11223344);
    CHECK(view->counter() == 0x0102030405060708);
    CHECK(view->plaintext_size() == 16);
    CHECK(view->encrypted_packet().size() == 32);
}
