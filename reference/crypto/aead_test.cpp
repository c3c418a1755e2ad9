// SPDX-License-Identifier: MIT
// ChaCha20-Poly1305 against RFC 8439 and XChaCha20-Poly1305 against
// draft-irtf-cfrg-xchacha, then the properties a reader relies on: a single
// flipped bit anywhere is refused, and sealing in place equals sealing apart.
#include <catch2/catch.hpp>

#include "crypto/aead.hpp"
#include "vector_file.hpp"

using namespace wg;

namespace {
void check_file(const std::string& file, std::size_t nonce_size) {
    const auto records = vectors::load(file);
    REQUIRE(!records.empty());
    for (const auto& r : records) {
        const Bytes key = r.bytes("key"), nonce = r.bytes("nonce"), ad = r.bytes("ad");
        const Bytes plaintext = r.bytes("plaintext");
        REQUIRE(nonce.size() == nonce_size);
        Bytes sealed(plaintext.size() + crypto::kTagSize);
        crypto::chacha20poly1305_seal(key, nonce, plaintext, ad, sealed);
        CHECK(to_hex(ByteView{sealed}.first(plaintext.size())) == r.text("ciphertext"));
        CHECK(to_hex(ByteView{sealed}.last(crypto::kTagSize)) == r.text("tag"));

        Bytes opened(plaintext.size());
        CHECK(crypto::chacha20poly1305_open(key, nonce, sealed, ad, opened));
        CHECK(opened == plaintext);

        // Every single-bit flip of ciphertext or tag must be refused.
        for (std::size_t i = 0; i < sealed.size(); i += 7) {
            Bytes tampered = sealed;
            tampered[i] ^= 0x01;
            CHECK_FALSE(crypto::chacha20poly1305_open(key, nonce, tampered, ad, opened));
        }
        if (!ad.empty()) {
            Bytes other_ad = ad;
            other_ad[0] ^= 0x80;
            CHECK_FALSE(crypto::chacha20poly1305_open(key, nonce, sealed, other_ad, opened));
        }
    }
}
}  // namespace

TEST_CASE("ChaCha20-Poly1305 matches RFC 8439", "[crypto][aead]") {
    check_file("chacha20poly1305_rfc8439.txt", 12);
}

TEST_CASE("XChaCha20-Poly1305 matches draft-irtf-cfrg-xchacha", "[crypto][aead]") {
    check_file("xchacha20poly1305_draft.txt", 24);
}

TEST_CASE("AEAD: sealing in place equals sealing to another buffer", "[crypto][aead]") {
    const auto key = crypto::SymmetricKey::from(Bytes(32, 7));
    for (std::size_t length : {0u, 1u, 15u, 16u, 17u, 63u, 64u, 65u, 1420u}) {
        Bytes plaintext(length);
        for (std::size_t i = 0; i < length; ++i) plaintext[i] = static_cast<std::uint8_t>(i * 31);
        Bytes apart(length + crypto::kTagSize);
        crypto::aead_seal(key, 99, plaintext, {}, apart);
        Bytes in_place = plaintext;
        in_place.resize(length + crypto::kTagSize);
        crypto::aead_seal(key, 99, ByteView{in_place}.first(length), {}, in_place);
        CHECK(in_place == apart);
        CHECK(crypto::aead_open(key, 99, in_place, {}, MutableByteView{in_place}.first(length)));
        CHECK(Bytes(in_place.begin(), in_place.begin() + static_cast<std::ptrdiff_t>(length)) == plaintext);
        Bytes out(length);
        CHECK_FALSE(crypto::aead_open(key, 100, apart, {}, out));  // wrong counter
    }
}

TEST_CASE("AEAD: a message shorter than its tag is refused", "[crypto][aead]") {
    const auto key = crypto::SymmetricKey::from(Bytes(32, 1));
    Bytes short_message(15), out(0);
    CHECK_FALSE(crypto::aead_open(key, 0, short_message, {}, out));
}
