// SPDX-License-Identifier: MIT
// TAI64N: the encoding (2^62 + 10 + Unix seconds, big-endian; then
// nanoseconds), the whitening of initiation timestamps, and the one property
// §5.1 needs, that byte order is time order.
#include <catch2/catch.hpp>

#include "crypto/tai64n.hpp"

using namespace wg;
using namespace std::chrono_literals;

TEST_CASE("TAI64N labels the Unix epoch 2^62 + 10, as the kernel and wireguard-go do", "[crypto][tai64n]") {
    // The kernel's tai64n_now: cpu_to_be64(0x400000000000000aULL + now.tv_sec).
    CHECK(to_hex(crypto::Tai64n::from_unix(0, 0).view()) == "400000000000000a00000000");
    // 2026-01-01T00:00:00Z = 1767225600 = 0x6955b900, plus 1 ns.
    CHECK(to_hex(crypto::Tai64n::from_unix(1767225600, 1).view()) == "400000006955b90a00000001");
    CHECK(crypto::Tai64n::from_unix(1767225600, 1).unix_seconds() == 1767225600);
    CHECK(crypto::Tai64n::from_unix(1767225600, 1).nanoseconds() == 1);
}

TEST_CASE("An initiation's nanoseconds are whitened to a multiple of 2^24", "[crypto][tai64n]") {
    const auto t = crypto::Tai64n::for_initiation(1767225600s + 999'999'999ns);
    CHECK(t.unix_seconds() == 1767225600);
    CHECK(t.nanoseconds() == 59 * 16'777'216u);  // 989,855,744: the largest multiple below 1 s
    CHECK(crypto::Tai64n::for_initiation(1767225600s + 16'777'215ns).nanoseconds() == 0);
    CHECK(crypto::Tai64n::for_initiation(1767225600s + 16'777'216ns).nanoseconds() == 16'777'216u);
    // The next whitened step rolls over into the next second.
    const auto next = t.next_whitened();
    CHECK(next.unix_seconds() == 1767225601);
    CHECK(next.nanoseconds() == 0);
    CHECK(next.is_after(t));
}

TEST_CASE("TAI64N: later times compare greater, equal times do not", "[crypto][tai64n]") {
    const auto t = crypto::Tai64n::from_unix(1000, 999999999);
    CHECK(crypto::Tai64n::from_unix(1001, 0).is_after(t));
    CHECK(crypto::Tai64n::from_unix(1000, 999999999).is_after(t) == false);  // a replay is not newer
    CHECK(crypto::Tai64n::from_unix(1000, 5).is_after(t) == false);
    CHECK(t.is_after(crypto::Tai64n{}));  // anything beats "never seen"
}
