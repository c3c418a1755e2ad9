// SPDX-License-Identifier: MIT
// ChaCha20-Poly1305 and XChaCha20-Poly1305 (see aead.hpp): RFC 8439 §2.8's
// AEAD construction over Botan's ChaCha20 and Poly1305.
#include "crypto/aead.hpp"

#include <botan/mac.h>
#include <botan/stream_cipher.h>

#include <memory>

namespace wg::crypto {
namespace {

/// One ChaCha20 and one Poly1305 object per thread, keyed afresh for each
/// message: keying ChaCha20 is a copy, and Poly1305's key is one-time anyway.
struct ChaChaPoly {
    std::unique_ptr<Botan::StreamCipher> chacha = Botan::StreamCipher::create_or_throw("ChaCha(20)");
    std::unique_ptr<Botan::MessageAuthenticationCode> poly =
        Botan::MessageAuthenticationCode::create_or_throw("Poly1305");

    /// RFC 8439 §2.6: the Poly1305 key is the first 32 bytes of keystream
    /// block 0; the message is then enciphered from block 1 onwards.
    void start(ByteView key, ByteView nonce) {
        chacha->set_key(key.data(), key.size());
        chacha->set_iv(nonce.data(), nonce.size());
        std::array<std::uint8_t, 64> block0{};
        chacha->cipher1(block0.data(), block0.size());
        poly->set_key(block0.data(), 32);
        wipe(block0.data(), block0.size());
    }

    /// RFC 8439 §2.8: mac_data = ad || pad16 || ciphertext || pad16 ||
    /// le64(len(ad)) || le64(len(ciphertext)).
    void tag(ByteView ad, ByteView ciphertext, std::uint8_t* out) {
        static constexpr std::array<std::uint8_t, 16> kZeros{};
        poly->update(ad.data(), ad.size());
        poly->update(kZeros.data(), (16 - ad.size() % 16) % 16);
        poly->update(ciphertext.data(), ciphertext.size());
        poly->update(kZeros.data(), (16 - ciphertext.size() % 16) % 16);
        std::array<std::uint8_t, 16> lengths;
        store_le64(lengths.data(), ad.size());
        store_le64(lengths.data() + 8, ciphertext.size());
        poly->update(lengths.data(), lengths.size());
        poly->final(out);
    }
};

ChaChaPoly& engine() {
    thread_local ChaChaPoly instance;
    return instance;
}

/// §5.4 "AEAD": nonce = 32 bits of zeros || 64-bit little-endian counter.
std::array<std::uint8_t, 12> counter_nonce(std::uint64_t counter) {
    std::array<std::uint8_t, 12> nonce{};
    store_le64(nonce.data() + 4, counter);
    return nonce;
}

}  // namespace

void chacha20poly1305_seal(ByteView key, ByteView nonce, ByteView plaintext, ByteView ad,
                           MutableByteView out) {
    ChaChaPoly& e = engine();
    e.start(key, nonce);
    e.chacha->cipher(plaintext.data(), out.data(), plaintext.size());
    e.tag(ad, out.first(plaintext.size()), out.data() + plaintext.size());
}

bool chacha20poly1305_open(ByteView key, ByteView nonce, ByteView sealed, ByteView ad,
                           MutableByteView out) {
    if (sealed.size() < kTagSize) return false;
    const ByteView ciphertext = sealed.first(sealed.size() - kTagSize);
    ChaChaPoly& e = engine();
    e.start(key, nonce);
    std::array<std::uint8_t, kTagSize> expected;
    e.tag(ad, ciphertext, expected.data());
    if (!equal_constant_time(expected, sealed.last(kTagSize))) return false;
    e.chacha->cipher(ciphertext.data(), out.data(), ciphertext.size());
    return true;
}

void aead_seal(const SymmetricKey& key, std::uint64_t counter, ByteView plaintext, ByteView ad,
               MutableByteView out) {
    chacha20poly1305_seal(key.view(), counter_nonce(counter), plaintext, ad, out);
}

bool aead_open(const SymmetricKey& key, std::uint64_t counter, ByteView sealed, ByteView ad,
               MutableByteView out) {
    return chacha20poly1305_open(key.view(), counter_nonce(counter), sealed, ad, out);
}

void xaead_seal(const SymmetricKey& key, const XNonce& nonce, ByteView plaintext, ByteView ad,
                MutableByteView out) {
    chacha20poly1305_seal(key.view(), nonce, plaintext, ad, out);
}

bool xaead_open(const SymmetricKey& key, const XNonce& nonce, ByteView sealed, ByteView ad,
                MutableByteView out) {
    return chacha20poly1305_open(key.view(), nonce, sealed, ad, out);
}

}  // namespace wg::crypto
