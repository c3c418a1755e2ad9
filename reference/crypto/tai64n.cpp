// TAI64N encoding (see tai64n.hpp).
#include "crypto/tai64n.hpp"

#include <algorithm>

namespace wg::crypto {

Tai64n Tai64n::from_unix(std::uint64_t seconds, std::uint32_t nanoseconds) {
    Tai64n t;
    store_be64(t.bytes_.data(), kEpochOffset + seconds);
    store_be32(t.bytes_.data() + 8, nanoseconds);
    return t;
}

Tai64n Tai64n::from_bytes(ByteView bytes) {
    Tai64n t;
    if (bytes.size() == kSize) std::copy(bytes.begin(), bytes.end(), t.bytes_.begin());
    return t;
}

}  // namespace wg::crypto
