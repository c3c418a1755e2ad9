// Where a peer is: an IP address and UDP port, as plain data. The core only
// compares endpoints, remembers them (roaming, paper §2.1: "the endpoint of
// a peer is updated to the source of the most recent authenticated packet")
// and MACs their bytes for cookies (§5.4.7); the I/O shell turns them into
// sockaddrs.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "common/bytes.hpp"

namespace wg::device {

struct Endpoint {
    bool is_ipv6 = false;
    std::array<std::uint8_t, 16> address{};  ///< first 4 bytes for IPv4
    std::uint16_t port = 0;

    static Endpoint ipv4(std::array<std::uint8_t, 4> a, std::uint16_t port) {
        Endpoint e;
        std::copy(a.begin(), a.end(), e.address.begin());
        e.port = port;
        return e;
    }
    ByteView address_bytes() const { return {address.data(), is_ipv6 ? 16u : 4u}; }

    /// The bytes a cookie is computed over: address, then port big-endian.
    std::array<std::uint8_t, 18> cookie_source(std::size_t& length) const {
        std::array<std::uint8_t, 18> out{};
        const ByteView a = address_bytes();
        std::copy(a.begin(), a.end(), out.begin());
        out[a.size()] = static_cast<std::uint8_t>(port >> 8);
        out[a.size() + 1] = static_cast<std::uint8_t>(port);
        length = a.size() + 2;
        return out;
    }

    std::string to_string() const;
    bool operator==(const Endpoint&) const = default;
};

}  // namespace wg::device
