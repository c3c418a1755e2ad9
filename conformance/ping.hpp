// SPDX-License-Identifier: MIT
// `wgconform ping`: the smallest complete conversation with a target. The
// probe peer completes a handshake as initiator (paper §5.4.2–5.4.5), sends
// one ICMP echo request as transport data (§5.4.6), and decrypts the echo
// reply. When it succeeds, an implementation we did not write has accepted
// our handshake, our keys and our data: the first proof that counts.
#pragma once

#include <iosfwd>
#include <string>

#include "crypto/secret.hpp"
#include "inner_packets.hpp"
#include "udp_socket.hpp"

namespace wg::conformance {

struct PingOptions {
    Endpoint target;
    crypto::PublicKey target_public_key{};
    crypto::PrivateKey private_key;
    crypto::SymmetricKey preshared_key;  ///< zeros: no PSK
    IpAddress tunnel_ip;             ///< our inner address (in the target's allowed IPs for us)
    IpAddress target_tunnel_ip;      ///< the target's interface address
    int timeout_ms = 3000;               ///< bound on each wait: handshake, then echo
    std::string keylog_path;             ///< if set, each handshake's secrets, as wgref --keylog writes them
};

/// Runs the exchange, narrating each message to `out`; returns 0 on success.
int run_ping(const PingOptions& options, std::ostream& out);

}  // namespace wg::conformance
