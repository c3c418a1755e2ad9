// SPDX-License-Identifier: MIT
// Paper §5.4.6: the receiver's sliding window of message counters.
//
// Why it exists. Every data message carries its counter N in the clear, and
// the sender never uses a counter twice. UDP, though, may deliver packets
// late, out of order, or twice, and an attacker can resend any packet it
// has seen. So the receiver must accept each counter at most once while
// still taking packets that arrive a little out of order. It remembers the
// newest counter accepted and, for the counters shortly behind it, which
// ones it has already seen; anything further behind is refused, because
// nobody can remember every counter. The paper takes the technique from
// RFC 6479 and the size from the Linux kernel (messages.h,
// COUNTER_BITS_TOTAL = 8192).
//
// Why only after authentication. The counter travels in the clear, so anyone
// can write any counter into a packet. If an unauthenticated packet could
// move the window, one forged packet with counter 2^60 would make every
// genuine packet after it look "too old": a denial of service for the price
// of one datagram. So the window changes only in accept(), which the caller
// runs after the AEAD tag checked out. may_accept() is a read-only look
// before decrypting, so that an obvious replay costs no ChaCha20 work.
//
// How the ring works. The memory is 8,192 bits: 128 words of 64 bits, used
// as a ring. Counter N lives at bit N mod 8,192, that is bit N mod 64 of
// word (N / 64) mod 128. When a newer counter arrives, the words between
// the newest's word and the new counter's word are cleared, because they
// still hold bits of counters 8,192 older which mean nothing now. Clearing
// whole words (instead of shifting the bitmap, as RFC 2401 does) keeps the
// cost of a jump independent of its length; a jump longer than the ring
// simply clears all 128 words.
//
// Why one word is kept "ahead". The newest counter's own word is only
// partly history: its bits above the newest stand for counters that have
// not arrived yet. So of the 128 words, the ring can promise only 127 words
// of history: 8,192 - 64 = 8,128 counters behind the newest. A counter up to
// 8,128 behind is judged by its bit (accepted once if unseen); one 8,129 or
// more behind might share its bit with a newer counter, so it is refused
// outright. This is the kernel's COUNTER_WINDOW_SIZE, and its test
// `COUNTER_WINDOW_SIZE + their_counter < counter` means "exactly 8,128
// behind" is still accepted when unseen; we keep that rule.
//
// What to take away: a fixed 1 KiB of state per session, O(1) work per
// in-order packet, and a window that only authenticated packets can move.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

#include "wire/constants.hpp"

namespace wg::transport {

/// The receive-side replay window of one session's keys (§5.4.6).
/// Not thread-safe: the owner of the keypair serialises access.
class ReplayWindow {
public:
    static constexpr std::size_t kWindowBits = wire::kCounterBitsTotal;          ///< 8,192
    static constexpr std::uint64_t kWindowSize = wire::kCounterWindowSize;  ///< 8,128 judged behind the newest

    /// A cheap pre-check before decryption: false if `counter` is certainly
    /// a replay, too old, or at/after wire::kRejectAfterMessages. Changes nothing.
    /// When it returns true, accept(counter) right after would also be true.
    [[nodiscard]] bool may_accept(std::uint64_t counter) const;

    /// Call only AFTER the packet authenticated (§5.4.6: an unauthenticated
    /// counter must never move the window). Records `counter` and returns
    /// true if it is fresh; returns false, changing nothing, for a replay,
    /// a counter more than kWindowSize behind the newest, or one at/after
    /// wire::kRejectAfterMessages.
    [[nodiscard]] bool accept(std::uint64_t counter);

    /// The highest counter accepted so far. Before any counter is accepted
    /// this is 0, indistinguishable from "counter 0 accepted"; ask
    /// any_accepted() to tell the two apart.
    std::uint64_t newest() const { return newest_; }
    /// False for a fresh window (nothing accepted since construction/reset).
    bool any_accepted() const { return any_accepted_; }

    /// Forgets everything: the state of a window for brand-new keys.
    void reset() { *this = ReplayWindow{}; }

private:
    static constexpr std::size_t kBitsPerWord = 64;
    static constexpr std::size_t kWords = kWindowBits / kBitsPerWord;  // 128

    /// Which ring word, and which bit in it, remember `counter`.
    static std::size_t word_of(std::uint64_t counter) { return (counter / kBitsPerWord) % kWords; }
    static std::uint64_t bit_of(std::uint64_t counter) { return std::uint64_t{1} << (counter % kBitsPerWord); }

    bool is_newer(std::uint64_t counter) const { return !any_accepted_ || counter > newest_; }
    /// Moves the front to `counter`, clearing the words it passes over.
    void advance_to(std::uint64_t counter);

    std::uint64_t newest_ = 0;       ///< meaningful only when any_accepted_
    bool any_accepted_ = false;      ///< "none yet" is this flag, not a magic counter
    std::array<std::uint64_t, kWords> seen_{};  ///< the ring: bit N mod 8,192 set = counter N seen
};

}  // namespace wg::transport
