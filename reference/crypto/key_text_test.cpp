// SPDX-License-Identifier: MIT
// Base64 keys as `wg` writes them; strict parsing (RFC 4648 §4).
#include <catch2/catch.hpp>

#include "crypto/key_text.hpp"

using namespace wg;

TEST_CASE("Keys round-trip through base64", "[crypto][keys]") {
    crypto::PublicKey key{};
    for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
    const std::string text = crypto::key_to_base64(crypto::view(key));
    CHECK(text == "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=");
    CHECK(crypto::public_key_from_base64(text) == key);
}

TEST_CASE("Malformed base64 keys are refused", "[crypto][keys]") {
    CHECK_FALSE(crypto::public_key_from_base64(""));
    CHECK_FALSE(crypto::public_key_from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8"));    // no padding
    CHECK_FALSE(crypto::public_key_from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh!="));  // bad digit
    CHECK_FALSE(crypto::public_key_from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh9="));  // stray bits
    CHECK_FALSE(crypto::public_key_from_base64("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHg=="));  // 31 bytes
}
