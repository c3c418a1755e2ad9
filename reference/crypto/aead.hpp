// SPDX-License-Identifier: MIT
// Paper §5.4: AEAD(key, counter, plain text, auth text) is ChaCha20-Poly1305
// as RFC 8439 defines it, with a 96-bit nonce of 32 zero bits followed by the
// 64-bit little-endian counter. XAEAD(key, nonce, plain text, auth text) is
// XChaCha20-Poly1305 with a random 192-bit nonce, used only by cookie replies
// (§5.4.7), where no counter can be kept.
//
// What to take away: the construction is RFC 8439 §2.8 spelt out over
// Botan's ChaCha20 stream and Poly1305 MAC, so the tag is checked before a
// single byte is decrypted, a forgery is a `false` and never an exception,
// and no memory is allocated per message (the Botan objects are reused).
#pragma once

#include <cstdint>

#include "crypto/secret.hpp"

namespace wg::crypto {

inline constexpr std::size_t kXNonceSize = wire::kCookieNonceSize;
using XNonce = std::array<std::uint8_t, kXNonceSize>;

/// AEAD(key, counter, plaintext, ad) into `out`, which holds plaintext.size()
/// + 16 bytes. `out` may start at plaintext.data() (sealing in place).
void aead_seal(const SymmetricKey& key, std::uint64_t counter, ByteView plaintext, ByteView ad,
               MutableByteView out);

/// Checks the tag of `sealed` (ciphertext || tag) and, only if it is right,
/// decrypts into `out` (sealed.size() - 16 bytes; may alias `sealed`).
[[nodiscard]] bool aead_open(const SymmetricKey& key, std::uint64_t counter, ByteView sealed,
                             ByteView ad, MutableByteView out);

/// XAEAD: the same with a 24-byte nonce (draft-irtf-cfrg-xchacha).
void xaead_seal(const SymmetricKey& key, const XNonce& nonce, ByteView plaintext, ByteView ad,
                MutableByteView out);
[[nodiscard]] bool xaead_open(const SymmetricKey& key, const XNonce& nonce, ByteView sealed,
                              ByteView ad, MutableByteView out);

/// The general form both of the above use: `nonce` is 12 bytes (RFC 8439)
/// or 24 bytes (XChaCha20). Exposed for the RFC test vectors.
void chacha20poly1305_seal(ByteView key, ByteView nonce, ByteView plaintext, ByteView ad,
                           MutableByteView out);
[[nodiscard]] bool chacha20poly1305_open(ByteView key, ByteView nonce, ByteView sealed,
                                         ByteView ad, MutableByteView out);

}  // namespace wg::crypto
