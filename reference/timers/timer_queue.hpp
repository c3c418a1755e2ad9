// SPDX-License-Identifier: MIT
// Paper §6 at scale: every peer has up to five timers, and a server may have
// a hundred thousand peers, nearly all idle. Asking each peer "is anything
// due?" on every tick costs in proportion to the peers; the kernel pays
// nothing for an idle peer because each timer is a kernel timer, kept in the
// kernel's timer wheel. This is our equivalent: one min-heap holding, for
// each peer, the time its earliest timer is due. The Device pops what is due
// and visits only those peers; its next deadline is the top of the heap.
//
// Entries are never searched for or removed from the middle ("lazy
// deletion"): a peer pushes a new entry only when its earliest deadline moves
// *sooner* than the entry it already has. When a deadline moves later, or is
// cancelled, the old entry stays and fires early, finds nothing due, and the
// peer queues its real next deadline then. An entry of a removed peer finds
// no peer. So each change costs O(log n) at most, and most cost nothing.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <vector>

#include "common/time.hpp"

namespace wg::timers {

class TimerQueue {
public:
    /// Who an entry is for: the Device's peer id.
    using Owner = std::uint32_t;
    struct Entry {
        Time when;
        Owner owner;
        bool operator>(const Entry& other) const { return when > other.when; }
    };

    void schedule(Time when, Owner owner) { heap_.push(Entry{when, owner}); }
    /// The earliest entry's time: when something may next be due. (It may
    /// be one that fires early and finds nothing, never one that is late.)
    std::optional<Time> earliest() const {
        return heap_.empty() ? std::nullopt : std::optional<Time>(heap_.top().when);
    }
    /// Removes and returns the earliest entry if it is at or before `now`.
    std::optional<Entry> pop_due(Time now) {
        if (heap_.empty() || heap_.top().when > now) return std::nullopt;
        const Entry entry = heap_.top();
        heap_.pop();
        return entry;
    }
    std::size_t size() const { return heap_.size(); }

private:
    std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
};

}  // namespace wg::timers
