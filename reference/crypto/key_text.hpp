// SPDX-License-Identifier: MIT
// Keys as people see them: `wg` and every configuration file write a 32-byte
// key as 44 characters of standard base64. Parsing is strict (exactly 32
// bytes, canonical padding) so a typo is an error, not a different key.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "crypto/secret.hpp"

namespace wg::crypto {

std::string key_to_base64(ByteView key);
std::optional<PublicKey> public_key_from_base64(std::string_view text);
std::optional<Secret<kKeySize>> secret_from_base64(std::string_view text);

}  // namespace wg::crypto
