// Paper §5.4.6: "the receiver keeps track of which counters it has
// received", because UDP may reorder or duplicate packets and an attacker
// may replay them. Each counter is accepted at most once, and a counter too
// far behind the newest is refused, since nobody can remember every counter.
//
// The window is the Linux kernel's size: a ring of 8,192 bits (128 words of
// 64). Bit (counter + 1) mod 8,192 says whether that counter was seen. When
// a newer counter arrives, the words between the old newest and the new one
// are cleared: they now stand for counters never seen. Because the newest
// counter's own word is partly "future", the ring guarantees a judgement for
// 8,192 - 64 = 8,128 counters behind the newest; anything older is refused.
//
// The window is updated only AFTER a packet authenticates. may_accept() is a
// cheap look before decryption; accept() records the counter after. If
// unauthenticated counters moved the window, one forged packet with a huge
// counter would make every genuine packet look "too old".
#pragma once

#include <array>
#include <cstdint>

namespace wg::transport {

/// Whitepaper §6.1 / kernel messages.h: a counter this large is never
/// accepted, leaving room for the window so the nonce can never wrap.
inline constexpr std::uint64_t kRejectAfterMessages = ~std::uint64_t{0} - (std::uint64_t{1} << 13);

class ReplayWindow {
public:
    static constexpr std::size_t kWindowBits = 8192;
    static constexpr std::uint64_t kWindowSize = kWindowBits - 64;  ///< 8,128 judged behind the newest

    /// False if `counter` is certainly a replay or too old (no state change).
    bool may_accept(std::uint64_t counter) const;
    /// Records `counter` if it is fresh; call only after authentication.
    /// Returns false for a replay or a counter too old (or too large).
    bool accept(std::uint64_t counter);
    /// The highest counter accepted so far; meaningless while none was.
    std::uint64_t newest() const { return top_ == 0 ? 0 : top_ - 1; }
    bool any_accepted() const { return top_ != 0; }
    void reset() { *this = ReplayWindow{}; }

private:
    static constexpr std::size_t kWords = kWindowBits / 64;
    static std::size_t word_of(std::uint64_t position) { return (position / 64) % kWords; }
    static std::uint64_t bit_of(std::uint64_t position) { return std::uint64_t{1} << (position % 64); }

    /// Positions are counter + 1, so that 0 can mean "nothing accepted yet".
    std::uint64_t top_ = 0;
    std::array<std::uint64_t, kWords> seen_{};
};

}  // namespace wg::transport
