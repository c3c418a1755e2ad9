// A bounded-wait UDP socket (see udp_socket.hpp).
#include "io/udp_socket.hpp"

#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "device/endpoint.hpp"

namespace wg::io {

std::optional<Endpoint> Endpoint::parse(const std::string& text) {
    if (text.find('\0') != std::string::npos) return std::nullopt;  // inet_pton stops at a NUL
    Endpoint e;
    std::string host;
    std::string port;
    if (!text.empty() && text.front() == '[') {
        const auto close = text.find("]:");
        if (close == std::string::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != std::string::npos) {
        return std::nullopt;
    }
    const unsigned long port_number = std::stoul(port);
    if (port_number == 0 || port_number > 65535) return std::nullopt;
    auto* v4 = reinterpret_cast<sockaddr_in*>(&e.address);
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&e.address);
    if (inet_pton(AF_INET, host.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(static_cast<std::uint16_t>(port_number));
        e.length = sizeof(sockaddr_in);
    } else if (inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(static_cast<std::uint16_t>(port_number));
        e.length = sizeof(sockaddr_in6);
    } else {
        return std::nullopt;
    }
    return e;
}

std::string Endpoint::to_string() const {
    device::Endpoint e;
    if (family() == AF_INET) {
        const auto* v4 = reinterpret_cast<const sockaddr_in*>(&address);
        std::memcpy(e.address.data(), &v4->sin_addr, 4);
        e.port = ntohs(v4->sin_port);
    } else {
        const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&address);
        std::memcpy(e.address.data(), &v6->sin6_addr, 16);
        e.is_ipv6 = true;
        e.port = ntohs(v6->sin6_port);
    }
    return e.to_string();
}

bool Endpoint::operator==(const Endpoint& other) const {
    return length == other.length && std::memcmp(&address, &other.address, length) == 0;
}

std::optional<UdpSocket> UdpSocket::open(int family, std::uint16_t local_port, std::string& error) {
    const int fd = ::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        error = std::string("socket: ") + std::strerror(errno);
        return std::nullopt;
    }
    sockaddr_storage local{};
    socklen_t length = 0;
    if (family == AF_INET) {
        auto* v4 = reinterpret_cast<sockaddr_in*>(&local);
        v4->sin_family = AF_INET;
        v4->sin_port = htons(local_port);
        length = sizeof(sockaddr_in);
    } else {
        auto* v6 = reinterpret_cast<sockaddr_in6*>(&local);
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(local_port);
        length = sizeof(sockaddr_in6);
    }
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
    return ::sendto(fd_, datagram.data(), datagram.size(), 0, reinterpret_cast<const sockaddr*>(&to.address),
                    to.length) == static_cast<ssize_t>(datagram.size());
}

std::optional<std::size_t> UdpSocket::receive(MutableByteView buffer, Endpoint& from, int timeout_ms) {
    pollfd p{fd_, POLLIN, 0};
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready <= 0) return std::nullopt;
    from.length = sizeof from.address;
    const ssize_t n = ::recvfrom(fd_, buffer.data(), buffer.size(), MSG_DONTWAIT,
                                 reinterpret_cast<sockaddr*>(&from.address), &from.length);
    if (n < 0) return std::nullopt;
    return static_cast<std::size_t>(n);
}

}  // namespace wg::io
