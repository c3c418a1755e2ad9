// SPDX-License-Identifier: MIT
// The key log (see key_log.hpp).
#include "io/key_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/key_text.hpp"

namespace wg::io {

std::string key_log_block(const device::HandshakeSecrets& s) {
    std::string text = "LOCAL_STATIC_PRIVATE_KEY = " + crypto::key_to_base64(s.local_static.view()) + "\n" +
                       "REMOTE_STATIC_PUBLIC_KEY = " + crypto::key_to_base64(crypto::view(s.remote_static)) + "\n" +
                       "LOCAL_EPHEMERAL_PRIVATE_KEY = " + crypto::key_to_base64(s.local_ephemeral.view()) + "\n";
    if (!s.preshared_key.is_zero()) text += "PRESHARED_KEY = " + crypto::key_to_base64(s.preshared_key.view()) + "\n";
    return text;
}

std::optional<KeyLog> KeyLog::open(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    return KeyLog(fd);
}

KeyLog::~KeyLog() {
    if (fd_ >= 0) ::close(fd_);
}

void KeyLog::write(const device::HandshakeSecrets& secrets) const {
    std::string text = key_log_block(secrets);
    [[maybe_unused]] const auto written = ::write(fd_, text.data(), text.size());
    crypto::wipe(text.data(), text.size());
}

}  // namespace wg::io
