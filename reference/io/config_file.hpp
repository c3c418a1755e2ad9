// SPDX-License-Identifier: MIT
// Configuration files in the format `wg setconf` reads (wg(8), "CONFIGURATION
// FILE FORMAT"): an [Interface] section (PrivateKey, ListenPort, FwMark) and
// [Peer] sections (PublicKey, PresharedKey, AllowedIPs, Endpoint,
// PersistentKeepalive). Keys are base64 here, as people write them. The
// file becomes the same DeviceChange a UAPI `set` does, replacing all peers,
// and any bad line is an error naming the line, before anything is changed.
// An Endpoint may name a host, which `lookup` resolves (the system's
// resolver, unless a test or a fuzzer gives one that stays in the process).
#pragma once

#include <string>
#include <string_view>

#include "io/socket_address.hpp"
#include "io/uapi.hpp"

namespace wg::io {

Result<DeviceChange, ChangeError> parse_config(std::string_view text, const NameLookup& lookup = system_lookup);

}  // namespace wg::io
