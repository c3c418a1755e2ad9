// SPDX-License-Identifier: MIT
// The one vocabulary of addresses that every part of wgref speaks:
//   IpAddress  an IPv4 or IPv6 address (inner packets, allowed IPs, endpoints)
//   Endpoint   an IpAddress and a UDP port: where a peer is (paper §2.1,
//              "the endpoint of a peer is updated to the source of the most
//              recent authenticated packet")
//   IpPrefix   an IpAddress with a prefix length: one allowed-IPs entry (§3)
// All three are plain values, compared and copied freely; only the I/O shell
// turns them into sockaddrs (io/socket_address.hpp).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/bytes.hpp"

namespace wg {

enum class IpFamily : std::uint8_t { v4, v6 };

struct IpAddress {
    IpFamily family = IpFamily::v4;
    std::array<std::uint8_t, 16> bytes{};  ///< the first 4 for IPv4, the rest zero

    static IpAddress v4(const std::array<std::uint8_t, 4>& octets);
    static IpAddress v6(const std::array<std::uint8_t, 16>& octets);
    /// From the 4 or 16 bytes of an IP header's address field; nullopt for any other size.
    static std::optional<IpAddress> from_bytes(ByteView bytes);
    /// "192.0.2.1" or "2001:db8::1"; nullopt for anything else (a NUL included).
    static std::optional<IpAddress> parse(std::string_view text);

    bool is_v6() const { return family == IpFamily::v6; }
    std::size_t size() const { return is_v6() ? 16 : 4; }
    ByteView view() const { return {bytes.data(), size()}; }
    std::string to_string() const;
    auto operator<=>(const IpAddress&) const = default;
};

struct Endpoint {
    IpAddress address;
    std::uint16_t port = 0;

    /// "192.0.2.1:51820" or "[2001:db8::1]:51820", port 0 to 65535 (0 is
    /// legal in configuration, as wireguard-go accepts it; callers that must
    /// send somewhere check for it).
    static std::optional<Endpoint> parse(std::string_view text);
    std::string to_string() const;
    auto operator<=>(const Endpoint&) const = default;
};

struct IpPrefix {
    IpAddress address;        ///< host bits cleared
    std::uint8_t length = 0;  ///< 0..32 or 0..128

    /// `address` with every bit from `length` on cleared (length capped at the family's size).
    static IpPrefix make(const IpAddress& address, std::uint8_t length);
    /// "192.0.2.0/24", "2001:db8::/32", or a bare address (a host prefix).
    static std::optional<IpPrefix> parse(std::string_view text);
    bool contains(const IpAddress& other) const;
    std::string to_string() const;
    auto operator<=>(const IpPrefix&) const = default;
};

}  // namespace wg
