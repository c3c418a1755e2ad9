// SPDX-License-Identifier: MIT
// Endpoints as the kernel's socket calls want them. The core speaks only
// wg::Endpoint (common/address.hpp); these two functions are where the I/O
// shell turns one into a sockaddr and back. wgref uses one IPv6 socket for
// both families, so IPv4 travels as IPv4-mapped IPv6 (::ffff:a.b.c.d).
#pragma once

#include <netinet/in.h>

#include <optional>
#include <string>
#include <string_view>

#include "common/address.hpp"

namespace wg::io {

/// The Endpoint a dual-stack socket reported (an IPv4-mapped address becomes IPv4).
Endpoint endpoint_of(const sockaddr_in6& address);

/// The address to give a dual-stack socket for `endpoint` (IPv4 as mapped IPv6).
sockaddr_in6 dual_stack_address(const Endpoint& endpoint);

/// HOST:PORT or [HOST]:PORT, HOST an address or a name (getaddrinfo, as `wg`
/// resolves Endpoint lines: the first address the resolver gives). nullopt
/// with `why` set when it cannot be had. Port 0 is allowed, as the kernel does.
std::optional<Endpoint> resolve_endpoint(std::string_view text, std::string& why);

}  // namespace wg::io
