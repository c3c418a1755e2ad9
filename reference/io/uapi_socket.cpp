// SPDX-License-Identifier: MIT
// The I/O shell's configuration socket (wireguard.com/xplatform, the UAPI
// that `wg` speaks): listening on /var/run/wireguard/IFACE.sock, and each
// client read between packets from the event loop in Interface::run(),
// never blocking it. What the reader should take away: a local client that
// is slow, stuck, huge or malformed costs the packet path nothing
// (interop_uapi_abuse measures it), and a change is applied only when its
// request has arrived whole and parsed (io/uapi.hpp).
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "io/interface.hpp"
#include "io/log.hpp"
#include "io/system.hpp"

namespace wg::io {
namespace {

/// A configuration client's whole request must arrive within this time
/// (`wg setconf` of 100,000 peers sends its 20 MB in well under a second).
constexpr Duration kUapiRequestTime = std::chrono::seconds(10);
/// Clients reading at once; more wait in the listen queue.
constexpr std::size_t kMaxUapiClients = 16;

}  // namespace

bool Interface::listen_uapi(std::string& error) {
    if (options_.uapi_fd >= 0) {
        uapi_ = options_.uapi_fd;  // WG_UAPI_FD: listening already, the parent owns the file
        ::fcntl(uapi_, F_SETFL, ::fcntl(uapi_, F_GETFL) | O_NONBLOCK);
        return true;
    }
    // Mode 0600 in a 0755 directory (root only: it reveals the private key).
    ::mkdir(options_.uapi_directory.c_str(), 0755);
    uapi_path_ = options_.uapi_directory + "/" + options_.name + ".sock";
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (uapi_path_.size() >= sizeof address.sun_path) return error = "UAPI socket path too long", false;
    std::strcpy(address.sun_path, uapi_path_.c_str());
    uapi_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (uapi_ < 0) return error = errno_text("socket"), false;
    // A socket file that still answers belongs to a running instance (in
    // this namespace or another: /var/run/wireguard is shared): refuse, as
    // wireguard-go does. One that refuses connections is stale: replace it.
    const int probe = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const bool answered = probe >= 0 && ::connect(probe, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (probe >= 0) ::close(probe);
    if (answered) {
        uapi_path_.clear();  // not ours: never remove it
        return error = "unix socket in use: " + options_.uapi_directory + "/" + options_.name +
                       ".sock answers (is another wgref or wireguard-go serving " + options_.name + "?)",
               false;
    }
    ::unlink(uapi_path_.c_str());
    const mode_t old_mask = ::umask(0077);
    const bool bound = ::bind(uapi_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    ::umask(old_mask);
    if (!bound || ::listen(uapi_, 16) != 0) {
        const std::string text = errno_text(uapi_path_.c_str());
        uapi_path_.clear();
        return error = text, false;
    }
    struct stat st {};
    if (::stat(uapi_path_.c_str(), &st) == 0) {
        uapi_device_ = st.st_dev;
        uapi_inode_ = st.st_ino;
    }
    return true;
}

void Interface::accept_uapi_client() {
    while (uapi_clients_.size() < kMaxUapiClients) {  // all that wait, up to the limit
        const int client = ::accept4(uapi_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
        if (client < 0) return;
        if (!watch_readable(epoll_, client)) {
            ::close(client);
            return;
        }
        uapi_clients_.emplace(client, UapiClient{RequestReader{}, now() + kUapiRequestTime});
    }
    if (!uapi_paused_) {
        // Full: stop watching the listening socket (it would stay readable
        // and wake us without end); the next clients wait in its queue.
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, uapi_, nullptr);
        uapi_paused_ = true;
    }
}

void Interface::on_uapi_readable(int client) {
    // `wg` sends one request and waits. Take what has arrived, a line at a
    // time (RequestReader: no limit on the request, only on a line), and go
    // back to the packets; the rest is read when it comes.
    auto& reader = uapi_clients_.at(client).reader;
    std::array<char, 16384> buffer;
    ssize_t n = 0;
    while (reader.state() == RequestReader::State::reading &&
           (n = ::recv(client, buffer.data(), buffer.size(), 0)) > 0) {
        reader.feed({buffer.data(), static_cast<std::size_t>(n)});
    }
    crypto::wipe(buffer.data(), buffer.size());  // it held keys
    if (reader.state() != RequestReader::State::reading) {
        answer_uapi_client(client, reader);
        close_uapi_client(client);
    } else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) {
        close_uapi_client(client);  // gone before the end of its request: nothing applied
    }
}

void Interface::answer_uapi_client(int client, RequestReader& reader) {
    // The answer goes out blocking, bounded by a send timeout: `wg` reads it
    // at once; a client that does not read costs at most a second per piece.
    ::fcntl(client, F_SETFL, ::fcntl(client, F_GETFL) & ~O_NONBLOCK);
    const timeval timeout{1, 0};
    ::setsockopt(client, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof timeout);
    bool client_alive = true;
    auto send_all = [&](std::string_view text) {
        while (client_alive && !text.empty()) {
            const ssize_t w = ::send(client, text.data(), text.size(), MSG_NOSIGNAL);
            if (w <= 0) {
                client_alive = false;  // gone, or stalled past the timeout: stop writing
                return;
            }
            text.remove_prefix(static_cast<std::size_t>(w));
        }
    };
    if (reader.state() == RequestReader::State::get) {
        write_get(*device_, settings_, send_all);  // a piece at a time
        return;
    }
    const std::uint16_t old_port = settings_.listen_port;
    const std::uint32_t old_mark = settings_.fwmark;
    bool changed = false;
    std::string reply, refusal;
    try {
        reply = answer(reader, *device_, settings_, changed, &refusal);
    } catch (const std::exception&) {
        // A bug must cost one request, not the interface and its sessions.
        reply = errno_line(EIO);
        refusal = "failed: an internal error";
    }
    std::string error;
    if (changed && settings_.listen_port != old_port) {
        const std::uint16_t wanted = settings_.listen_port;
        settings_.listen_port = old_port;
        if (!bind_udp(wanted, error)) {
            reply = errno_line(EADDRINUSE);
            refusal = "set: " + error;
        }
    }
    if (changed && settings_.fwmark != old_mark && !apply_fwmark(error)) {
        reply = errno_line(EPERM);
        refusal = "set: " + error;
    }
    if (!refusal.empty()) log_error("UAPI: " + refusal);
    send_all(reply);
}

void Interface::close_uapi_client(int client) {
    ::epoll_ctl(epoll_, EPOLL_CTL_DEL, client, nullptr);
    ::close(client);
    uapi_clients_.erase(client);  // its reader wipes what it held
    if (uapi_paused_ && uapi_clients_.size() < kMaxUapiClients) {
        uapi_paused_ = !watch_readable(epoll_, uapi_);  // a place is free: take the next client
    }
}

void Interface::drop_late_uapi_clients() {
    if (uapi_clients_.empty()) return;
    const Time t = now();
    for (auto it = uapi_clients_.begin(); it != uapi_clients_.end();) {
        const int client = it->first;
        ++it;
        if (uapi_clients_.at(client).deadline <= t) {
            log_error("UAPI: a client's request was not whole after " +
                      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(kUapiRequestTime).count()) +
                      " s; dropped, nothing applied");
            close_uapi_client(client);
        }
    }
}

}  // namespace wg::io
