// The sliding replay window (see replay_window.hpp).
#include "transport/replay_window.hpp"

#include <algorithm>

namespace wg::transport {

bool ReplayWindow::may_accept(std::uint64_t counter) const {
    if (counter >= kRejectAfterMessages) return false;
    const std::uint64_t position = counter + 1;
    if (position > top_) return true;                 // newer than anything seen
    if (top_ - position > kWindowSize) return false;  // fell out of the window
    return (seen_[word_of(position)] & bit_of(position)) == 0;
}

bool ReplayWindow::accept(std::uint64_t counter) {
    if (!may_accept(counter)) return false;
    const std::uint64_t position = counter + 1;
    if (position > top_) {
        // Slide forward: the words after the old top's word now describe
        // counters nobody has sent yet. At most the whole ring is cleared.
        const std::uint64_t words_ahead = std::min<std::uint64_t>(position / 64 - top_ / 64, kWords);
        for (std::uint64_t i = 1; i <= words_ahead; ++i) seen_[word_of(top_ + 64 * i)] = 0;
        top_ = position;
    }
    seen_[word_of(position)] |= bit_of(position);
    return true;
}

}  // namespace wg::transport
