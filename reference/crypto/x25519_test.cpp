// SPDX-License-Identifier: MIT
// RFC 7748's X25519 vectors (§5.2 single and iterated, §6.1 Diffie-Hellman),
// read from vectors/x25519_rfc7748.txt, plus the zero-result rule.
#include <catch2/catch.hpp>

#include "crypto/x25519.hpp"
#include "vector_file.hpp"

using namespace wg;

namespace {
std::array<std::uint8_t, 32> array32(const Bytes& b) {
    REQUIRE(b.size() == 32);
    std::array<std::uint8_t, 32> a{};
    std::copy(b.begin(), b.end(), a.begin());
    return a;
}
}  // namespace

TEST_CASE("X25519 matches RFC 7748", "[crypto][x25519]") {
    int single = 0, iterated = 0, dh_cases = 0;
    for (const auto& r : vectors::load("x25519_rfc7748.txt")) {
        if (r.has("scalar")) {
            std::array<std::uint8_t, 32> out{};
            crypto::x25519_raw(array32(r.bytes("scalar")), array32(r.bytes("u")), out);
            CHECK(to_hex(out) == r.text("out"));
            ++single;
        } else if (r.has("iterations")) {
            // §5.2: k = u = 9; repeat: (k, u) := (X25519(k, u), k).
            std::array<std::uint8_t, 32> k{9}, u{9}, next{};
            for (std::uint64_t i = 0; i < r.number("iterations"); ++i) {
                crypto::x25519_raw(k, u, next);
                u = k;
                k = next;
            }
            CHECK(to_hex(k) == r.text("out"));
            ++iterated;
        } else if (r.has("alice_private")) {
            const auto alice = crypto::PrivateKey::from(r.bytes("alice_private"));
            const auto bob = crypto::PrivateKey::from(r.bytes("bob_private"));
            CHECK(to_hex(crypto::public_key_of(alice)) == r.text("alice_public"));
            CHECK(to_hex(crypto::public_key_of(bob)) == r.text("bob_public"));
            const auto shared_a = crypto::dh(alice, array32(r.bytes("bob_public")));
            const auto shared_b = crypto::dh(bob, array32(r.bytes("alice_public")));
            REQUIRE(shared_a);
            REQUIRE(shared_b);
            CHECK(to_hex(shared_a->view()) == r.text("shared"));
            CHECK(*shared_a == *shared_b);
            ++dh_cases;
        }
    }
    CHECK(single == 2);
    CHECK(iterated >= 2);
    CHECK(dh_cases == 1);
}

TEST_CASE("DH with a low-order point is refused, not used", "[crypto][x25519]") {
    // The all-zero point has order 1: any scalar gives zero, which §5.4 must
    // never feed into the KDF (RFC 7748 §6.1 "check for the all-zero value").
    std::array<std::uint8_t, 32> random{};
    random.fill(0x42);
    const auto key = crypto::make_private_key(random);
    const crypto::PublicKey zero_point{};
    CHECK_FALSE(crypto::dh(key, zero_point).has_value());
    crypto::PublicKey one{};
    one[0] = 1;  // u = 1 is also of small order
    CHECK_FALSE(crypto::dh(key, one).has_value());
}

TEST_CASE("make_private_key clamps as RFC 7748 decodeScalar25519", "[crypto][x25519]") {
    std::array<std::uint8_t, 32> random{};
    random.fill(0xff);
    const auto key = crypto::make_private_key(random);
    CHECK(key.data()[0] == 0xf8);
    CHECK(key.data()[31] == 0x7f);
    random.fill(0x00);
    CHECK(crypto::make_private_key(random).data()[31] == 0x40);
}
