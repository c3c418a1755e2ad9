// SPDX-License-Identifier: MIT
// Endpoints to and from socket addresses (see socket_address.hpp).
#include "io/socket_address.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <charconv>
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

namespace {

/// A name as a resolver holds names (RFC 1123 host names, and the '_' that
/// /etc/hosts and DNS records carry in practice); in brackets also what an
/// IPv6 address with a zone (fe80::1%eth0) is written with.
bool could_be_a_name(std::string_view name, bool bracketed) {
    if (name.empty() || name.size() > 253) return false;
    return std::all_of(name.begin(), name.end(), [bracketed](char c) {
        const auto u = static_cast<unsigned char>(c);
        return std::isalnum(u) || c == '-' || c == '_' || c == '.' || (bracketed && (c == ':' || c == '%'));
    });
}

}  // namespace

std::optional<IpAddress> system_lookup(const std::string& name, std::string& why) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_DGRAM;
    addrinfo* found = nullptr;
    const int rc = ::getaddrinfo(name.c_str(), nullptr, &hints, &found);
    if (rc != 0 || !found) {
        why = "cannot resolve '" + name + "': " + ::gai_strerror(rc);
        return std::nullopt;
    }
    IpAddress address;
    if (found->ai_family == AF_INET) {
        const auto* a = reinterpret_cast<const sockaddr_in*>(found->ai_addr);
        std::memcpy(address.bytes.data(), &a->sin_addr, 4);
    } else {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(found->ai_addr);
        address.family = IpFamily::v6;
        std::memcpy(address.bytes.data(), &a->sin6_addr, 16);
    }
    ::freeaddrinfo(found);
    return address;
}

std::optional<Endpoint> resolve_endpoint(std::string_view text, std::string& why, const NameLookup& lookup) {
    if (auto literal = Endpoint::parse(text)) return literal;
    const auto refuse = [&] {
        why = "expected HOST:PORT or [HOST]:PORT, HOST an address or a host name";
        return std::nullopt;
    };
    // [HOST]:PORT or HOST:PORT, the port after the last colon.
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos) return refuse();
    std::string_view host = text.substr(0, colon);
    const std::string_view port = text.substr(colon + 1);
    const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    std::uint16_t port_number = 0;
    const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
    if (port.empty() || ec != std::errc{} || end != port.data() + port.size()) return refuse();
    if (!could_be_a_name(host, bracketed)) return refuse();
    const auto address = lookup(std::string(host), why);
    if (!address) return std::nullopt;
    return Endpoint{*address, port_number};
}

}  // namespace wg::io
