// SPDX-License-Identifier: MIT
// Endpoints as the kernel's socket calls want them. The core speaks only
// wg::Endpoint (common/address.hpp); these two functions are where the I/O
// shell turns one into a sockaddr and back. wgref uses one IPv6 socket for
// both families, so IPv4 travels as IPv4-mapped IPv6 (::ffff:a.b.c.d).
#pragma once

#include <netinet/in.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "common/address.hpp"

namespace wg::io {

/// The Endpoint a dual-stack socket reported (an IPv4-mapped address becomes IPv4).
Endpoint endpoint_of(const sockaddr_in6& address);

/// The address to give a dual-stack socket for `endpoint` (IPv4 as mapped IPv6).
sockaddr_in6 dual_stack_address(const Endpoint& endpoint);

/// Asks what address a host name stands for; nullopt with `why` set if none.
using NameLookup = std::function<std::optional<IpAddress>(const std::string& name, std::string& why)>;

/// The system's resolver, as `wg` asks it for Endpoint lines (getaddrinfo:
/// /etc/hosts, then DNS): the first address it gives.
std::optional<IpAddress> system_lookup(const std::string& name, std::string& why);

/// HOST:PORT or [HOST]:PORT, HOST an address or a name. An address is read
/// as it is; a name is checked first (letters, digits, '-', '_' and '.', at
/// most 253 of them; inside brackets ':' and '%' too), so a name no resolver
/// could hold, or one with a NUL that would cut it short, is refused without
/// a query, and only then asked of `lookup`. nullopt with `why` set when it
/// cannot be had. Port 0 is allowed, as the kernel does.
std::optional<Endpoint> resolve_endpoint(std::string_view text, std::string& why,
                                         const NameLookup& lookup = system_lookup);

}  // namespace wg::io
