// SPDX-License-Identifier: MIT
// Endpoints to and from socket addresses (see socket_address.hpp).
#include "io/socket_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <cstring>

namespace wg::io {

Endpoint endpoint_of(const sockaddr_in6& a) {
    Endpoint e;
    e.port = ntohs(a.sin6_port);
    if (IN6_IS_ADDR_V4MAPPED(&a.sin6_addr)) {
        std::memcpy(e.address.bytes.data(), a.sin6_addr.s6_addr + 12, 4);
    } else {
        e.address.family = IpFamily::v6;
        std::memcpy(e.address.bytes.data(), a.sin6_addr.s6_addr, 16);
    }
    return e;
}

sockaddr_in6 dual_stack_address(const Endpoint& e) {
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_port = htons(e.port);
    if (e.address.is_v6()) {
        std::memcpy(a.sin6_addr.s6_addr, e.address.bytes.data(), 16);
    } else {
        a.sin6_addr.s6_addr[10] = 0xff;
        a.sin6_addr.s6_addr[11] = 0xff;
        std::memcpy(a.sin6_addr.s6_addr + 12, e.address.bytes.data(), 4);
    }
    return a;
}

std::optional<Endpoint> resolve_endpoint(std::string_view text, std::string& why) {
    if (auto literal = Endpoint::parse(text)) return literal;
    // [HOST]:PORT or HOST:PORT, the port after the last colon.
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || colon + 1 == text.size()) {
        why = "expected HOST:PORT or [HOST]:PORT, got '" + std::string(text) + "'";
        return std::nullopt;
    }
    std::string host(text.substr(0, colon));
    const std::string port(text.substr(colon + 1));
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty() || port.find_first_not_of("0123456789") != std::string::npos || port.size() > 5 || std::stoul(port) > 65535) {
        why = "expected HOST:PORT or [HOST]:PORT, got '" + std::string(text) + "'";
        return std::nullopt;
    }
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(host.c_str(), nullptr, &hints, &found);
    if (rc != 0 || !found) {
        why = "cannot resolve '" + host + "': " + ::gai_strerror(rc);
        return std::nullopt;
    }
    Endpoint endpoint;
    if (found->ai_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
        std::memcpy(endpoint.address.bytes.data(), &a->sin_addr, 4);
    } else {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(found->ai_addr);
        endpoint.address.family = IpFamily::v6;
        std::memcpy(endpoint.address.bytes.data(), &a->sin6_addr, 16);
    }
    ::freeaddrinfo(found);
    endpoint.port = static_cast<std::uint16_t>(std::stoul(port));
    return endpoint;
}

}  // namespace wg::io
