// SPDX-License-Identifier: MIT
// X25519 on Botan 2 (see x25519.hpp for the rules this file keeps).
#include "crypto/x25519.hpp"

#include <botan/curve25519.h>

namespace wg::crypto {

PrivateKey make_private_key(std::span<const std::uint8_t, kKeySize> random_bytes) {
    PrivateKey key{random_bytes};
    // RFC 7748 §5 "decodeScalar25519": clear the 3 low bits (a multiple of the
    // cofactor 8) and set bit 254. X25519 clamps again internally; storing the
    // clamped form keeps our key files identical to `wg genkey`'s.
    key.data()[0] &= 248;
    key.data()[31] &= 127;
    key.data()[31] |= 64;
    return key;
}

PublicKey public_key_of(const PrivateKey& private_key) {
    PublicKey public_key;
    Botan::curve25519_basepoint(public_key.data(), private_key.data());
    return public_key;
}

std::optional<SharedSecret> dh(const PrivateKey& private_key, const PublicKey& public_key) {
    SharedSecret shared;
    Botan::curve25519_donna(shared.data(), private_key.data(), public_key.data());
    if (shared.is_zero()) return std::nullopt;
    return shared;
}

void x25519_raw(std::span<const std::uint8_t, 32> scalar, std::span<const std::uint8_t, 32> u,
                std::span<std::uint8_t, 32> out) {
    Botan::curve25519_donna(out.data(), scalar.data(), u.data());
}

}  // namespace wg::crypto
