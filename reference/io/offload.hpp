// SPDX-License-Identifier: MIT
// Offloads: moving 64 KB at a time through the kernel instead of one
// 1,420-byte packet per system call. Not in the paper: the kernel's
// WireGuard lives where packets are already batched (it cuts the stack's
// super-packets itself, with skb_gso_segment, and hands what it decrypts to
// GRO), and wireguard-go added this in 2023 to close most of the gap. What to take away: the protocol
// never sees any of it. A super-packet is cut into the ordinary packets it
// stands for before the Device sees them, and the Device's packets are glued
// back together after it is done with them, so each datagram on the wire is
// exactly what it would have been without offloads.
//
// Three kernel interfaces, each optional (the I/O shell probes for them and
// falls back to one packet at a time where one is missing):
//   - TUN with IFF_VNET_HDR and TUNSETOFFLOAD: every packet read from or
//     written to the device carries a virtio-net header (virtio 1.2, §5.1.6,
//     struct virtio_net_hdr). Reading, the kernel may hand us a TCP (or,
//     since Linux 6.2, UDP) "super-packet" of up to 64 KB with a segment size
//     to cut it at: Segmenter. Writing, we may hand it one that we built from
//     consecutive segments of one TCP flow: Coalescer.
//   - UDP_SEGMENT on the socket (Linux 4.18): one sendmsg carries up to 64
//     datagrams of one size to one destination, the last one shorter or
//     equal (udp_segment_runs finds such runs in the Device's output).
//   - UDP_GRO on the socket (Linux 5.0): one recvmsg returns several
//     datagrams from one source glued together, with their size beside them.
// Everything in this file is a pure function of bytes; io/interface.cpp
// makes the system calls.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "common/bytes.hpp"
#include "device/outbox.hpp"

namespace wg::io::offload {

/// struct virtio_net_hdr as a TUN device reads and writes it: ten bytes in
/// the host's byte order (little-endian here; TUNSETVNETLE/BE never set).
struct VirtioHeader {
    static constexpr std::size_t kSize = 10;
    // flags
    static constexpr std::uint8_t kNeedsChecksum = 1;  ///< checksum from checksum_start to the end, stored at +checksum_offset
    // gso_type
    static constexpr std::uint8_t kGsoNone = 0;
    static constexpr std::uint8_t kGsoTcpV4 = 1;
    static constexpr std::uint8_t kGsoTcpV6 = 4;
    static constexpr std::uint8_t kGsoUdpL4 = 5;  ///< Linux 6.2 (TUN_F_USO4/6); not yet in bookworm's headers
    static constexpr std::uint8_t kGsoEcn = 0x80;  ///< "the sender saw congestion": keep CWR on the first segment only

    std::uint8_t flags = 0;
    std::uint8_t gso_type = kGsoNone;
    std::uint16_t header_length = 0;  ///< IP + transport headers (a hint; we compute our own)
    std::uint16_t segment_size = 0;   ///< payload bytes per segment
    std::uint16_t checksum_start = 0;
    std::uint16_t checksum_offset = 0;

    static std::optional<VirtioHeader> read(ByteView bytes);
    void write(MutableByteView out) const;  ///< out.size() >= kSize
};

/// TUNSETOFFLOAD flags (linux/if_tun.h). USO is Linux 6.2's and missing
/// from bookworm's headers, so it is spelled out here.
inline constexpr unsigned kTunChecksum = 0x01, kTunTso4 = 0x02, kTunTso6 = 0x04, kTunUso4 = 0x20, kTunUso6 = 0x40;

/// The Internet checksum (RFC 1071) of `data`, folded but not complemented,
/// added to `sum`. A checksum field holds the complement of the fold.
std::uint16_t ones_complement_sum(ByteView data, std::uint32_t sum = 0);

/// Cuts what the TUN device hands us into the ordinary IP packets it stands
/// for, completing checksums the kernel left to us (it may, once we said
/// TUN_F_CSUM). Each packet goes to `each`; false if the header and the
/// packet disagree (the shell drops it, as a NIC drops a corrupt frame).
class Segmenter {
public:
    bool split(const VirtioHeader& header, MutableByteView packet, const std::function<void(ByteView)>& each);

private:
    Bytes segment_;  ///< one segment at a time, reused
};

struct TcpSegment;  ///< what the Coalescer reads of a packet (offload.cpp)

/// Glues consecutive TCP segments of one flow, as the Device hands them out,
/// into super-packets for the TUN device, as a NIC's GRO would (the kernel's
/// tcp_gro_receive decides the same way: same addresses, ports, ACK, window
/// and options, sequence numbers back to back, equal sizes, only ACK and a
/// final PSH set). Anything else (other protocols, a bad checksum, a SYN,
/// IP options) goes out alone and untouched, so the kernel judges it exactly
/// as it would without offloads.
class Coalescer {
public:
    Coalescer();
    ~Coalescer();
    void add(ByteView ip_packet);
    /// Each output, header first, ready for write(2); then call clear().
    void for_each_output(const std::function<void(ByteView)>& each);
    void clear() { used_ = 0; }

private:
    struct Run;
    bool append(Run& run, ByteView ip_packet, const TcpSegment& segment);
    std::vector<Run> runs_;  ///< kept with their buffers, so steady traffic allocates nothing
    std::size_t used_ = 0;
};

/// A run of the Device's datagrams that one sendmsg with UDP_SEGMENT can
/// carry: same destination, every one `segment_size` long but the last.
struct UdpRun {
    std::size_t first = 0, count = 0, segment_size = 0;
};
/// Splits `datagrams` into such runs, in order, into `runs` (a run of one
/// needs no UDP_SEGMENT at all).
void udp_segment_runs(std::span<const device::Datagram> datagrams, std::vector<UdpRun>& runs);

/// At most this many segments per UDP_SEGMENT send (UDP_MAX_SEGMENTS), and
/// at most this many bytes in all (a UDP datagram's 16-bit length field, less
/// the IPv6 and UDP headers, with room to spare).
inline constexpr std::size_t kMaxUdpSegments = 64;
inline constexpr std::size_t kMaxUdpRunBytes = 65000;

}  // namespace wg::io::offload
