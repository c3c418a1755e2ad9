// SPDX-License-Identifier: MIT
// Paper §5.4: every key the protocol handles is 32 bytes. This file gives key
// material a home that forgets it: a Secret wipes its bytes when it goes away
// (the paper's §6 promise of forward secrecy is only as good as our erasure),
// and compares in constant time so a MAC or tag check leaks no timing.
#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "common/bytes.hpp"
#include "wire/constants.hpp"

namespace wg::crypto {

using wire::kKeySize;  ///< X25519 keys, symmetric keys, hashes (§5.4)
using wire::kMacSize;  ///< MAC(): keyed BLAKE2s with a 16-byte output
using wire::kTagSize;  ///< Poly1305 authentication tag

/// Overwrites memory in a way the compiler may not optimise away.
void wipe(void* data, std::size_t size);

/// Compares two equal-length byte strings without an early exit, so the time
/// taken does not tell an attacker how many leading bytes were right.
bool equal_constant_time(ByteView a, ByteView b);

/// Fixed-size secret bytes that are wiped on destruction and on overwrite.
template <std::size_t N>
class Secret {
public:
    Secret() { bytes_.fill(0); }
    explicit Secret(std::span<const std::uint8_t, N> from) { std::copy(from.begin(), from.end(), bytes_.begin()); }
    Secret(const Secret&) = default;
    Secret& operator=(const Secret& other) {
        if (this != &other) bytes_ = other.bytes_;
        return *this;
    }
    ~Secret() { wipe(bytes_.data(), N); }

    static Secret from(ByteView bytes) {
        Secret s;
        if (bytes.size() == N) std::copy(bytes.begin(), bytes.end(), s.bytes_.begin());
        return s;
    }

    std::uint8_t* data() { return bytes_.data(); }
    const std::uint8_t* data() const { return bytes_.data(); }
    static constexpr std::size_t size() { return N; }
    std::span<std::uint8_t, N> span() { return bytes_; }
    std::span<const std::uint8_t, N> span() const { return bytes_; }
    ByteView view() const { return {bytes_.data(), N}; }

    bool is_zero() const {
        std::uint8_t acc = 0;
        for (std::uint8_t b : bytes_) acc |= b;
        return acc == 0;
    }
    bool operator==(const Secret& other) const { return equal_constant_time(view(), other.view()); }

private:
    std::array<std::uint8_t, N> bytes_;
};

/// Public values are plain arrays: no need to wipe, and they may be printed.
using PublicKey = std::array<std::uint8_t, kKeySize>;
using PrivateKey = Secret<kKeySize>;
using SymmetricKey = Secret<kKeySize>;
/// The Noise chaining key and hash. The chaining key is secret; the hash
/// is not, but lives in a Secret too so a HandshakeState wipes as a whole.
using ChainingKey = Secret<kKeySize>;
using Hash = std::array<std::uint8_t, kKeySize>;
using Mac = std::array<std::uint8_t, kMacSize>;

inline ByteView view(const PublicKey& key) { return {key.data(), key.size()}; }
inline ByteView view(const Mac& mac) { return {mac.data(), mac.size()}; }

}  // namespace wg::crypto
