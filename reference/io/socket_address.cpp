// Endpoints to and from socket addresses (see socket_address.hpp).
#include "io/socket_address.hpp"

#include <arpa/inet.h>

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

}  // namespace wg::io
