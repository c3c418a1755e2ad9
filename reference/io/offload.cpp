// SPDX-License-Identifier: MIT
// Offloads (see offload.hpp): cutting the kernel's super-packets into
// packets, gluing the Device's packets into super-packets, and grouping
// datagrams for UDP_SEGMENT. Header offsets are RFC 791 (IPv4), RFC 8200
// (IPv6), RFC 9293 (TCP) and RFC 768 (UDP); checksums are RFC 1071's.
#include "io/offload.hpp"

#include <algorithm>

namespace wg::io::offload {
namespace {

constexpr std::uint8_t kTcp = 6, kUdp = 17;
constexpr std::size_t kIpv4HeaderSize = 20, kIpv6HeaderSize = 40, kTcpHeaderSize = 20, kUdpHeaderSize = 8;
constexpr std::uint8_t kFin = 0x01, kPsh = 0x08, kAck = 0x10, kCwr = 0x80;
constexpr std::size_t kTcpChecksumOffset = 16, kUdpChecksumOffset = 6;
constexpr std::size_t kMaxIpLength = 65535;  ///< IPv4's total length, IPv6's payload length: 16 bits

// Header fields by offset. A length stored here has been checked against
// kMaxIpLength, so keeping its low 16 bits loses nothing.
std::uint16_t load16(ByteView p, std::size_t at) { return load_be16(&p[at]); }
void store16(MutableByteView p, std::size_t at, std::size_t v) { store_be16(&p[at], static_cast<std::uint16_t>(v)); }

/// The pseudo-header a TCP or UDP checksum covers (RFC 9293 §3.1, RFC 8200
/// §8.1): both addresses, the protocol and the transport length.
std::uint32_t pseudo_header_sum(ByteView ip, std::uint8_t protocol, std::size_t transport_length) {
    const ByteView addresses = (ip[0] >> 4) == 6 ? ip.subspan(8, 32) : ip.subspan(12, 8);
    return ones_complement_sum(addresses, static_cast<std::uint32_t>(protocol + transport_length));
}

/// Writes the IPv4 header checksum (RFC 791: the header only).
void seal_ipv4_header(MutableByteView ip) {
    store16(ip, 10, 0);
    store16(ip, 10, static_cast<std::uint16_t>(~ones_complement_sum(ip.first(kIpv4HeaderSize))));
}

/// Writes a whole transport checksum, the way a sender without offloads would.
void seal_transport(MutableByteView ip, std::size_t transport_start, std::uint8_t protocol) {
    const std::size_t field = transport_start + (protocol == kTcp ? kTcpChecksumOffset : kUdpChecksumOffset);
    store16(ip, field, 0);
    const std::size_t length = ip.size() - transport_start;
    auto checksum = static_cast<std::uint16_t>(
        ~ones_complement_sum(ip.subspan(transport_start), pseudo_header_sum(ip, protocol, length)));
    if (protocol == kUdp && checksum == 0) checksum = 0xffff;  // RFC 768: zero means "no checksum"
    store16(ip, field, checksum);
}

}  // namespace

std::optional<VirtioHeader> VirtioHeader::read(ByteView bytes) {
    if (bytes.size() < kSize) return std::nullopt;
    const auto field = [&](std::size_t at) { return load_le16(&bytes[at]); };
    return VirtioHeader{bytes[0], bytes[1], field(2), field(4), field(6), field(8)};
}

void VirtioHeader::write(MutableByteView out) const {
    out[0] = flags;
    out[1] = gso_type;
    std::size_t at = 2;
    for (const std::uint16_t v : {header_length, segment_size, checksum_start, checksum_offset}) {
        store_le16(&out[at], v);
        at += 2;
    }
}

std::uint16_t ones_complement_sum(ByteView data, std::uint32_t sum) {
    std::uint64_t total = sum;
    std::size_t i = 0;
    for (; i + 1 < data.size(); i += 2) total += load_be16(&data[i]);
    if (i < data.size()) total += static_cast<std::uint32_t>(data[i] << 8);  // an odd byte, padded with zero
    while (total >> 16) total = (total & 0xffff) + (total >> 16);
    return static_cast<std::uint16_t>(total);
}

// ---------------------------------------------------------------------------
// Reading from the TUN device: one super-packet in, its packets out.

bool Segmenter::split(const VirtioHeader& header, MutableByteView packet, const std::function<void(ByteView)>& each) {
    const std::uint8_t gso = header.gso_type & static_cast<std::uint8_t>(~VirtioHeader::kGsoEcn);
    if (gso == VirtioHeader::kGsoNone) {
        if (header.flags & VirtioHeader::kNeedsChecksum) {
            // The field already holds the pseudo-header's sum (virtio 1.2
            // §5.1.6.2), so summing from checksum_start over it, to the
            // end, completes the checksum.
            const std::size_t field = std::size_t{header.checksum_start} + header.checksum_offset;
            if (field + 2 > packet.size()) return false;
            store16(packet, field, static_cast<std::uint16_t>(~ones_complement_sum(packet.subspan(header.checksum_start))));
        }
        each(packet);
        return true;
    }

    // A super-packet: one IP header and one TCP or UDP header in front of
    // up to 64 KB of payload, to be cut every segment_size bytes.
    if (packet.empty() || header.segment_size == 0) return false;
    const unsigned version = packet[0] >> 4;
    const bool tcp = gso == VirtioHeader::kGsoTcpV4 || gso == VirtioHeader::kGsoTcpV6;
    const bool family_matches = (gso == VirtioHeader::kGsoTcpV4 && version == 4) ||
                                (gso == VirtioHeader::kGsoTcpV6 && version == 6) ||
                                (gso == VirtioHeader::kGsoUdpL4 && (version == 4 || version == 6));
    if (!family_matches) return false;
    const std::uint8_t protocol = tcp ? kTcp : kUdp;
    // Where the transport header starts: after IPv4's header with its
    // options, or after IPv6's header and any extension headers.
    // The bytes for both headers must be there before either is read.
    const std::size_t transport = header.checksum_start;
    if (transport + (tcp ? kTcpHeaderSize : kUdpHeaderSize) > packet.size()) return false;
    if (version == 4 && (transport < kIpv4HeaderSize || transport != (packet[0] & 0x0fu) * 4u || packet[9] != protocol)) {
        return false;
    }
    if (version == 6 && (transport < kIpv6HeaderSize || (transport == kIpv6HeaderSize && packet[6] != protocol))) return false;
    const std::size_t transport_header = tcp ? (packet[transport + 12] >> 4) * 4u : kUdpHeaderSize;
    if (transport_header < kTcpHeaderSize && tcp) return false;
    const std::size_t headers = transport + transport_header;
    if (headers > packet.size()) return false;

    const std::size_t payload = packet.size() - headers;
    const std::size_t step = header.segment_size;
    const std::size_t count = payload == 0 ? 1 : (payload + step - 1) / step;
    const std::uint32_t first_sequence = tcp ? load_be32(packet.data() + transport + 4) : 0;
    const std::uint16_t first_id = version == 4 ? load16(packet, 4) : 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t offset = i * step;
        const std::size_t length = std::min(step, payload - std::min(payload, offset));
        const bool last = i + 1 == count;
        segment_.assign(packet.begin(), packet.begin() + static_cast<std::ptrdiff_t>(headers));
        const auto from = packet.begin() + static_cast<std::ptrdiff_t>(headers + offset);
        segment_.insert(segment_.end(), from, from + static_cast<std::ptrdiff_t>(length));
        MutableByteView s(segment_);
        // The IP header: this segment's length (and, for IPv4, its own
        // identification, counting up as the kernel's own GSO does).
        if (version == 4) {
            store16(s, 2, s.size());
            store16(s, 4, static_cast<std::uint16_t>(first_id + i));
            seal_ipv4_header(s);
        } else {
            store16(s, 4, s.size() - kIpv6HeaderSize);
        }
        if (tcp) {
            // Each segment's sequence number is where its bytes start; FIN
            // and PSH belong to the last segment, CWR to the first.
            store_be32(s.data() + transport + 4, first_sequence + static_cast<std::uint32_t>(offset));
            std::uint8_t& flags = s[transport + 13];
            if (!last) flags &= static_cast<std::uint8_t>(~(kFin | kPsh));
            if (i > 0) flags &= static_cast<std::uint8_t>(~kCwr);
        } else {
            store16(s, transport + 4, s.size() - transport);  // UDP length
        }
        seal_transport(s, transport, protocol);
        each(s);
    }
    return true;
}

