// SPDX-License-Identifier: MIT
// Capture files, read with libpcap: every UDP datagram of a pcap or pcapng
// file, with its time and both outer endpoints. WireGuard lives entirely in
// UDP payloads (paper §5.4: four message types, classified by their first
// four bytes), so this is all `inspect` and `replay` need of a capture; the
// link layer (Ethernet, Linux cooked SLL and SLL2, raw IP) and the IP layer
// (IPv4, IPv6 with its extension headers) are peeled off here and nowhere
// else.
//
// What to take away: a capture is untrusted input like a datagram. Every
// header is length-checked before it is read; a frame that is not a whole,
// unfragmented UDP datagram is counted and skipped, never guessed at; an
// unreadable or truncated file is an error that names the file.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/address.hpp"
#include "common/result.hpp"

namespace wg::conformance::captures {

/// One UDP datagram of a capture.
struct CapturedDatagram {
    std::size_t frame = 0;               ///< 1-based frame number, as Wireshark counts
    std::int64_t seconds = 0;            ///< capture timestamp, Unix time
    std::uint32_t microseconds = 0;
    Endpoint source, destination;  ///< outer addresses and ports, as they appeared in the capture
    Bytes payload;
};

/// A capture reduced to its UDP datagrams.
struct Capture {
    std::vector<CapturedDatagram> datagrams;
    std::size_t frames = 0;              ///< every frame in the file
    std::size_t skipped = 0;             ///< frames that were not a whole UDP datagram
    std::string link_type;               ///< libpcap's name, e.g. "EN10MB"
};

/// Reads `path` (pcap or pcapng). Errors name the file and say what is wrong.
Result<Capture, std::string> read_capture(const std::string& path);

/// The UDP datagram inside one frame of link type `link_type` (a DLT_
/// value), or nullopt when the frame is anything else.
std::optional<CapturedDatagram> parse_frame(int link_type, ByteView frame);

/// Writes `datagrams` as a pcap file of raw IP frames (DLT_RAW), with IPv4
/// or IPv6 and UDP headers built around each payload: how tests and tools
/// turn messages into a capture. Returns an error text, empty on success.
std::string write_capture(const std::string& path, const std::vector<CapturedDatagram>& datagrams);

}  // namespace wg::conformance::captures
