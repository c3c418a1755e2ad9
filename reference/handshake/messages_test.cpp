// Classification by the first four bytes, and the header checks every
// consumer shares (§5.4: type, three zero reserved bytes, exact length).
#include <catch2/catch.hpp>

#include "handshake/messages.hpp"

using namespace wg;
using handshake::MessageType;
using handshake::RejectReason;

TEST_CASE("The layouts add up to the paper's message sizes", "[messages]") {
    namespace L = handshake::layout;
    STATIC_REQUIRE(L::Initiation::mac2 + 16 == L::Initiation::size);
    STATIC_REQUIRE(L::Initiation::size == 148);
    STATIC_REQUIRE(L::Response::mac2 + 16 == L::Response::size);
    STATIC_REQUIRE(L::Response::size == 92);
    STATIC_REQUIRE(L::CookieReply::encrypted_cookie + 32 == L::CookieReply::size);
    STATIC_REQUIRE(L::CookieReply::size == 64);
    STATIC_REQUIRE(L::TransportData::min_size == 32);
}

TEST_CASE("A message is classified by its first little-endian word", "[messages]") {
    CHECK(handshake::classify(Bytes{1, 0, 0, 0}) == MessageType::initiation);
    CHECK(handshake::classify(Bytes{4, 0, 0, 0, 9}) == MessageType::transport_data);
    CHECK_FALSE(handshake::classify(Bytes{1, 0, 0, 1}));  // reserved byte set: no type matches
    CHECK_FALSE(handshake::classify(Bytes{5, 0, 0, 0}));
    CHECK_FALSE(handshake::classify(Bytes{0, 0, 0, 0}));
    CHECK_FALSE(handshake::classify(Bytes{1, 0, 0}));
    CHECK_FALSE(handshake::classify(Bytes{}));
}

TEST_CASE("Header checks name the first rule broken", "[messages]") {
    Bytes initiation(148, 0);
    initiation[0] = 1;
    CHECK_FALSE(handshake::check_header(initiation, MessageType::initiation));
    CHECK(handshake::check_header(initiation, MessageType::response) == RejectReason::wrong_type);
    initiation[2] = 7;
    CHECK(handshake::check_header(initiation, MessageType::initiation) == RejectReason::reserved_not_zero);
    initiation[2] = 0;
    initiation.resize(92);
    CHECK(handshake::check_header(initiation, MessageType::initiation) == RejectReason::wrong_size);
    Bytes data(31, 0);
    data[0] = 4;
    CHECK(handshake::check_header(data, MessageType::transport_data) == RejectReason::wrong_size);
    data.push_back(0);
    CHECK_FALSE(handshake::check_header(data, MessageType::transport_data));  // a keepalive's size
    CHECK(handshake::check_header(Bytes{}, MessageType::transport_data) == RejectReason::wrong_size);
}
