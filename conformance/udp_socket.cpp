// SPDX-License-Identifier: MIT
// A bounded-wait UDP socket (see udp_socket.hpp).
#include "udp_socket.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace wg::conformance {
namespace {

/// `e` as a sockaddr of its own family; returns the length to pass.
socklen_t to_sockaddr(const Endpoint& e, sockaddr_storage& out) {
    out = {};
    if (e.address.is_v6()) {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&out);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(e.port);
        std::memcpy(&v6->sin6_addr, e.address.bytes.data(), 16);
        return sizeof(sockaddr_in6);
    }
    auto* v4 = reinterpret_cast<sockaddr_in*>(&out);
    v4->sin_family = AF_INET;
    v4->sin_port = htons(e.port);
    std::memcpy(&v4->sin_addr, e.address.bytes.data(), 4);
    return sizeof(sockaddr_in);
}

Endpoint from_sockaddr(const sockaddr_storage& in) {
    Endpoint e;
    if (in.ss_family == AF_INET6) {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&in);
        e.address.family = IpFamily::v6;
        std::memcpy(e.address.bytes.data(), &v6->sin6_addr, 16);
        e.port = ntohs(v6->sin6_port);
    } else {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&in);
        std::memcpy(e.address.bytes.data(), &v4->sin_addr, 4);
        e.port = ntohs(v4->sin_port);
    }
    return e;
}

}  // namespace

std::optional<UdpSocket> UdpSocket::open(IpFamily family, std::uint16_t local_port, std::string& error,
                                         std::optional<IpAddress> local_address) {
    const int fd = ::socket(family == IpFamily::v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return std::nullopt;
    }
    Endpoint any;
    any.address.family = family;
    if (local_address) {
        if (local_address->family != family) {
            ::close(fd);
            error = "bind: " + local_address->to_string() + " is not of the target's family";
            return std::nullopt;
        }
        any.address = *local_address;
    }
    any.port = local_port;
    sockaddr_storage local{};
    const socklen_t length = to_sockaddr(any, local);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), length) != 0) {
        error = std::string("bind: ") + std::strerror(errno);
        ::close(fd);
        return std::nullopt;
    }
    return UdpSocket(fd);
}

UdpSocket::~UdpSocket() {
    if (fd_ >= 0) ::close(fd_);
}

bool UdpSocket::send_to(const Endpoint& to, ByteView datagram) {
    sockaddr_storage address{};
    const socklen_t length = to_sockaddr(to, address);
    return ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&address), length) ==
           static_cast<ssize_t>(datagram.size());
}

std::optional<std::size_t> UdpSocket::receive(MutableByteView buffer, Endpoint& from, int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready <= 0) return std::nullopt;
    sockaddr_storage address{};
    socklen_t length = sizeof address;
    const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT, reinterpret_cast<sockaddr*>(&address), &length);
    if (n < 0) return std::nullopt;
    from = from_sockaddr(address);
    return static_cast<std::size_t>(n);
}

}  // namespace wg::conformance
