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

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "device/device.hpp"

namespace wg::io {

/// What the I/O shell owns rather than the Device: the UDP socket's port and mark.
struct InterfaceSettings {
    std::uint16_t listen_port = 0;
    std::uint32_t fwmark = 0;
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

/// Reads the key=value lines after `set=1` one at a time, into a change.
class SetParser {
public:
    /// Takes one line (without its newline); a refusal names the line.
    std::optional<ChangeError> feed_line(std::string_view line);
    int lines_read() const { return line_number_; }
    DeviceChange take() { return std::move(change_); }
    DeviceChange& change() { return change_; }

private:
    DeviceChange change_;
    int line_number_ = 0;
};

/// Parses the key=value lines after `set=1` (without the final empty line).
Result<DeviceChange, ChangeError> parse_set(std::string_view body);

/// One request, read as its bytes arrive from the socket, however many
/// there are (`wg setconf` of 100,000 peers sends about 20 MB). It holds the
/// line being read, never longer than kMaxLineLength, and for a `set` the
/// change parsed so far (binary, far smaller than its text), so what one
/// client can make us hold is bounded by the configuration it describes.
/// A `set` is still applied only once it has been read whole and found valid.
class RequestReader {
public:
    /// Longer than any valid line (a key is 64 hex digits, an endpoint < 64 bytes).
    static constexpr std::size_t kMaxLineLength = 1024;
    enum class State { reading, get, set, refused };

    /// Takes the next bytes; the state after them. Anything after the end
    /// of the request (or a refusal) is ignored.
    State feed(std::string_view bytes);
    State state() const { return state_; }
    /// State set: the whole validated change.
    const DeviceChange& change() { return parser_.change(); }
    /// State refused: why (line 0: the request as a whole).
    const ChangeError& error() const { return error_; }

private:
    void take_line();
    void refuse(ChangeError error);

    State state_ = State::reading;
    std::optional<State> operation_;  ///< get or set, once the first line is read
    std::string line_;
    SetParser parser_;
    ChangeError error_;
};

/// Applies a validated change. Peers left unchanged keep their sessions.
void apply(const DeviceChange& change, device::Device& device, InterfaceSettings& settings);

/// The answer to `get=1`, ending with errno=0 and an empty line, handed to
/// `write` in pieces of about 64 KiB as it is made (each wiped after).
void write_get(const device::Device& device, const InterfaceSettings& settings,
               const std::function<void(std::string_view)>& write);
/// The same answer as one string (for tests and small devices).
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
/// The answer to a request read whole (get or set) or refused: a `set` is
/// applied here. (The I/O shell streams a get's answer with write_get.)
std::string answer(RequestReader& reader, device::Device& device, InterfaceSettings& settings, bool& changed,
                   std::string* refusal = nullptr);

}  // namespace wg::io
