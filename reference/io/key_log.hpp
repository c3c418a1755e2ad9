// SPDX-License-Identifier: MIT
// `--keylog FILE`: each handshake's secrets in Wireshark's WireGuard key-log
// format (its preference wg.keylog_file), so tshark and `wgconform inspect`
// can decrypt a capture. One block per handshake, "NAME = base64" per line.
// The file is created 0600 and only appended to: it decrypts the traffic.
#pragma once

#include <optional>
#include <string>

#include "device/device.hpp"

namespace wg::io {

/// The lines of one block, for the secrets of one handshake.
std::string key_log_block(const device::HandshakeSecrets& secrets);

class KeyLog {
public:
    /// Opens (creating 0600) `path` for appending; nullopt with `error` set.
    static std::optional<KeyLog> open(const std::string& path, std::string& error);
    KeyLog(KeyLog&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    KeyLog& operator=(KeyLog&&) = delete;
    ~KeyLog();
    void write(const device::HandshakeSecrets& secrets) const;

private:
    explicit KeyLog(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace wg::io
