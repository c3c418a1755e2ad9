// SPDX-License-Identifier: MIT
// Endpoints and socket addresses (io/socket_address.hpp), checked against the
// kernel rather than against our own idea of the layout: a socket is bound
// with dual_stack_address and the kernel says where it is; a datagram from
// an IPv4 socket reaches wgref's one IPv6 socket, and endpoint_of must turn
// the IPv4-mapped source the kernel reports (RFC 4291 §2.5.5.2) back into
// the IPv4 endpoint the sender has. Loopback only. A machine without IPv6
// sockets, or with IPv6 off, says so in a warning instead of failing, since
// the I/O shell cannot run there either.
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <optional>
#include <utility>

#include "io/socket_address.hpp"

using namespace wg;

namespace {

/// A datagram socket closed when it goes out of scope.
struct Socket {
    int fd = -1;
    explicit Socket(int family) : fd(::socket(family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) {}
    ~Socket() {
        if (fd >= 0) ::close(fd);
    }
    Socket(Socket&& other) noexcept : fd(std::exchange(other.fd, -1)) {}
    Socket(const Socket&) = delete;
    Socket& operator=(const Socket&) = delete;
};

/// An IPv6 socket that takes IPv4 too, as wgref opens its one socket; its
/// fd is -1 if this machine cannot have one.
Socket dual_stack_socket() {
    Socket s(AF_INET6);
    const int off = 0;
    if (s.fd >= 0 && ::setsockopt(s.fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off) != 0) {
        ::close(s.fd);
        s.fd = -1;
    }
    return s;
}

/// Binds `s` to dual_stack_address(where) (port 0: the kernel picks) and
/// returns where the kernel says it is, read by endpoint_of.
std::optional<Endpoint> bind_at(const Socket& s, const Endpoint& where) {
    const sockaddr_in6 address = io::dual_stack_address(where);
    if (::bind(s.fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) return std::nullopt;
    sockaddr_in6 bound{};
    socklen_t size = sizeof bound;
    if (::getsockname(s.fd, reinterpret_cast<sockaddr*>(&bound), &size) != 0) return std::nullopt;
    return io::endpoint_of(bound);
}

/// Whether ::1 can be bound here, asked without the code under test.
bool has_ipv6_loopback() {
    Socket s(AF_INET6);
    sockaddr_in6 a{};
    a.sin6_family = AF_INET6;
    a.sin6_addr = in6addr_loopback;
    return s.fd >= 0 && ::bind(s.fd, reinterpret_cast<const sockaddr*>(&a), sizeof a) == 0;
}

/// Waits at most a second for a datagram, so a lost one fails the test instead of hanging it.
bool readable(int fd) {
    pollfd p{fd, POLLIN, 0};
    return ::poll(&p, 1, 1000) == 1;
}

}  // namespace

TEST_CASE("An IPv4 peer reaches the dual-stack socket and is seen as IPv4", "[socket_address]") {
    Socket wgref_socket = dual_stack_socket();
    if (wgref_socket.fd < 0) {
        WARN("no dual-stack IPv6 socket on this machine: not checked");
        return;
    }
    const auto local = bind_at(wgref_socket, *Endpoint::parse("127.0.0.1:0"));
    REQUIRE(local);
    // The kernel, asked where the socket is, answers with the mapped address:
    // endpoint_of reads it as the IPv4 address it was bound with.
    CHECK(local->address.to_string() == "127.0.0.1");
    CHECK(local->port != 0);

    Socket peer(AF_INET);
    sockaddr_in peer_address{};
    peer_address.sin_family = AF_INET;
    peer_address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::bind(peer.fd, reinterpret_cast<const sockaddr*>(&peer_address), sizeof peer_address) == 0);
    socklen_t size = sizeof peer_address;
    REQUIRE(::getsockname(peer.fd, reinterpret_cast<sockaddr*>(&peer_address), &size) == 0);
    const Endpoint peer_endpoint{*IpAddress::parse("127.0.0.1"), ntohs(peer_address.sin_port)};

    // Peer to wgref: the source the kernel reports is ::ffff:127.0.0.1.
    sockaddr_in to_wgref{};
    to_wgref.sin_family = AF_INET;
    to_wgref.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    to_wgref.sin_port = htons(local->port);
    const std::uint8_t ping = 1;
    REQUIRE(::sendto(peer.fd, &ping, 1, 0, reinterpret_cast<const sockaddr*>(&to_wgref), sizeof to_wgref) == 1);
    REQUIRE(readable(wgref_socket.fd));
    std::uint8_t byte = 0;
    sockaddr_in6 source{};
    size = sizeof source;
    REQUIRE(::recvfrom(wgref_socket.fd, &byte, 1, 0, reinterpret_cast<sockaddr*>(&source), &size) == 1);
    CHECK(IN6_IS_ADDR_V4MAPPED(&source.sin6_addr));
    CHECK(io::endpoint_of(source) == peer_endpoint);

    // wgref to the peer, addressed the way the send path addresses it.
    const sockaddr_in6 to_peer = io::dual_stack_address(peer_endpoint);
    const std::uint8_t pong = 2;
    REQUIRE(::sendto(wgref_socket.fd, &pong, 1, 0, reinterpret_cast<const sockaddr*>(&to_peer), sizeof to_peer) == 1);
    REQUIRE(readable(peer.fd));
    sockaddr_in from{};
    size = sizeof from;
    REQUIRE(::recvfrom(peer.fd, &byte, 1, 0, reinterpret_cast<sockaddr*>(&from), &size) == 1);
    CHECK(byte == pong);
    CHECK(ntohs(from.sin_port) == local->port);
}

TEST_CASE("An IPv6 endpoint goes to the kernel and comes back unchanged", "[socket_address]") {
    if (!has_ipv6_loopback()) {
        WARN("no IPv6 loopback on this machine: not checked");
        return;
    }
    Socket wgref_socket = dual_stack_socket();
    const auto local = bind_at(wgref_socket, *Endpoint::parse("[::1]:0"));
    REQUIRE(local);
    CHECK(local->address.to_string() == "::1");
    CHECK(local->address.is_v6());
    CHECK(local->port != 0);
}

TEST_CASE("A mapped address is IPv4 only with the ::ffff: prefix", "[socket_address]") {
    // ::ffff:192.0.2.1 is IPv4; ::192.0.2.1 (the deprecated "compatible" form)
    // and 64:ff9b::192.0.2.1 (NAT64, RFC 6052) are IPv6 addresses.
    const auto read = [](const char* text) {
        sockaddr_in6 a{};
        a.sin6_family = AF_INET6;
        a.sin6_port = htons(51820);
        REQUIRE(::inet_pton(AF_INET6, text, &a.sin6_addr) == 1);
        return io::endpoint_of(a);
    };
    CHECK(read("::ffff:192.0.2.1") == *Endpoint::parse("192.0.2.1:51820"));
    CHECK(read("::192.0.2.1").address.is_v6());
    CHECK(read("64:ff9b::192.0.2.1") == *Endpoint::parse("[64:ff9b::c000:201]:51820"));
}
