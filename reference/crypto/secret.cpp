// SPDX-License-Identifier: MIT
// Wiping and constant-time comparison (see secret.hpp), delegated to Botan,
// whose implementations are written to survive optimising compilers.
#include "crypto/secret.hpp"

#include <botan/mem_ops.h>

namespace wg::crypto {

void wipe(void* data, std::size_t size) { Botan::secure_scrub_memory(data, size); }

bool equal_constant_time(ByteView a, ByteView b) {
    if (a.size() != b.size()) return false;  // lengths are public
    return Botan::constant_time_compare(a.data(), b.data(), a.size());
}

}  // namespace wg::crypto