// ---------------------------------------------------------------------------
// Writing to the TUN device: the Device's packets in, super-packets out.

/// A TCP segment the Coalescer may glue: IPv4 without options or fragments,
/// or IPv6 without extension headers; both checksums right (a wrong one must
/// reach the kernel as it came, to be dropped there).
struct TcpSegment {
    std::size_t ip_header = 0, tcp_header = 0, payload = 0;
    std::uint32_t sequence = 0;
    std::uint16_t id = 0;
    std::uint8_t flags = 0;
    bool dont_fragment = false;
};

namespace {

std::optional<TcpSegment> tcp_segment(ByteView p) {
    TcpSegment s;
    if (p.size() >= kIpv4HeaderSize && (p[0] >> 4) == 4) {
        if (p[0] != 0x45 || load16(p, 2) != p.size() || (load16(p, 6) & 0x3fff) != 0 || p[9] != kTcp) return std::nullopt;
        if (ones_complement_sum(p.first(kIpv4HeaderSize)) != 0xffff) return std::nullopt;
        s.ip_header = kIpv4HeaderSize;
        s.id = load16(p, 4);
        s.dont_fragment = (p[6] & 0x40) != 0;
    } else if (p.size() >= kIpv6HeaderSize && (p[0] >> 4) == 6) {
        if (p[6] != kTcp || load16(p, 4) + kIpv6HeaderSize != p.size()) return std::nullopt;
        s.ip_header = kIpv6HeaderSize;
        s.dont_fragment = true;  // IPv6 routers never fragment, and its header has no identification
    } else {
        return std::nullopt;
    }
    if (p.size() < s.ip_header + kTcpHeaderSize) return std::nullopt;
    s.tcp_header = (p[s.ip_header + 12] >> 4) * 4u;
    if (s.tcp_header < kTcpHeaderSize || s.ip_header + s.tcp_header > p.size()) return std::nullopt;
    const std::size_t tcp_length = p.size() - s.ip_header;
    if (ones_complement_sum(p.subspan(s.ip_header), pseudo_header_sum(p, kTcp, tcp_length)) != 0xffff) return std::nullopt;
    s.payload = p.size() - s.ip_header - s.tcp_header;
    s.sequence = load_be32(p.data() + s.ip_header + 4);
    s.flags = p[s.ip_header + 13];
    return s;
}

/// The TCP or UDP ports of an IP packet, where they are easy to find.
std::optional<ByteView> ports_of(ByteView p) {
    std::size_t at = 0;
    if ((p[0] >> 4) == 4 && (p[9] == kTcp || p[9] == kUdp) && (load16(p, 6) & 0x1fff) == 0) at = (p[0] & 0x0fu) * 4u;
    if ((p[0] >> 4) == 6 && (p[6] == kTcp || p[6] == kUdp)) at = kIpv6HeaderSize;
    if (at == 0 || p.size() < at + 4) return std::nullopt;
    return p.subspan(at, 4);
}

/// Whether `p` may belong to the flow of the run that began with `head`:
/// the same addresses, and the same ports unless `p`'s are hidden (IPv6
/// extension headers, a fragment), when it is counted in, to be safe.
bool same_flow(ByteView head, ByteView p) {
    const bool v6 = p.size() >= kIpv6HeaderSize && (p[0] >> 4) == 6;
    const bool v4 = p.size() >= kIpv4HeaderSize && (p[0] >> 4) == 4;
    if ((!v4 && !v6) || (head[0] >> 4) != (p[0] >> 4)) return false;
    const auto addresses = [&](ByteView q) { return v6 ? q.subspan(8, 32) : q.subspan(12, 8); };
    if (!std::ranges::equal(addresses(head), addresses(p))) return false;
    const auto ports = ports_of(p);
    return !ports || std::ranges::equal(*ports, *ports_of(head));
}

/// Whether `p` belongs to the same flow, with the same headers, as the
/// run's first packet `head`: everything but lengths, checksums, the IPv4
/// identification, the sequence number and PSH must match.
bool same_headers(ByteView head, ByteView p, const TcpSegment& s) {
    if (head.size() < s.ip_header + s.tcp_header || (head[0] >> 4) != (p[0] >> 4)) return false;
    const auto same = [&](std::size_t from, std::size_t to) {
        return std::equal(head.begin() + static_cast<std::ptrdiff_t>(from), head.begin() + static_cast<std::ptrdiff_t>(to),
                          p.begin() + static_cast<std::ptrdiff_t>(from));
    };
    const bool ip_same = s.ip_header == kIpv4HeaderSize
                             ? head[1] == p[1] && head[6] == p[6] && same(8, 10) && same(12, 20)  // TOS, DF, TTL, protocol, addresses
                             : same(0, 4) && same(6, 40);  // traffic class, flow label, next header, hop limit, addresses
    const std::size_t t = s.ip_header;
    return ip_same && same(t, t + 4) && same(t + 8, t + 13) && same(t + 14, t + 16) &&  // ports, ACK, data offset, window
           same(t + 18, t + s.tcp_header);  // urgent pointer and options (timestamps included)
}

}  // namespace

