// SPDX-License-Identifier: MIT
// Paper §5.4: DH(private, public) is Curve25519 point multiplication
// (RFC 7748's X25519) and DH-GENERATE() makes a fresh key pair. We use
// Botan's implementation; the one rule of our own is the check the paper's
// §5.4 relies on implicitly and RFC 7748 §6.1 makes explicit: a shared secret
// of all zeros means the peer sent a low-order point, and must be rejected.
#pragma once

#include <optional>

#include "crypto/secret.hpp"

namespace wg::crypto {

using SharedSecret = Secret<kKeySize>;

/// Clamps 32 random bytes into an X25519 private key (RFC 7748 §5).
PrivateKey make_private_key(std::span<const std::uint8_t, kKeySize> random_bytes);

/// The public key of a private key: X25519(private, 9).
PublicKey public_key_of(const PrivateKey& private_key);

/// X25519(private, public); nullopt when the result is all zeros.
std::optional<SharedSecret> dh(const PrivateKey& private_key, const PublicKey& public_key);

/// The raw RFC 7748 function, for its test vectors (no zero check).
void x25519_raw(std::span<const std::uint8_t, 32> scalar, std::span<const std::uint8_t, 32> u,
                std::span<std::uint8_t, 32> out);

}  // namespace wg::crypto
