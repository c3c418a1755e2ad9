// SPDX-License-Identifier: MIT
// `wgconform replay PCAP --target HOST:PORT`: an attacker's oldest trick,
// tried against the target. Every WireGuard message a capture shows going
// *to* the target is sent again, byte for byte, each from a fresh harness
// port, and whatever the target sends back to that port is judged:
//
//   - a replayed initiation must not be answered (§5.1: its TAI64N timestamp
//     is not newer than the one already accepted from that peer);
//   - a replayed data message must not be delivered (§5.4.6: the sliding
//     window refuses a counter it has seen). From outside, delivery shows as
//     an answer: the target roams to the new port (§2.1) only after a packet
//     authenticates and passes the window, so any datagram at that port is
//     acceptance; with the session's key log the answer is decrypted and named;
//   - a cookie reply (§5.4.7) is not acceptance: the target is under load and
//     asks for proof of address before it would even look.
//
// What to take away: a passive observer holds valid, authenticated messages,
// and only the timestamp and the counter window stop it from using them.
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>

#include "udp_socket.hpp"
#include "probe_network.hpp"

namespace wg::conformance::captures {

struct ReplayOptions {
    /// The captured session's key log: answers to replayed data are decrypted with it.
    std::optional<std::string> keylog;
    /// Pick the messages sent to this UDP port, whatever their address: for a
    /// capture taken where the target had another address.
    std::optional<std::uint16_t> destination_port;
    /// How long, after the last message, answers may still come.
    Duration answer_wait = std::chrono::seconds(1);
    /// Between two replayed initiations: the Linux kernel drops a second
    /// initiation from one peer within 20 ms, which would hide a flaw.
    Duration initiation_spacing = std::chrono::milliseconds(50);
};

/// Replays the capture's messages to the target through `network` and
/// prints a line per message and a summary. Returns 0 when nothing was
/// accepted again, 1 when something was, 2 when the capture or key log cannot
/// be read or holds no message to the target.
int run_replay(const std::string& pcap, ProbeNetwork& network, const Endpoint& target_endpoint,
               std::ostream& out, const ReplayOptions& options);
int run_replay(const std::string& pcap, ProbeNetwork& network, const Endpoint& target_endpoint,
               std::ostream& out);

}  // namespace wg::conformance::captures