struct Coalescer::Run {
    Bytes bytes;  ///< the virtio header's room, then the IP packet so far
    TcpSegment head;
    std::size_t segments = 0;
    std::uint32_t next_sequence = 0;
    std::uint16_t next_id = 0;
    bool open = false;  ///< may take another segment
    bool push = false;  ///< the last segment had PSH
};

Coalescer::Coalescer() = default;
Coalescer::~Coalescer() = default;

void Coalescer::add(ByteView ip_packet) {
    const auto s = tcp_segment(ip_packet);
    const bool gluable = s && s->payload > 0 && (s->flags & static_cast<std::uint8_t>(~kPsh)) == kAck;
    // Each flow has at most one open run, the newest of its runs, so a
    // packet either joins it or closes it: nothing overtakes anything of its
    // own flow. Only the newest few runs are searched, so a burst of lone
    // packets (a stream of ACKs) costs nothing per packet.
    constexpr std::size_t kSearched = 8;
    for (std::size_t i = used_; i-- > used_ - std::min(used_, kSearched);) {
        Run& run = runs_[i];
        const ByteView head = ByteView(run.bytes).subspan(VirtioHeader::kSize);
        if (!run.open || !same_flow(head, ip_packet)) continue;
        if (gluable && same_headers(head, ip_packet, *s) && append(run, ip_packet, *s)) return;
        run.open = false;  // a gap, a resend, a size change, a lone packet: start again
    }
    if (used_ == runs_.size()) runs_.emplace_back();
    Run& run = runs_[used_++];
    run.bytes.assign(VirtioHeader::kSize, 0);
    run.bytes.insert(run.bytes.end(), ip_packet.begin(), ip_packet.end());
    run.segments = 1;
    run.open = gluable && !(s->flags & kPsh);
    run.push = false;
    if (s) {
        run.head = *s;
        run.next_sequence = s->sequence + static_cast<std::uint32_t>(s->payload);
        run.next_id = static_cast<std::uint16_t>(s->id + 1);
    }
}

