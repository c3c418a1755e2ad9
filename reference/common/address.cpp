// SPDX-License-Identifier: MIT
// Addresses, endpoints and prefixes as text and as bytes (see address.hpp).
#include "common/address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>

namespace wg {
namespace {

template <typename Number>
bool parse_decimal(std::string_view text, Number& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

}  // namespace

IpAddress IpAddress::v4(const std::array<std::uint8_t, 4>& octets) {
    IpAddress a;
    std::copy(octets.begin(), octets.end(), a.bytes.begin());
    return a;
}

IpAddress IpAddress::v6(const std::array<std::uint8_t, 16>& octets) {
    IpAddress a;
    a.family = IpFamily::v6;
    a.bytes = octets;
    return a;
}

std::optional<IpAddress> IpAddress::from_bytes(ByteView bytes) {
    if (bytes.size() != 4 && bytes.size() != 16) return std::nullopt;
    IpAddress a;
    a.family = bytes.size() == 16 ? IpFamily::v6 : IpFamily::v4;
    std::copy(bytes.begin(), bytes.end(), a.bytes.begin());
    return a;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    // inet_pton reads a C string: a NUL inside would end it early and let
    // "192.0.2.1\0junk" pass as 192.0.2.1 (found by fuzzing).
    if (text.find('\0') != std::string_view::npos) return std::nullopt;
    const std::string c_text(text);
    IpAddress a;
    if (inet_pton(AF_INET, c_text.c_str(), a.bytes.data()) == 1) return a;
    if (inet_pton(AF_INET6, c_text.c_str(), a.bytes.data()) == 1) {
        a.family = IpFamily::v6;
        return a;
    }
    return std::nullopt;
}

std::string IpAddress::to_string() const {
    char text[INET6_ADDRSTRLEN] = "?";
    inet_ntop(is_v6() ? AF_INET6 : AF_INET, bytes.data(), text, sizeof text);
    return text;
}

std::optional<Endpoint> Endpoint::parse(std::string_view text) {
    std::string_view host, port;
    if (!text.empty() && text.front() == '[') {  // IPv6 in brackets, RFC 3986 style
        const auto close = text.find("]:");
        if (close == std::string_view::npos) return std::nullopt;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const auto colon = text.rfind(':');
        if (colon == std::string_view::npos) return std::nullopt;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
        if (host.find(':') != std::string_view::npos) return std::nullopt;  // IPv6 needs its brackets
    }
    Endpoint e;
    const auto address = IpAddress::parse(host);
    if (!address || !parse_decimal(port, e.port)) return std::nullopt;
    e.address = *address;
    return e;
}

std::string Endpoint::to_string() const {
    // Built by appending: GCC 12 at -O3 warns falsely (-Wrestrict, its bug
    // 105329) on an operator+ chain that says the same thing.
    std::string out = address.is_v6() ? "[" : "";
    out += address.to_string();
    out += address.is_v6() ? "]:" : ":";
    out += std::to_string(port);
    return out;
}

IpPrefix IpPrefix::make(const IpAddress& address, std::uint8_t length) {
    IpPrefix p;
    p.address = address;
    p.length = std::min<std::uint8_t>(length, static_cast<std::uint8_t>(address.size() * 8));
    for (std::size_t i = 0; i < p.address.bytes.size(); ++i) {
        const std::size_t kept = p.length > 8 * i ? p.length - 8 * i : 0;
        if (kept < 8) p.address.bytes[i] &= static_cast<std::uint8_t>(0xff00 >> kept);
    }
    return p;
}

std::optional<IpPrefix> IpPrefix::parse(std::string_view text) {
    const auto slash = text.find('/');
    const auto address = IpAddress::parse(text.substr(0, slash));
    if (!address) return std::nullopt;
    unsigned length = static_cast<unsigned>(address->size() * 8);
    if (slash != std::string_view::npos && (!parse_decimal(text.substr(slash + 1), length) || length > address->size() * 8)) {
        return std::nullopt;
    }
    return make(*address, static_cast<std::uint8_t>(length));
}

bool IpPrefix::contains(const IpAddress& other) const {
    return other.family == address.family && make(other, length).address == address;
}

std::string IpPrefix::to_string() const { return address.to_string() + "/" + std::to_string(length); }

}  // namespace wg
