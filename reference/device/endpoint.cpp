// Printing endpoints (see endpoint.hpp).
#include "device/endpoint.hpp"

#include <arpa/inet.h>

namespace wg::device {

std::string Endpoint::to_string() const {
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(is_ipv6 ? AF_INET6 : AF_INET, address.data(), text, sizeof text);
    // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict, its bug
    // 105329) on the operator+ chain that says the same thing.
    std::string out = is_ipv6 ? "[" : "";
    out += text;
    out += is_ipv6 ? "]:" : ":";
    out += std::to_string(port);
    return out;
}

}  // namespace wg::device
