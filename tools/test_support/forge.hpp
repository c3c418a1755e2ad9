// SPDX-License-Identifier: MIT
// What an attacker who knows a receiver's public key can always do: give a
// tampered handshake message a fresh, valid mac1 (§5.4.4), so the deeper
// checks (decryption, static key, timestamp) are what must refuse it. mac2
// is left as it was. For tests and fuzz targets only.
#pragma once

#include <algorithm>

#include "cookie/macs.hpp"

namespace wg::test {

inline void refresh_mac1(MutableByteView message, const crypto::Hash& mac1_key) {
    const wire::Field mac2 = wire::mac2_field(message.size());
    Bytes kept(mac2.in(message).begin(), mac2.in(message).end());
    cookie::add_macs(message, mac1_key, std::nullopt);
    std::copy(kept.begin(), kept.end(), mac2.in(message).begin());
}

}  // namespace wg::test
