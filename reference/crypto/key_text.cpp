// SPDX-License-Identifier: MIT
// Base64 keys (see key_text.hpp), on Botan's base64 codec.
#include "crypto/key_text.hpp"

#include <botan/base64.h>

namespace wg::crypto {
namespace {

constexpr std::size_t kBase64KeyLength = 44;  // ceil(32 / 3) * 4

bool decode_key(std::string_view text, std::uint8_t* out) {
    if (text.size() != kBase64KeyLength || text.back() != '=') return false;
    try {
        const Botan::secure_vector<std::uint8_t> bytes = Botan::base64_decode(text.data(), text.size());
        if (bytes.size() != kKeySize) return false;
        std::copy(bytes.begin(), bytes.end(), out);
        // Reject non-canonical encodings (stray low bits in the last digit).
        return Botan::base64_encode(out, kKeySize) == text;
    } catch (const std::exception&) {
        return false;  // Botan reports bad characters by throwing; we report false
    }
}

}  // namespace

std::string key_to_base64(ByteView key) { return Botan::base64_encode(key.data(), key.size()); }

std::optional<PublicKey> public_key_from_base64(std::string_view text) {
    PublicKey key;
    if (!decode_key(text, key.data())) return std::nullopt;
    return key;
}

std::optional<Secret<kKeySize>> secret_from_base64(std::string_view text) {
    Secret<kKeySize> key;
    if (!decode_key(text, key.data())) return std::nullopt;
    return key;
}

}  // namespace wg::crypto
