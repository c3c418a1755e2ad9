// SPDX-License-Identifier: MIT
// The sans-I/O rule applied to randomness: protocol code never asks the
// operating system for random bytes. It is handed an Rng, so tests can script
// every ephemeral key, index and nonce and replay a handshake exactly, while
// the I/O shell (reference/io/) hands in one backed by getrandom(2).
#pragma once

#include "common/bytes.hpp"

namespace wg::crypto {

class Rng {
public:
    virtual ~Rng() = default;
    virtual void fill(MutableByteView out) = 0;
};

}  // namespace wg::crypto
