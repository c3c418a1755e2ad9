// SPDX-License-Identifier: MIT
// The probe's inner packets: RFC 1071's checksum example, and echo requests
// whose replies (built here as the target's IP stack would) are recognised.
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include "inner_packets.hpp"

using namespace wg;
using namespace wg::conformance;

TEST_CASE("Internet checksum matches RFC 1071's worked example", "[conformance]") {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums (one's complement) to ddf2.
    const Bytes data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(internet_checksum(data) == static_cast<std::uint16_t>(~0xddf2));
}

namespace {
/// Turns a request into the reply a target's IP stack would send.
Bytes reply_to(Bytes packet) {
    const bool v4 = (packet[0] >> 4) == 4;
    const std::size_t ip = v4 ? 20 : 40;
    const std::size_t address = v4 ? 12 : 8, size = v4 ? 4 : 16;
    std::swap_ranges(packet.begin() + static_cast<std::ptrdiff_t>(address),
                     packet.begin() + static_cast<std::ptrdiff_t>(address + size),
                     packet.begin() + static_cast<std::ptrdiff_t>(address + size));
    // Changing the type from request to reply changes the checksum by the
    // same amount (RFC 1624 incremental update): request 8 -> reply 0 adds
    // 0x0800; 128 -> 129 subtracts 0x0100.
    std::uint32_t sum = static_cast<std::uint32_t>(packet[ip + 2] << 8 | packet[ip + 3]);
    sum += v4 ? 0x0800 : 0xfeff;
    sum = (sum & 0xffff) + (sum >> 16);
    packet[ip] = v4 ? 0 : 129;
    packet[ip + 2] = static_cast<std::uint8_t>(sum >> 8);
    packet[ip + 3] = static_cast<std::uint8_t>(sum);
    return packet;
}
}  // namespace

TEST_CASE("Echo replies are recognised for IPv4 and IPv6", "[conformance]") {
    for (const auto& [us, them] : {std::pair{"203.0.113.1", "203.0.113.2"}, std::pair{"2001:db8::1", "2001:db8::2"}}) {
        const auto source = *IpAddress::parse(us);
        const auto destination = *IpAddress::parse(them);
        const Bytes payload{'h', 'i', '!'};
        const EchoId id{0x1234, 7};
        const Bytes request = make_echo_request(source, destination, id, payload);
        const std::size_t ip = !source.is_v6() ? 20 : 40;
        CHECK(request.size() == ip + 8 + payload.size());
        if (!source.is_v6()) CHECK(internet_checksum(ByteView{request}.first(20)) == 0);
        const Bytes reply = reply_to(request);
        CHECK(is_echo_reply(reply, source, destination, id, payload));
        CHECK_FALSE(is_echo_reply(request, source, destination, id, payload));  // a request is no reply
        CHECK_FALSE(is_echo_reply(reply, source, destination, EchoId{0x1234, 8}, payload));
        Bytes corrupted = reply;
        corrupted.back() ^= 1;
        CHECK_FALSE(is_echo_reply(corrupted, source, destination, id, payload));
    }
}
