// SPDX-License-Identifier: MIT
// The UAPI and configuration-file parsers promise that an error "never
// contains a key". This checks it: when the line an error names sets a key
// (private_key, PresharedKey...), the error must be the same whatever the
// key's value was, so it cannot be repeating it.
#pragma once

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz_support.hpp"

namespace wg::fuzz {

inline std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

/// If line `line_number` (1-based) of `input` sets a key, by one of the
/// names in `key_fields` (in any case, as configuration files allow), the
/// error about it must not depend on the key's value: parsing the input
/// again with that value replaced by as many '!' (never a key) must give the
/// same error. `parse` returns the error message of a text, or nothing.
template <typename Parse>
void expect_no_secret_in(std::string_view input, int line_number, const std::string& message,
                         std::initializer_list<std::string_view> key_fields, Parse parse) {
    std::size_t start = 0;
    for (int n = 1; n < line_number && start <= input.size(); ++n) {
        const std::size_t newline = input.find('\n', start);
        start = newline == std::string_view::npos ? input.size() + 1 : newline + 1;
    }
    if (start > input.size()) return;
    const std::string_view line = input.substr(start, input.find('\n', start) - start);
    const auto equals = line.find('=');
    if (equals == std::string_view::npos) return;
    const std::string_view name = trimmed(line.substr(0, equals));
    const std::string_view value = trimmed(line.substr(equals + 1));
    bool is_key = false;
    for (const auto field : key_fields) {
        is_key = is_key || (name.size() == field.size() &&
                            std::equal(name.begin(), name.end(), field.begin(), [](char x, char y) {
                                return std::tolower(static_cast<unsigned char>(x)) ==
                                       std::tolower(static_cast<unsigned char>(y));
                            }));
    }
    if (!is_key || value.empty()) return;
    std::string other(input);
    other.replace(static_cast<std::size_t>(value.data() - input.data()), value.size(), value.size(), '!');
    const std::optional<std::string> again = parse(std::string_view(other));
    expect(again == message, "an error message depends on (repeats) a key's value");
}

}  // namespace wg::fuzz
