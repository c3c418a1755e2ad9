// SPDX-License-Identifier: MIT
// Paper §5.4.6: the replay window. The rules and the ring are explained at
// the top of replay_window.hpp; this file is the three decisions in order:
// too large? newer than the front? otherwise, inside the window and unseen?
// The `// [lab-3]` lines mark what lab 3 asks a student to write
// (tools/lab, docs/course/lab3.md).
#include "transport/replay_window.hpp"

#include <algorithm>

namespace wg::transport {

bool ReplayWindow::may_accept(std::uint64_t counter) const {
    // [lab-3]
    // [may-accept]
    // §6.1: past REJECT_AFTER_MESSAGES the keys are finished, whatever the window says.
    if (counter >= wire::kRejectAfterMessages) return false;
    // Ahead of everything seen so far: certainly fresh.
    if (is_newer(counter)) return true;
    // Further behind than the ring can vouch for (see "one word ahead" in the header).
    if (newest_ - counter > kWindowSize) return false;
    // Inside the window: fresh exactly when its bit is still clear.
    return (seen_[word_of(counter)] & bit_of(counter)) == 0;
    // [may-accept]
    // [lab-3]
}

bool ReplayWindow::accept(std::uint64_t counter) {
    // [lab-3]
    // [accept]
    if (!may_accept(counter)) return false;
    if (is_newer(counter)) advance_to(counter);
    seen_[word_of(counter)] |= bit_of(counter);
    // [accept]
    return true;
    // [lab-3]
}

void ReplayWindow::advance_to(std::uint64_t counter) {
    // A fresh window's ring is all zeros already; nothing to clear.
    if (any_accepted_) {
        // The words after the newest's word, up to and including the new
        // counter's word, still hold bits of counters 8,192 older. Clear
        // them; after a jump longer than the ring that is every word once.
        const std::uint64_t newest_word = newest_ / kBitsPerWord;
        const std::uint64_t words_passed = std::min<std::uint64_t>(counter / kBitsPerWord - newest_word, kWords);
        for (std::uint64_t step = 1; step <= words_passed; ++step) seen_[(newest_word + step) % kWords] = 0;
    }
    newest_ = counter;
    any_accepted_ = true;
}

}  // namespace wg::transport
