// One UDP socket, IPv4 or IPv6, with bounded waiting: the smallest piece of
// the I/O shell, used by wgconform's probes. (The full event loop with
// recvmmsg/sendmmsg and TUN arrives with wgref's interface.)
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>

#include "common/bytes.hpp"

namespace wg::io {

/// An IP address and UDP port, as the kernel stores it.
struct Endpoint {
    sockaddr_storage address{};
    socklen_t length = 0;

    /// Parses "192.0.2.1:51820" or "[2001:db8::1]:51820".
    static std::optional<Endpoint> parse(const std::string& text);
    std::string to_string() const;
    int family() const { return address.ss_family; }
    bool operator==(const Endpoint& other) const;
};

class UdpSocket {
public:
    /// Opens a socket of `family`, bound to `local_port` (0 = any).
    static std::optional<UdpSocket> open(int family, std::uint16_t local_port, std::string& error);
    UdpSocket(UdpSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    UdpSocket& operator=(UdpSocket&&) = delete;
    ~UdpSocket();

    bool send_to(const Endpoint& to, ByteView datagram);
    /// Waits at most `timeout_ms` for one datagram; nullopt on timeout.
    std::optional<std::size_t> receive(MutableByteView buffer, Endpoint& from, int timeout_ms);

private:
    explicit UdpSocket(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace wg::io
