// SPDX-License-Identifier: MIT
// ICMP echo requests and replies inside the tunnel (see inner_packets.hpp).
#include "inner_packets.hpp"

#include <algorithm>

#include "common/bytes.hpp"
#include "common/ip_header.hpp"

namespace wg::conformance {
namespace {

constexpr std::size_t kIpv4HeaderSize = 20;
constexpr std::size_t kIpv6HeaderSize = 40;
constexpr std::size_t kIcmpHeaderSize = 8;
constexpr std::uint8_t kProtocolIcmp = 1;      // IANA protocol numbers
constexpr std::uint8_t kProtocolIcmpv6 = 58;
constexpr std::uint8_t kIcmpEchoRequest = 8, kIcmpEchoReply = 0;          // RFC 792
constexpr std::uint8_t kIcmpv6EchoRequest = 128, kIcmpv6EchoReply = 129;  // RFC 4443
constexpr std::uint8_t kDefaultTtl = 64;

std::uint32_t sum_words(ByteView data, std::uint32_t sum) {
    for (std::size_t i = 0; i + 1 < data.size(); i += 2) sum += load_be16(&data[i]);
    if (data.size() % 2) sum += std::uint32_t{data.back()} << 8;
    return sum;
}

/// RFC 8200 §8.1: ICMPv6's checksum covers a pseudo-header of both addresses,
/// the upper-layer length and the next-header value.
std::uint32_t ipv6_pseudo_header_sum(const IpAddress& source, const IpAddress& destination,
                                     std::size_t length) {
    std::uint32_t sum = sum_words(source.view(), 0);
    sum = sum_words(destination.view(), sum);
    return sum + static_cast<std::uint32_t>(length) + kProtocolIcmpv6;
}

}  // namespace

std::uint16_t internet_checksum(ByteView data, std::uint32_t sum) {
    sum = sum_words(data, sum);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

namespace {

Bytes make_echo(const IpAddress& source, const IpAddress& destination, EchoId id, ByteView payload,
                bool reply) {
    const bool v4 = !source.is_v6();
    const std::size_t ip_header = v4 ? kIpv4HeaderSize : kIpv6HeaderSize;
    const std::size_t icmp_length = kIcmpHeaderSize + payload.size();
    Bytes packet(ip_header + icmp_length, 0);
    std::uint8_t* ip = packet.data();
    if (v4) {
        ip[0] = 0x45;  // version 4, header of 5 words
        store_be16(ip + 2, static_cast<std::uint16_t>(packet.size()));
        ip[8] = kDefaultTtl;
        ip[9] = kProtocolIcmp;
        std::copy_n(source.bytes.begin(), 4, ip + 12);
        std::copy_n(destination.bytes.begin(), 4, ip + 16);
        const std::uint16_t header_sum = internet_checksum({ip, kIpv4HeaderSize});
        store_be16(ip + 10, header_sum);
    } else {
        ip[0] = 0x60;  // version 6
        store_be16(ip + 4, static_cast<std::uint16_t>(icmp_length));
        ip[6] = kProtocolIcmpv6;
        ip[7] = kDefaultTtl;
        std::copy_n(source.bytes.begin(), 16, ip + 8);
        std::copy_n(destination.bytes.begin(), 16, ip + 24);
    }
    std::uint8_t* icmp = ip + ip_header;
    icmp[0] = reply ? (v4 ? kIcmpEchoReply : kIcmpv6EchoReply) : (v4 ? kIcmpEchoRequest : kIcmpv6EchoRequest);
    store_be16(icmp + 4, id.identifier);
    store_be16(icmp + 6, id.sequence);
    std::copy(payload.begin(), payload.end(), icmp + kIcmpHeaderSize);
    const std::uint32_t start = v4 ? 0 : ipv6_pseudo_header_sum(source, destination, icmp_length);
    const std::uint16_t sum = internet_checksum({icmp, icmp_length}, start);
    store_be16(icmp + 2, sum);
    return packet;
}

}  // namespace

Bytes make_echo_request(const IpAddress& source, const IpAddress& destination, EchoId id, ByteView payload) {
    return make_echo(source, destination, id, payload, /*reply=*/false);
}

Bytes make_echo_reply(const IpAddress& source, const IpAddress& destination, EchoId id, ByteView payload) {
    return make_echo(source, destination, id, payload, /*reply=*/true);
}

std::optional<Bytes> answer_echo_request(ByteView packet, const IpAddress& own) {
    const bool v4 = !own.is_v6();
    const std::size_t ip_header = v4 ? kIpv4HeaderSize : kIpv6HeaderSize;
    // As an IP stack does: a packet shorter than its header says is dropped,
    // one longer is trimmed to it.
    const auto header = read_ip_header(packet);
    if (!header || header->claimed_length > packet.size() || header->claimed_length < ip_header + kIcmpHeaderSize) {
        return std::nullopt;
    }
    packet = packet.first(header->claimed_length);
    IpAddress source;
    source.family = own.family;
    if (v4) {
        if (packet[0] != 0x45 || packet[9] != kProtocolIcmp) return std::nullopt;
        if (!std::equal(own.bytes.begin(), own.bytes.begin() + 4, packet.begin() + 16)) return std::nullopt;
        std::copy_n(packet.begin() + 12, 4, source.bytes.begin());
    } else {
        if ((packet[0] >> 4) != 6 || packet[6] != kProtocolIcmpv6) return std::nullopt;
        if (!std::equal(own.bytes.begin(), own.bytes.end(), packet.begin() + 24)) return std::nullopt;
        std::copy_n(packet.begin() + 8, 16, source.bytes.begin());
    }
    const ByteView icmp = packet.subspan(ip_header);
    if (icmp[0] != (v4 ? kIcmpEchoRequest : kIcmpv6EchoRequest)) return std::nullopt;
    // ...and a wrong ICMP checksum (RFC 792, RFC 4443 §2.3) is dropped too.
    if (internet_checksum(icmp, v4 ? 0 : ipv6_pseudo_header_sum(source, own, icmp.size())) != 0) return std::nullopt;
    const EchoId id{load_be16(&icmp[4]), load_be16(&icmp[6])};
    return make_echo_reply(own, source, id, icmp.subspan(kIcmpHeaderSize));
}

bool is_echo_reply(ByteView packet, const IpAddress& source, const IpAddress& destination, EchoId id,
                   ByteView payload) {
    const bool v4 = !source.is_v6();
    const std::size_t ip_header = v4 ? kIpv4HeaderSize : kIpv6HeaderSize;
    if (packet.size() != ip_header + kIcmpHeaderSize + payload.size()) return false;
    if (v4) {
        if (packet[0] != 0x45 || packet[9] != kProtocolIcmp) return false;
        if (!std::equal(destination.bytes.begin(), destination.bytes.begin() + 4, packet.begin() + 12)) return false;
        if (!std::equal(source.bytes.begin(), source.bytes.begin() + 4, packet.begin() + 16)) return false;
    } else {
        if ((packet[0] >> 4) != 6 || packet[6] != kProtocolIcmpv6) return false;
        if (!std::equal(destination.bytes.begin(), destination.bytes.end(), packet.begin() + 8)) return false;
        if (!std::equal(source.bytes.begin(), source.bytes.end(), packet.begin() + 24)) return false;
    }
    const ByteView icmp = packet.subspan(ip_header);
    if (icmp[0] != (v4 ? kIcmpEchoReply : kIcmpv6EchoReply) || icmp[1] != 0) return false;
    const std::uint32_t start = v4 ? 0 : ipv6_pseudo_header_sum(destination, source, icmp.size());
    if (internet_checksum(icmp, start) != 0) return false;  // a correct checksum sums to zero
    if (load_be16(&icmp[4]) != id.identifier || load_be16(&icmp[6]) != id.sequence) return false;
    return std::equal(payload.begin(), payload.end(), icmp.begin() + kIcmpHeaderSize);
}

}  // namespace wg::conformance
