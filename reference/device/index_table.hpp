// SPDX-License-Identifier: MIT
// §5.4.2: "I_i is a randomly generated 32-bit integer": every handshake we
// start or answer gets a fresh random index, which the peer then writes into
// every message for us (the receiver field). The index table maps our
// indices back to the peer they belong to, so an incoming response, cookie
// reply or data message finds its session in one lookup (the kernel's
// index_hashtable). Random, not counted, so that an observer cannot link
// sessions by their numbers.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>

#include "crypto/random.hpp"
#include "device/outbox.hpp"

namespace wg::device {

class IndexTable {
public:
    explicit IndexTable(crypto::Rng& rng) : rng_(rng) {}

    /// A fresh random index, unused by any session, now owned by `peer`.
    std::uint32_t allocate(PeerId peer);
    void release(std::uint32_t index) { owners_.erase(index); }
    /// The peer that owns `index`, if any.
    std::optional<PeerId> owner(std::uint32_t index) const;

private:
    crypto::Rng& rng_;
    std::unordered_map<std::uint32_t, PeerId> owners_;
};

}  // namespace wg::device
