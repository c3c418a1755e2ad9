// SPDX-License-Identifier: MIT
// What wgconform sees of the world: some outer addresses of its own
// ("ports"), the datagrams a target sends back to each, and a clock. The
// cases are written against this and nothing else, so the same case runs
// against a live endpoint over UDP (LiveNetwork) and against an in-process
// target built from the sans-I/O core (LoopbackTarget), where simulated time
// makes even the minutes-long timer cases (§6) take milliseconds.
#pragma once

#include <optional>
#include <string>

#include "common/address.hpp"
#include "common/bytes.hpp"
#include "common/time.hpp"
#include "crypto/tai64n.hpp"

namespace wg::conformance {

/// One outer address of the harness. On a real network, one UDP socket: a
/// new port is a new source port, which is what the target sees as a new
/// endpoint (roaming, §2.1) and as a separate source for cookies (§5.4.7).
using Port = int;

class ProbeNetwork {
public:
    virtual ~ProbeNetwork() = default;
    /// A new port; `local_port` asks for a fixed one (0: any), for a peer the
    /// target itself sends to (its configured endpoint).
    virtual Port open_port(std::uint16_t local_port = 0) = 0;
    /// A new port at another outer address of the harness (one of
    /// SuiteConfig::flood_sources); nullopt where the harness cannot have it.
    virtual std::optional<Port> open_port_at(const IpAddress&) { return std::nullopt; }
    virtual void send(Port from, ByteView datagram) = 0;
    /// The next datagram the target sent to `port`, waiting at most `wait`.
    /// Every wait in the harness goes through here, so every wait is bounded.
    virtual std::optional<Bytes> receive(Port port, Duration wait) = 0;
    /// Monotonic time since the run began.
    virtual Duration now() = 0;
    virtual void sleep(Duration duration) = 0;
    /// The wall clock as TAI64N, for initiations' timestamps (§5.1).
    virtual crypto::Tai64n wall_clock() = 0;
    /// The wall clock as Unix time, to judge the target's timestamps by.
    virtual Duration unix_time() = 0;

    /// A second target, when one is given: a device of the same kind with the
    /// harness's identity 1 as a peer but no private key (its key set, then
    /// set to zeros). Replies come back to the port sent from.
    virtual bool has_zero_key_target() { return false; }
    virtual void send_to_zero_key_target(Port, ByteView) {}

    /// The target's UAPI (wireguard.com/xplatform), when the harness is given
    /// it: one whole request in, the whole answer out; nullopt when there is none.
    virtual std::optional<std::string> uapi(const std::string&) { return std::nullopt; }
};

}  // namespace wg::conformance
