// SPDX-License-Identifier: MIT
// Reading and writing capture files (see pcap_file.hpp).
#include "pcap_file.hpp"

#include <arpa/inet.h>
#include <pcap/pcap.h>

#include <algorithm>
#include <memory>

#include "inner_packets.hpp"

namespace wg::conformance::captures {
namespace {

constexpr std::uint16_t kEtherTypeIpv4 = 0x0800;
constexpr std::uint16_t kEtherTypeIpv6 = 0x86dd;
constexpr std::uint16_t kEtherTypeVlan = 0x8100;
constexpr std::uint16_t kEtherTypeQinQ = 0x88a8;
constexpr std::size_t kEthernetHeader = 14;
constexpr std::size_t kVlanTag = 4;
constexpr std::size_t kSllHeader = 16;    // Linux cooked capture v1: protocol at 14
constexpr std::size_t kSll2Header = 20;   // v2: protocol first
constexpr std::size_t kNullHeader = 4;    // BSD loopback: a 4-byte address family
constexpr int kLinkTypeRaw = 101;         // LINKTYPE_RAW as some files store it
constexpr int kDltLinuxSll2 = 276;
constexpr int kDltIpv4 = 228;
constexpr int kDltIpv6 = 229;

constexpr std::uint8_t kProtocolUdp = 17;
constexpr std::size_t kIpv4MinHeader = 20;
constexpr std::size_t kIpv6Header = 40;
constexpr std::size_t kUdpHeader = 8;

/// The UDP header and payload of `segment`, between `source` and `destination` addresses.
std::optional<CapturedDatagram> parse_udp(ByteView segment, Endpoint source, Endpoint destination) {
    if (segment.size() < kUdpHeader) return std::nullopt;
    const std::size_t length = load_be16(segment.data() + 4);
    // The UDP length must cover its header and fit in what the IP layer holds.
    if (length < kUdpHeader || length > segment.size()) return std::nullopt;
    source.port = load_be16(segment.data());
    destination.port = load_be16(segment.data() + 2);
    CapturedDatagram datagram;
    datagram.source = source;
    datagram.destination = destination;
    datagram.payload.assign(segment.begin() + kUdpHeader, segment.begin() + static_cast<std::ptrdiff_t>(length));
    return datagram;
}

std::optional<CapturedDatagram> parse_ipv4(ByteView packet) {
    if (packet.size() < kIpv4MinHeader || packet[0] >> 4 != 4) return std::nullopt;
    const std::size_t header = std::size_t{packet[0] & 0x0fu} * 4;
    const std::size_t total = load_be16(packet.data() + 2);
    if (header < kIpv4MinHeader || total < header || total > packet.size()) return std::nullopt;
    // A fragment (more-fragments set, or an offset) is not a whole datagram:
    // WireGuard messages never need fragmenting, so none is reassembled.
    const std::uint16_t fragment = load_be16(packet.data() + 6);
    if ((fragment & 0x2000u) != 0 || (fragment & 0x1fffu) != 0) return std::nullopt;
    if (packet[9] != kProtocolUdp) return std::nullopt;
    const Endpoint source{*IpAddress::from_bytes(packet.subspan(12, 4)), 0};
    const Endpoint destination{*IpAddress::from_bytes(packet.subspan(16, 4)), 0};
    return parse_udp(packet.subspan(header, total - header), source, destination);
}

std::optional<CapturedDatagram> parse_ipv6(ByteView packet) {
    if (packet.size() < kIpv6Header || packet[0] >> 4 != 6) return std::nullopt;
    const std::size_t payload_length = load_be16(packet.data() + 4);
    if (kIpv6Header + payload_length > packet.size()) return std::nullopt;
    const Endpoint source{*IpAddress::from_bytes(packet.subspan(8, 16)), 0};
    const Endpoint destination{*IpAddress::from_bytes(packet.subspan(24, 16)), 0};
    ByteView rest = packet.subspan(kIpv6Header, payload_length);
    std::uint8_t next = packet[6];
    // Walk the extension headers that may precede UDP (RFC 8200 §4); a
    // fragment header (44) means a piece of a datagram, skipped as for IPv4.
    for (int hops = 0; hops < 8; ++hops) {
        if (next == kProtocolUdp) return parse_udp(rest, source, destination);
        if (next != 0 && next != 43 && next != 60) return std::nullopt;
        if (rest.size() < 8) return std::nullopt;
        const std::size_t length = (std::size_t{rest[1]} + 1) * 8;
        if (length > rest.size()) return std::nullopt;
        next = rest[0];
        rest = rest.subspan(length);
    }
    return std::nullopt;
}

std::optional<CapturedDatagram> parse_ip(ByteView packet) {
    if (packet.empty()) return std::nullopt;
    if (packet[0] >> 4 == 4) return parse_ipv4(packet);
    if (packet[0] >> 4 == 6) return parse_ipv6(packet);
    return std::nullopt;
}

std::optional<CapturedDatagram> parse_ethertype(std::uint16_t ether_type, ByteView packet) {
    if (ether_type == kEtherTypeIpv4) return parse_ipv4(packet);
    if (ether_type == kEtherTypeIpv6) return parse_ipv6(packet);
    return std::nullopt;
}

struct PcapCloser {
    void operator()(pcap_t* p) const { pcap_close(p); }
};
struct DumperCloser {
    void operator()(pcap_dumper_t* d) const { pcap_dump_close(d); }
};

/// The IPv4 header checksum and the UDP checksum over the IPv6 pseudo-header
/// (RFC 768, RFC 8200 §8.1): IPv6 forbids a zero UDP checksum.
Bytes build_ip_udp(const CapturedDatagram& d) {
    const std::size_t udp_length = kUdpHeader + d.payload.size();
    Bytes udp(udp_length);
    store_be16(udp.data(), d.source.port);
    store_be16(udp.data() + 2, d.destination.port);
    store_be16(udp.data() + 4, static_cast<std::uint16_t>(udp_length));
    std::copy(d.payload.begin(), d.payload.end(), udp.begin() + kUdpHeader);
    Bytes packet;
    if (d.source.address.is_v6()) {
        packet.assign(kIpv6Header, 0);
        packet[0] = 0x60;
        store_be16(packet.data() + 4, static_cast<std::uint16_t>(udp_length));
        packet[6] = kProtocolUdp;
        packet[7] = 64;
        std::copy_n(d.source.address.bytes.begin(), 16, packet.begin() + 8);
        std::copy_n(d.destination.address.bytes.begin(), 16, packet.begin() + 24);
        Bytes pseudo(packet.begin() + 8, packet.begin() + 40);
        const std::array<std::uint8_t, 8> tail = {0, 0, static_cast<std::uint8_t>(udp_length >> 8),
                                                  static_cast<std::uint8_t>(udp_length), 0, 0, 0, kProtocolUdp};
        pseudo.insert(pseudo.end(), tail.begin(), tail.end());
        pseudo.insert(pseudo.end(), udp.begin(), udp.end());
        std::uint16_t checksum = internet_checksum(pseudo);
        if (checksum == 0) checksum = 0xffff;
        store_be16(udp.data() + 6, checksum);
    } else {
        packet.assign(kIpv4MinHeader, 0);
        packet[0] = 0x45;
        store_be16(packet.data() + 2, static_cast<std::uint16_t>(kIpv4MinHeader + udp_length));
        packet[8] = 64;
        packet[9] = kProtocolUdp;
        std::copy_n(d.source.address.bytes.begin(), 4, packet.begin() + 12);
        std::copy_n(d.destination.address.bytes.begin(), 4, packet.begin() + 16);
        store_be16(packet.data() + 10, internet_checksum(packet));
    }
    packet.insert(packet.end(), udp.begin(), udp.end());
    return packet;
}

}  // namespace

std::optional<CapturedDatagram> parse_frame(int link_type, ByteView frame) {
    switch (link_type) {
    case DLT_EN10MB: {
        if (frame.size() < kEthernetHeader) return std::nullopt;
        std::size_t offset = 12;
        std::uint16_t ether_type = load_be16(frame.data() + offset);
        // 802.1Q and 802.1ad tags sit between the addresses and the type.
        while ((ether_type == kEtherTypeVlan || ether_type == kEtherTypeQinQ) && frame.size() >= offset + 2 + kVlanTag) {
            offset += kVlanTag;
            ether_type = load_be16(frame.data() + offset);
        }
        return parse_ethertype(ether_type, frame.subspan(offset + 2));
    }
    case DLT_LINUX_SLL:
        if (frame.size() < kSllHeader) return std::nullopt;
        return parse_ethertype(load_be16(frame.data() + 14), frame.subspan(kSllHeader));
    case kDltLinuxSll2:
        if (frame.size() < kSll2Header) return std::nullopt;
        return parse_ethertype(load_be16(frame.data()), frame.subspan(kSll2Header));
    case DLT_NULL:
    case DLT_LOOP:
        if (frame.size() < kNullHeader) return std::nullopt;
        return parse_ip(frame.subspan(kNullHeader));
    case DLT_RAW:
    case kLinkTypeRaw:
    case kDltIpv4:
    case kDltIpv6:
        return parse_ip(frame);
    default:
        return std::nullopt;
    }
}

Result<Capture, std::string> read_capture(const std::string& path) {
    char error[PCAP_ERRBUF_SIZE] = {};
    std::unique_ptr<pcap_t, PcapCloser> pcap(pcap_open_offline(path.c_str(), error));
    if (!pcap) return path + ": cannot read as pcap or pcapng: " + error;
    Capture capture;
    const int link_type = pcap_datalink(pcap.get());
    const char* name = pcap_datalink_val_to_name(link_type);
    capture.link_type = name ? name : "DLT " + std::to_string(link_type);
    for (;;) {
        pcap_pkthdr* header = nullptr;
        const std::uint8_t* data = nullptr;
        const int status = pcap_next_ex(pcap.get(), &header, &data);
        if (status == PCAP_ERROR_BREAK) break;  // the end of the file
        if (status != 1) {
            return path + ": unreadable after frame " + std::to_string(capture.frames) + ": " +
                   pcap_geterr(pcap.get());
        }
        ++capture.frames;
        auto datagram = parse_frame(link_type, ByteView(data, header->caplen));
        if (!datagram) {
            ++capture.skipped;
            continue;
        }
        datagram->frame = capture.frames;
        datagram->seconds = header->ts.tv_sec;
        datagram->microseconds = static_cast<std::uint32_t>(header->ts.tv_usec);
        capture.datagrams.push_back(std::move(*datagram));
    }
    return capture;
}

std::string write_capture(const std::string& path, const std::vector<CapturedDatagram>& datagrams) {
    std::unique_ptr<pcap_t, PcapCloser> dead(pcap_open_dead(DLT_RAW, 65535));
    if (!dead) return "pcap_open_dead failed";
    std::unique_ptr<pcap_dumper_t, DumperCloser> dumper(pcap_dump_open(dead.get(), path.c_str()));
    if (!dumper) return path + ": " + pcap_geterr(dead.get());
    for (const auto& d : datagrams) {
        if (d.source.address.family != d.destination.address.family) return "a datagram mixes IPv4 and IPv6 endpoints";
        const Bytes packet = build_ip_udp(d);
        pcap_pkthdr header{};
        header.ts.tv_sec = d.seconds;
        header.ts.tv_usec = d.microseconds;
        header.caplen = header.len = static_cast<bpf_u_int32>(packet.size());
        pcap_dump(reinterpret_cast<u_char*>(dumper.get()), &header, packet.data());
    }
    if (pcap_dump_flush(dumper.get()) != 0) return path + ": write failed";
    return {};
}

}  // namespace wg::conformance::captures
