// SPDX-License-Identifier: MIT
// Paper §5.4: HASH(input) is BLAKE2s with a 32-byte output, MAC(key, input)
// is keyed BLAKE2s with a 16-byte output, HMAC(key, input) is RFC 2104's
// HMAC over BLAKE2s, and KDFn(key, input) is HKDF (RFC 5869) built from that
// HMAC, returning n 32-byte values. These four carry the whole handshake.
//
// BLAKE2s itself comes from libb2 (Botan 2 has only BLAKE2b); HMAC and the
// KDF are the paper's few lines, written out so a reader sees them.
#pragma once

#include <array>
#include <initializer_list>

#include "crypto/secret.hpp"

namespace wg::crypto {

/// HASH(parts[0] || parts[1] || ...): BLAKE2s-256 of the concatenation.
Hash hash(std::initializer_list<ByteView> parts);

/// MAC(key, input): keyed BLAKE2s, 16-byte output (used by mac1, mac2, cookies).
Mac mac(ByteView key, ByteView input);

/// HMAC(key, input) with BLAKE2s as the hash (block size 64 bytes).
Secret<kKeySize> hmac(ByteView key, ByteView input);

/// KDFn(key, input) for n = 1, 2, 3: τ0 = HMAC(key, input),
/// τ1 = HMAC(τ0, 0x1), τi = HMAC(τ0, τ(i-1) || i).
template <std::size_t N>
std::array<Secret<kKeySize>, N> kdf(ByteView key, ByteView input);

extern template std::array<Secret<kKeySize>, 1> kdf<1>(ByteView, ByteView);
extern template std::array<Secret<kKeySize>, 2> kdf<2>(ByteView, ByteView);
extern template std::array<Secret<kKeySize>, 3> kdf<3>(ByteView, ByteView);

/// Plain BLAKE2s with any output length and optional key, for RFC 7693's vectors.
Bytes blake2s(std::size_t out_len, ByteView key, ByteView input);

}  // namespace wg::crypto
