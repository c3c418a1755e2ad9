// SPDX-License-Identifier: MIT
// Byte order, stated once (common/bytes.hpp): WireGuard's own fields are
// little-endian (paper §5.4), the IP and ICMP headers around and inside them
// big-endian. The header below is the worked example of Wikipedia's "IPv4
// header checksum" article, not bytes this project made.
#include <catch2/catch.hpp>

#include "common/bytes.hpp"

using namespace wg;

namespace {

// 45 00 | total length 0x0073 | id 0 | flags 0x4000 | TTL 64, UDP | checksum 0xb861 | 192.168.0.1 -> 192.168.0.199
constexpr std::array<std::uint8_t, 20> kIpv4Header = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                                      0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};

}  // namespace

TEST_CASE("A network-order field reads with its first byte high", "[bytes]") {
    CHECK(load_be16(&kIpv4Header[2]) == 0x0073);  // total length: 115 bytes
    CHECK(load_be16(&kIpv4Header[6]) == 0x4000);  // the "don't fragment" flag
    CHECK(load_be16(&kIpv4Header[10]) == 0xb861);  // the header checksum
    CHECK(load_be32(&kIpv4Header[12]) == 0xc0a80001);
}

TEST_CASE("A WireGuard or virtio field reads with its first byte low", "[bytes]") {
    // A handshake initiation begins 01 00 00 00: type 1, three reserved zeros (§5.4.2).
    const std::array<std::uint8_t, 4> initiation_start = {0x01, 0x00, 0x00, 0x00};
    CHECK(load_le32(initiation_start.data()) == 1);
    CHECK(load_le16(initiation_start.data()) == 1);
    CHECK(load_be16(initiation_start.data()) == 0x0100);
}

TEST_CASE("Each store writes what its load reads back, and nothing past its width", "[bytes]") {
    std::array<std::uint8_t, 4> out = {0xee, 0xee, 0xee, 0xee};
    store_be16(&out[1], 0x1234);
    CHECK(out == std::array<std::uint8_t, 4>{0xee, 0x12, 0x34, 0xee});
    CHECK(load_be16(&out[1]) == 0x1234);
    store_le16(&out[1], 0x1234);
    CHECK(out == std::array<std::uint8_t, 4>{0xee, 0x34, 0x12, 0xee});
    CHECK(load_le16(&out[1]) == 0x1234);
}
