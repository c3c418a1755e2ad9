// Printing endpoints (see endpoint.hpp).
#include "device/endpoint.hpp"

#include <arpa/inet.h>

namespace wg::device {

std::string Endpoint::to_string() const {
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(is_ipv6 ? AF_INET6 : AF_INET, address.data(), text, sizeof text);
    return is_ipv6 ? "[" + std::string(text) + "]:" + std::to_string(port) : std::string(text) + ":" + std::to_string(port);
}

}  // namespace wg::device
