// SPDX-License-Identifier: MIT
// The timer hooks and what each timer does when it fires (see timers.hpp for
// the list of timers and their rules). The `// [lab-8]` lines mark the hooks
// lab 8 asks a student to write (tools/lab, docs/course/lab8.md).
#include "timers/timers.hpp"

namespace wg::timers {

using wire::kKeepaliveTimeout;
using wire::kRejectAfterTime;
using wire::kRekeyTimeout;

void PeerTimers::data_sent(Time now, const std::function<Duration()>& jitter) {
    // [lab-8]
    // Only the first unanswered packet starts the clock; later ones must not
    // push the deadline back, or a dead peer would never be noticed.
    if (!pending(Timer::new_handshake)) arm(Timer::new_handshake, now + kKeepaliveTimeout + kRekeyTimeout + jitter());
    // [lab-8]
}

void PeerTimers::data_received(Time now) {
    // [lab-8]
    if (!pending(Timer::send_keepalive)) {
        arm(Timer::send_keepalive, now + kKeepaliveTimeout);
    } else {
        need_another_keepalive_ = true;
    }
    // [lab-8]
}

void PeerTimers::any_authenticated_packet_sent() {
    // [lab-8]
    // Anything we send answers the peer: no passive keepalive needed.
    disarm(Timer::send_keepalive);
    // [lab-8]
}

void PeerTimers::any_authenticated_packet_received() {
    // [lab-8]
    // The peer is alive: the "no reply to our data" timer is moot.
    disarm(Timer::new_handshake);
    // [lab-8]
}

void PeerTimers::any_authenticated_packet_traversal(Time now) {
    // [lab-8]
    if (persistent_interval_ > Duration{0}) arm(Timer::persistent_keepalive, now + persistent_interval_);
    // [lab-8]
}

void PeerTimers::handshake_initiated(Time now, Duration jitter) {
    arm(Timer::retransmit_handshake, now + kRekeyTimeout + jitter);
    last_handshake_sent_ = now;
}

void PeerTimers::handshake_complete() {
    disarm(Timer::retransmit_handshake);
    handshake_attempts_ = 0;
    sent_last_minute_handshake_ = false;
}

bool PeerTimers::rekey_on_receive(const KeypairAge& keys) {
    if (sent_last_minute_handshake_ || !rekey_after_receive(keys)) return false;
    sent_last_minute_handshake_ = true;
    return true;
}

void PeerTimers::session_derived(Time now) {
    arm(Timer::zero_key_material, now + 3 * kRejectAfterTime);
}

TimerAction PeerTimers::retransmit_fired(Time now) {
    // Like the Linux kernel: give up once the retries *exceed* 18, so 20
    // initiations in all (the first, then 19 retries), about 95-100 s.
    if (handshake_attempts_ > wire::kMaxTimerHandshakes) {
        // No passive keepalive either: there are no keys to send it with.
        disarm(Timer::send_keepalive);
        // §6.4: keys from before must not linger forever either: if no
        // erasure is scheduled yet, schedule one.
        if (!pending(Timer::zero_key_material)) arm(Timer::zero_key_material, now + 3 * kRejectAfterTime);
        return TimerAction::give_up_handshake;
    }
    ++handshake_attempts_;
    return TimerAction::retry_handshake;
}

std::optional<TimerAction> PeerTimers::take_due(Time now) {
    for (std::size_t i = 0; i < kTimerCount; ++i) {
        if (!deadlines_[i] || *deadlines_[i] > now) continue;
        deadlines_[i].reset();
        switch (static_cast<Timer>(i)) {
            case Timer::retransmit_handshake:
                return retransmit_fired(now);
            case Timer::send_keepalive:
                // §6.5: if more data arrived while the keepalive timer ran, one
                // keepalive answers it all, but the timer runs once more.
                if (need_another_keepalive_) {
                    need_another_keepalive_ = false;
                    arm(Timer::send_keepalive, now + kKeepaliveTimeout);
                }
                return TimerAction::send_keepalive;
            case Timer::persistent_keepalive:
                return TimerAction::send_keepalive;
            case Timer::new_handshake:
                return TimerAction::begin_new_handshake;
            case Timer::zero_key_material:
                return TimerAction::erase_keys;
        }
    }
    return std::nullopt;
}

void PeerTimers::requeue() {
    const auto earliest = next_deadline();
    if (queue_ && earliest && (!queued_ || *earliest < *queued_)) {
        queue_->schedule(*earliest, owner_);
        queued_ = earliest;
    }
}

std::optional<Time> PeerTimers::next_deadline() const {
    std::optional<Time> earliest;
    for (const auto& d : deadlines_) {
        if (d && (!earliest || *d < *earliest)) earliest = d;
    }
    return earliest;
}

}  // namespace wg::timers
