// SPDX-License-Identifier: MIT
// The ICMP echo wgconform sees delivery with (conformance/inner_packets.hpp):
// is_echo_reply reads packets a target under test decrypted and so chose,
// and the in-process target's answer_echo_request is the whole IP stack of a
// host that pings must cross. Both read bytes nobody vouches for.
//
// Input: a first byte (bit 0: IPv6), the host's own address (4 or 16 bytes),
// then a packet that arrives at it. Whatever the bytes, an answer is given
// only to an echo request addressed to the host, and it is the echo reply
// is_echo_reply accepts for that request: to the request's source, with its
// identifier, sequence number and data (RFC 792, RFC 4443 §4.1-4.2). A
// packet that is byte for byte what make_echo_request builds is always
// answered. The harness reads the request's fields at their fixed offsets,
// not through the code under test.
#include <algorithm>

#include "fuzz_support.hpp"
#include "inner_packets.hpp"

using namespace wg;
using namespace wg::conformance;

namespace {

// Its own reader, not common/bytes.hpp's load_be16: inner_packets.cpp reads
// with that one, and a byte-order slip there must not be shared by the check.
std::uint16_t word_at(ByteView bytes, std::size_t offset) {
    return static_cast<std::uint16_t>(bytes[offset] << 8 | bytes[offset + 1]);
}

}  // namespace

WGREF_FUZZ_TARGET {
    ByteView input{data, size};
    if (input.empty()) return 0;
    const bool v6 = input[0] & 1;
    const std::size_t address_size = v6 ? 16 : 4;
    if (input.size() < 1 + address_size) return 0;
    const auto own = *IpAddress::from_bytes(input.subspan(1, address_size));
    const ByteView packet = input.subspan(1 + address_size);
    // Where the fields are (RFC 791 §3.1, RFC 8200 §3), read here, not by the code under test.
    const std::size_t header = v6 ? 40 : 20, source_at = v6 ? 8 : 12, destination_at = v6 ? 24 : 16;

    const auto answer = answer_echo_request(packet, own);
    if (!answer) {
        // Nothing to say about a refusal, except for the one packet that must
        // not be refused: a request exactly as wgconform's own pinger builds it.
        // (Lengths past 65535 do not fit the header's field: no such request exists.)
        if (packet.size() < header + 8 || packet.size() - (v6 ? 40 : 0) > 0xffff) return 0;
        const auto source = *IpAddress::from_bytes(packet.subspan(source_at, address_size));
        const EchoId id{word_at(packet, header + 4), word_at(packet, header + 6)};
        const Bytes canonical = make_echo_request(source, own, id, packet.subspan(header + 8));
        fuzz::expect(!std::ranges::equal(canonical, packet), "an echo request to this host is answered");
        return 0;
    }

    // Answered: the packet held an echo request to `own`, within the length
    // its header claims (IPv4's total length, IPv6's payload length + 40).
    const std::size_t claimed = v6 ? 40 + word_at(packet, 4) : word_at(packet, 2);
    fuzz::expect(claimed <= packet.size() && claimed >= header + 8, "the request lies within the packet");
    fuzz::expect(std::ranges::equal(packet.subspan(destination_at, address_size), own.view()),
                 "only a request to this host is answered");
    const ByteView icmp = packet.subspan(header, claimed - header);
    fuzz::expect(icmp[0] == (v6 ? 128 : 8), "only an echo request is answered");
    const auto source = *IpAddress::from_bytes(packet.subspan(source_at, address_size));
    const EchoId id{word_at(icmp, 4), word_at(icmp, 6)};
    fuzz::expect(is_echo_reply(*answer, source, own, id, icmp.subspan(8)),
                 "the answer is the echo reply to that request: same identifier, sequence and data");
    return 0;
}
