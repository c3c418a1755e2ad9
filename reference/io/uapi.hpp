// SPDX-License-Identifier: MIT
// The cross-platform userspace API (wireguard.com/xplatform): how `wg`
// talks to a userspace WireGuard over /var/run/wireguard/IFACE.sock. A
// request is `get=1` or `set=1` followed by key=value lines and an empty
// line; keys are hex, numbers decimal; the answer ends with errno=N.
//
// This file is the protocol only, with no socket: it turns text into a
// DeviceChange, applies a change to a Device, and formats a Device as text.
// A `set` is parsed completely before anything is applied, so a bad line
// changes nothing. The same DeviceChange carries a configuration file
// (config_file.hpp), so `wgref --config` and `wg setconf` act alike.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "device/device.hpp"

namespace wg::io {

/// What the I/O shell owns rather than the Device: the UDP port.
struct InterfaceSettings {
    std::uint16_t listen_port = 0;
    std::uint32_t fwmark = 0;
    /// Unix seconds at protocol time zero, to report handshake times.
    Duration unix_time_at_origin{0};  ///< since the Unix epoch, at protocol time zero
};

/// One `set` request (or configuration file), fully validated.
struct DeviceChange {
    struct PeerChange {
        crypto::PublicKey public_key{};
        bool remove = false;
        bool update_only = false;
        std::optional<crypto::SymmetricKey> preshared_key;
        std::optional<Endpoint> endpoint;
        std::optional<Duration> persistent_keepalive;
        bool replace_allowed_ips = false;
        std::vector<IpPrefix> allowed_ips;
    };
    std::optional<crypto::PrivateKey> private_key;
    std::optional<std::uint16_t> listen_port;
    std::optional<std::uint32_t> fwmark;
    bool replace_peers = false;
    std::vector<PeerChange> peers;
};

/// A refusal: which line, and what is wrong with it. Never contains a key.
struct ChangeError {
    int line = 0;
    std::string message;
};

/// Parses the key=value lines after `set=1` (without the final empty line).
Result<DeviceChange, ChangeError> parse_set(std::string_view body);

/// Applies a validated change. Peers left unchanged keep their sessions.
void apply(const DeviceChange& change, device::Device& device, InterfaceSettings& settings);

/// The answer to `get=1`, ending with errno=0 and an empty line.
std::string format_get(const device::Device& device, const InterfaceSettings& settings);

/// The answer's last line: `errno=-N` for a refusal, negative as wireguard-go
/// writes it and `wg` reads it (`wg` prints strerror(N)), `errno=0` for success.
std::string errno_line(int error);

/// Answers one whole request (`get=1\n\n` or `set=1\n...\n\n`); `changed`
/// tells the caller whether settings such as the port may need action. A
/// refused request's reason (which line, what is wrong; never a key) goes to
/// `refusal`, if given, for the daemon's log.
std::string handle_request(std::string_view request, device::Device& device, InterfaceSettings& settings,
                           bool& changed, std::string* refusal = nullptr);

}  // namespace wg::io
