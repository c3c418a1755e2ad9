// SPDX-License-Identifier: MIT
// HASH, MAC, HMAC and KDF over libb2's BLAKE2s (see blake2s.hpp).
#include "crypto/blake2s.hpp"

#include <blake2.h>

namespace wg::crypto {
namespace {

constexpr std::size_t kBlockSize = BLAKE2S_BLOCKBYTES;  // 64: HMAC pads keys to this

}  // namespace

Hash hash(std::initializer_list<ByteView> parts) {
    blake2s_state state;
    blake2s_init(&state, kKeySize);
    for (ByteView part : parts) blake2s_update(&state, part.data(), part.size());
    Hash out;
    blake2s_final(&state, out.data(), out.size());
    return out;
}

Mac mac(ByteView key, ByteView input) {
    Mac out;
    ::blake2s(out.data(), input.data(), key.data(), out.size(), input.size(), key.size());
    return out;
}

Secret<kKeySize> hmac(ByteView key, ByteView input) {
    // RFC 2104: H((K ^ opad) || H((K ^ ipad) || text)). WireGuard's keys are
    // never longer than a block, so the "hash a long key first" branch of
    // RFC 2104 is kept only for completeness.
    Secret<kBlockSize> padded_key;
    if (key.size() > kBlockSize) {
        const Hash short_key = hash({key});
        std::copy(short_key.begin(), short_key.end(), padded_key.data());
    } else {
        std::copy(key.begin(), key.end(), padded_key.data());
    }
    Secret<kBlockSize> pad;
    for (std::size_t i = 0; i < kBlockSize; ++i) pad.data()[i] = padded_key.data()[i] ^ 0x36;
    blake2s_state state;
    blake2s_init(&state, kKeySize);
    blake2s_update(&state, pad.data(), kBlockSize);
    blake2s_update(&state, input.data(), input.size());
    Secret<kKeySize> inner;
    blake2s_final(&state, inner.data(), kKeySize);

    for (std::size_t i = 0; i < kBlockSize; ++i) pad.data()[i] = padded_key.data()[i] ^ 0x5c;
    blake2s_init(&state, kKeySize);
    blake2s_update(&state, pad.data(), kBlockSize);
    blake2s_update(&state, inner.data(), kKeySize);
    Secret<kKeySize> out;
    blake2s_final(&state, out.data(), kKeySize);
    wipe(&state, sizeof state);
    return out;
}

template <std::size_t N>
std::array<Secret<kKeySize>, N> kdf(ByteView key, ByteView input) {
    static_assert(N >= 1 && N <= 3, "the paper defines KDF1, KDF2 and KDF3");
    const Secret<kKeySize> tau0 = hmac(key, input);
    std::array<Secret<kKeySize>, N> out;
    Secret<kKeySize + 1> previous_and_index;  // τ(i-1) || i
    std::size_t previous_len = 0;
    for (std::size_t i = 0; i < N; ++i) {
        previous_and_index.data()[previous_len] = static_cast<std::uint8_t>(i + 1);
        out[i] = hmac(tau0.view(), {previous_and_index.data(), previous_len + 1});
        std::copy(out[i].data(), out[i].data() + kKeySize, previous_and_index.data());
        previous_len = kKeySize;
    }
    return out;
}

template std::array<Secret<kKeySize>, 1> kdf<1>(ByteView, ByteView);
template std::array<Secret<kKeySize>, 2> kdf<2>(ByteView, ByteView);
template std::array<Secret<kKeySize>, 3> kdf<3>(ByteView, ByteView);

Bytes blake2s(std::size_t out_len, ByteView key, ByteView input) {
    Bytes out(out_len);
    ::blake2s(out.data(), input.data(), key.empty() ? nullptr : key.data(), out_len, input.size(),
              key.size());
    return out;
}

}  // namespace wg::crypto
