// SPDX-License-Identifier: MIT
// Randomness, time and key files from the OS (see system.hpp).
#include "io/system.hpp"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <stdexcept>

#include "crypto/key_text.hpp"

namespace wg::io {

void SystemRng::fill(MutableByteView out) {
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = getrandom(out.data() + done, out.size() - done, 0);
        if (n < 0 && errno == EINTR) continue;
        // Without randomness no key is safe to make; there is no fallback.
        if (n < 0) throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
        done += static_cast<std::size_t>(n);
    }
}

crypto::Tai64n tai64n_now() {
    return crypto::Tai64n::for_initiation(
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch()));
}

std::uint64_t monotonic_ms() {
    const auto now = std::chrono::steady_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(now).count());
}

std::optional<crypto::Secret<crypto::kKeySize>> read_key_file(const std::string& path, std::string& error) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return std::nullopt;
    }
    struct stat st {};
    if (::fstat(fd, &st) != 0 || (st.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        ::close(fd);
        error = path + ": key file is accessible by group or others (run: chmod 600 " + path + ")";
        return std::nullopt;
    }
    char text[128];
    const ssize_t n = ::read(fd, text, sizeof text);
    ::close(fd);
    std::string_view content(text, n > 0 ? static_cast<std::size_t>(n) : 0);
    while (!content.empty() && (content.back() == '\n' || content.back() == '\r' || content.back() == ' ')) {
        content.remove_suffix(1);
    }
    auto key = crypto::secret_from_base64(content);
    crypto::wipe(text, sizeof text);
    if (!key) error = path + ": not a base64 WireGuard key (44 characters)";
    return key;
}

bool write_key_file(const std::string& path, ByteView key, std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) {
        error = path + ": " + std::strerror(errno);
        return false;
    }
    const std::string text = crypto::key_to_base64(key) + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) error = path + ": write failed";
    return ok;
}

std::string errno_text(const char* what) {
    std::string text = std::string(what) + ": " + std::strerror(errno);
    // The usual first mistake: TUN devices and the UAPI directory need
    // CAP_NET_ADMIN (root), and the bare "Permission denied" does not say so.
    if (errno == EPERM || errno == EACCES) text += " (wgref needs CAP_NET_ADMIN: run it as root)";
    return text;
}

bool watch_readable(int epoll, int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    return epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev) == 0;
}

}  // namespace wg::io
