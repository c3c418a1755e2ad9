// TAI64N: the encoding (2^62 + seconds, big-endian; then nanoseconds) and the
// one property §5.1 needs, that byte order is time order.
#include <catch2/catch.hpp>

#include "crypto/tai64n.hpp"

using namespace wg;

TEST_CASE("TAI64N encodes the Unix epoch as 2^62", "[crypto][tai64n]") {
    CHECK(to_hex(crypto::Tai64n::from_unix(0, 0).view()) == "400000000000000000000000");
    // 2026-01-01T00:00:00Z = 1767225600 = 0x6955b900, plus 1 ns.
    CHECK(to_hex(crypto::Tai64n::from_unix(1767225600, 1).view()) == "400000006955b90000000001");
}

TEST_CASE("TAI64N: later times compare greater, equal times do not", "[crypto][tai64n]") {
    const auto t = crypto::Tai64n::from_unix(1000, 999999999);
    CHECK(crypto::Tai64n::from_unix(1001, 0).is_after(t));
    CHECK(crypto::Tai64n::from_unix(1000, 999999999).is_after(t) == false);  // a replay is not newer
    CHECK(crypto::Tai64n::from_unix(1000, 5).is_after(t) == false);
    CHECK(t.is_after(crypto::Tai64n{}));  // anything beats "never seen"
}