bool Coalescer::append(Run& run, ByteView ip_packet, const TcpSegment& s) {
    const std::size_t headers = s.ip_header + s.tcp_header;
    const bool fits = s.sequence == run.next_sequence && s.payload <= run.head.payload &&
                      (run.head.dont_fragment || s.id == run.next_id) &&
                      run.bytes.size() - VirtioHeader::kSize - (s.ip_header == kIpv6HeaderSize ? kIpv6HeaderSize : 0) +
                              s.payload <= kMaxIpLength;
    if (!fits) return false;
    run.bytes.insert(run.bytes.end(), ip_packet.begin() + static_cast<std::ptrdiff_t>(headers), ip_packet.end());
    ++run.segments;
    run.next_sequence += static_cast<std::uint32_t>(s.payload);
    ++run.next_id;
    // A short segment or a PSH ends the run, as in the kernel's GRO.
    run.push = (s.flags & kPsh) != 0;
    if (s.payload < run.head.payload || run.push) run.open = false;
    return true;
}

void Coalescer::for_each_output(const std::function<void(ByteView)>& each) {
    for (std::size_t i = 0; i < used_; ++i) {
        Run& run = runs_[i];
        MutableByteView ip = MutableByteView(run.bytes).subspan(VirtioHeader::kSize);
        VirtioHeader header;  // a lone packet: no offload, nothing to do
        if (run.segments > 1) {
            const TcpSegment& h = run.head;
            if (h.ip_header == kIpv4HeaderSize) {
                store16(ip, 2, ip.size());
                seal_ipv4_header(ip);
            } else {
                store16(ip, 4, ip.size() - kIpv6HeaderSize);
            }
            if (run.push) ip[h.ip_header + 13] |= kPsh;
            // The kernel finishes the TCP checksum of each segment it cuts:
            // it wants the pseudo-header's sum in the field, not complemented.
            store16(ip, h.ip_header + kTcpChecksumOffset, pseudo_header_sum(ip, kTcp, ip.size() - h.ip_header));
            header.flags = VirtioHeader::kNeedsChecksum;
            header.gso_type = h.ip_header == kIpv4HeaderSize ? VirtioHeader::kGsoTcpV4 : VirtioHeader::kGsoTcpV6;
            header.header_length = static_cast<std::uint16_t>(h.ip_header + h.tcp_header);
            header.segment_size = static_cast<std::uint16_t>(h.payload);
            header.checksum_start = static_cast<std::uint16_t>(h.ip_header);
            header.checksum_offset = kTcpChecksumOffset;
        }
        header.write(run.bytes);
        each(run.bytes);
    }
}

// ---------------------------------------------------------------------------
// Sending on the UDP socket: runs for UDP_SEGMENT.

void udp_segment_runs(std::span<const device::Datagram> datagrams, std::vector<UdpRun>& runs) {
    runs.clear();
    for (std::size_t first = 0; first < datagrams.size();) {
        UdpRun run{first, 1, datagrams[first].bytes.size()};
        std::size_t bytes = run.segment_size;
        while (first + run.count < datagrams.size()) {
            const device::Datagram& next = datagrams[first + run.count];
            if (next.to != datagrams[first].to || next.bytes.size() > run.segment_size || run.count == kMaxUdpSegments ||
                bytes + next.bytes.size() > kMaxUdpRunBytes) {
                break;
            }
            ++run.count;
            bytes += next.bytes.size();
            if (next.bytes.size() < run.segment_size) break;  // only the last may be shorter
        }
        runs.push_back(run);
        first += run.count;
    }
}

}  // namespace wg::io::offload
