// SPDX-License-Identifier: MIT
// BLAKE2s against RFC 7693 (Appendix B, and Appendix E's self-test, which
// folds 48 hashes of many lengths, keyed and unkeyed, into one), the keyed
// reference KAT, and HMAC-BLAKE2s / WireGuard's KDF1..3 against the vectors
// in vectors/hmac_blake2s_kdf.txt.
#include <catch2/catch.hpp>

#include <blake2.h>

#include "crypto/blake2s.hpp"
#include "vector_file.hpp"

using namespace wg;

namespace {

/// RFC 7693 Appendix E: a deterministic byte sequence (a Fibonacci generator).
Bytes selftest_sequence(std::size_t length, std::uint32_t seed) {
    Bytes out(length);
    std::uint32_t a = 0xDEAD4BAD * seed;
    std::uint32_t b = 1;
    for (std::size_t i = 0; i < length; ++i) {
        const std::uint32_t t = a + b;
        a = b;
        b = t;
        out[i] = static_cast<std::uint8_t>(t >> 24);
    }
    return out;
}

/// RFC 7693 Appendix E's blake2s_selftest(), returning the grand hash.
Bytes rfc7693_selftest() {
    blake2s_state grand;
    blake2s_init(&grand, 32);
    for (std::size_t out_len : {16u, 20u, 28u, 32u}) {
        for (std::size_t in_len : {0u, 3u, 64u, 65u, 255u, 1024u}) {
            const Bytes input = selftest_sequence(in_len, static_cast<std::uint32_t>(in_len));
            Bytes md = crypto::blake2s(out_len, {}, input);
            blake2s_update(&grand, md.data(), md.size());
            const Bytes key = selftest_sequence(out_len, static_cast<std::uint32_t>(out_len));
            md = crypto::blake2s(out_len, key, input);
            blake2s_update(&grand, md.data(), md.size());
        }
    }
    Bytes result(32);
    blake2s_final(&grand, result.data(), result.size());
    return result;
}

}  // namespace

TEST_CASE("BLAKE2s matches RFC 7693 and the reference KAT", "[crypto][blake2s]") {
    int checked = 0;
    for (const auto& r : vectors::load("blake2s_rfc7693.txt")) {
        if (r.has("selftest")) {
            CHECK(to_hex(rfc7693_selftest()) == r.text("out"));
        } else {
            CHECK(to_hex(crypto::blake2s(r.number("out_len"), r.bytes("key"), r.bytes("input"))) == r.text("out"));
        }
        ++checked;
    }
    CHECK(checked >= 2);
}

TEST_CASE("HASH is BLAKE2s-256 of the concatenated parts", "[crypto][blake2s]") {
    const Bytes abc{'a', 'b', 'c'};
    const ByteView all{abc};
    CHECK(crypto::hash({all}) == crypto::hash({all.first(1), all.subspan(1)}));
    CHECK(to_hex(crypto::hash({all})) == to_hex(crypto::blake2s(32, {}, abc)));
}

TEST_CASE("HMAC-BLAKE2s and KDF1..3 match the vectors", "[crypto][kdf]") {
    int hmacs = 0, kdfs = 0;
    for (const auto& r : vectors::load("hmac_blake2s_kdf.txt")) {
        if (r.has("hmac")) {
            CHECK(to_hex(crypto::hmac(r.bytes("key"), r.bytes("input")).view()) == r.text("hmac"));
            ++hmacs;
        } else {
            const Bytes key = r.bytes("kdf_key"), input = r.bytes("kdf_input");
            auto [t1, t2, t3] = crypto::kdf<3>(key, input);
            CHECK(to_hex(t1.view()) == r.text("t1"));
            CHECK(to_hex(t2.view()) == r.text("t2"));
            CHECK(to_hex(t3.view()) == r.text("t3"));
            // KDF1 and KDF2 are prefixes of KDF3: the paper defines them so.
            auto [only] = crypto::kdf<1>(key, input);
            CHECK(only == t1);
            auto [first, second] = crypto::kdf<2>(key, input);
            CHECK(second == t2);
            ++kdfs;
        }
    }
    CHECK(hmacs >= 1);
    CHECK(kdfs >= 4);
}
