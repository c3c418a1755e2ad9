// SPDX-License-Identifier: MIT
// What every fuzz target shares: the libFuzzer entry point's signature, and
// `expect`, which turns a broken property into a crash libFuzzer reports
// (with the input that broke it), the same way a sanitizer finding is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "common/bytes.hpp"

#define WGREF_FUZZ_TARGET extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)

namespace wg::fuzz {

/// A property the parser promises; abort() so libFuzzer saves the input.
inline void expect(bool holds, const char* what) {
    if (!holds) {
        std::fprintf(stderr, "fuzz property broken: %s\n", what);
        std::abort();
    }
}

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

}  // namespace wg::fuzz
