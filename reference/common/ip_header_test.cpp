// SPDX-License-Identifier: MIT
// The inner header's three fields WireGuard reads (common/ip_header.hpp):
// source and destination for cryptokey routing (§3), and the claimed length
// the receiver trims padding by (§5.4.6). Header layouts: RFC 791 §3.1,
// RFC 8200 §3.
#include <catch2/catch.hpp>

#include <algorithm>

#include "common/ip_header.hpp"

using namespace wg;

TEST_CASE("An IPv4 header gives its addresses and its total length", "[ip_header]") {
    // Wikipedia's "IPv4 header checksum" example: 115 bytes, 192.168.0.1 -> 192.168.0.199.
    const Bytes packet = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                          0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    const auto header = read_ip_header(packet);
    REQUIRE(header);
    CHECK(header->family == IpFamily::v4);
    CHECK(header->claimed_length == 115);  // more than the 20 bytes here: checking that is not this function's job
    CHECK(header->source.to_string() == "192.168.0.1");
    CHECK(header->destination.to_string() == "192.168.0.199");
}

TEST_CASE("An IPv6 header's length is its payload length plus the 40-byte header", "[ip_header]") {
    Bytes packet(40, 0);
    packet[0] = 0x60;
    packet[4] = 0x01;  // payload length 0x0102 = 258
    packet[5] = 0x02;
    const auto source = IpAddress::parse("2001:db8::1"), destination = IpAddress::parse("2001:db8::2");
    std::copy(source->bytes.begin(), source->bytes.end(), packet.begin() + 8);
    std::copy(destination->bytes.begin(), destination->bytes.end(), packet.begin() + 24);
    const auto header = read_ip_header(packet);
    REQUIRE(header);
    CHECK(header->family == IpFamily::v6);
    CHECK(header->claimed_length == 298);
    CHECK(header->source.to_string() == "2001:db8::1");
    CHECK(header->destination.to_string() == "2001:db8::2");
}

TEST_CASE("No header is read from a short packet or another version", "[ip_header]") {
    CHECK_FALSE(read_ip_header(Bytes{}));
    CHECK_FALSE(read_ip_header(Bytes(19, 0x45)));   // IPv4 needs 20 bytes
    CHECK_FALSE(read_ip_header(Bytes(39, 0x60)));   // IPv6 needs 40
    CHECK_FALSE(read_ip_header(Bytes(40, 0x50)));   // version 5
}
