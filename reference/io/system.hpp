// SPDX-License-Identifier: MIT
// The I/O shell's view of the operating system for everything that is not a
// packet: random bytes (getrandom(2)), the wall clock as TAI64N, and key
// files. The protocol core never includes this header; programs hand these
// values in (see crypto/random.hpp for why).
#pragma once

#include <optional>
#include <string>

#include "crypto/random.hpp"
#include "crypto/secret.hpp"
#include "crypto/tai64n.hpp"

namespace wg::io {

/// Random bytes from the kernel's CSPRNG.
class SystemRng final : public crypto::Rng {
public:
    void fill(MutableByteView out) override;
};

/// The current time as a TAI64N timestamp for a new initiation (§5.1).
crypto::Tai64n tai64n_now();

/// Monotonic milliseconds, for bounded waits in the I/O shell.
std::uint64_t monotonic_ms();

/// Reads a base64 key file (a `wg genkey` / `wg genpsk` file). Refuses a file
/// that others can read, because a private key there is no longer private.
/// On failure, `error` says what was wrong.
std::optional<crypto::Secret<crypto::kKeySize>> read_key_file(const std::string& path, std::string& error);

/// Writes a key file created with mode 0600.
bool write_key_file(const std::string& path, ByteView key, std::string& error);

/// "WHAT: strerror(errno)", with a hint where the cause is a missing CAP_NET_ADMIN.
std::string errno_text(const char* what);

/// Adds `fd` to `epoll`, to be told when it is readable.
bool watch_readable(int epoll, int fd);

}  // namespace wg::io
