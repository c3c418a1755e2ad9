// SPDX-License-Identifier: MIT
// `wgconform inspect PCAP [--keylog FILE]`: a capture read as the paper
// reads it. Every WireGuard message is printed with its clear fields (type,
// indices, counter, size) and the section of the paper that defines it:
// §5.4.2 initiation, §5.4.3 response, §5.4.7 cookie reply, §5.4.6 transport
// data (§6.5 for keepalives). Given the key log of either side, the
// handshakes are replayed (session_keys.hpp) to show what the encryption
// hides: the initiator's static key and TAI64N timestamp, and the inner IP
// packet of each data message.
//
// What to take away: the outer view is all an observer gets (indices and a
// counter, no identities, sizes padded to 16), and one side's secrets are
// enough to see everything.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "common/bytes.hpp"

namespace wg::conformance::captures {

struct InspectOptions {
    std::optional<std::string> keylog;
    /// Machine-readable: one tab-separated line per WireGuard message,
    /// `frame type sender receiver counter` (indices as 0x%08x, the counter
    /// in decimal), with empty fields where a message has none, as `tshark -T fields -e frame.number -e wg.type -e wg.sender
    /// -e wg.receiver -e wg.counter` prints them. Messages with non-zero
    /// reserved bytes are left out (tshark shows them; receivers drop them).
    bool fields = false;
};

/// Prints the capture to `out`; errors (unreadable capture or key log) go to
/// `errors`. Returns 0, or 2 when a file cannot be read.
int run_inspect(const std::string& pcap, const InspectOptions& options, std::ostream& out, std::ostream& errors);

/// The same, errors to std::cerr.
int run_inspect(const std::string& pcap, const std::optional<std::string>& keylog, std::ostream& out);

/// One line about a WireGuard message from its clear fields alone, e.g.
/// "transport data counter 3 [§5.4.6] receiver 0x1a2b3c4d, 128 bytes", or
/// what makes it malformed.
std::string describe_message(ByteView payload);

/// One line about an inner IP packet: "IPv4 203.0.113.1 → 203.0.113.2 ICMP
/// echo request id 7 seq 1, 84 bytes".
std::string describe_inner_packet(ByteView packet);

}  // namespace wg::conformance::captures
