// The timer hooks (see timers.hpp for the list of timers and their rules).
#include "timers/timers.hpp"

namespace wg::timers {

void PeerTimers::data_sent(Time now, Duration jitter) {
    // Only the first unanswered packet starts the clock; later ones must not
    // push the deadline back, or a dead peer would never be noticed.
    if (!pending(Timer::new_handshake)) deadline(Timer::new_handshake) = now + kKeepaliveTimeout + kRekeyTimeout + jitter;
}

void PeerTimers::data_received(Time now) {
    if (!pending(Timer::send_keepalive)) {
        deadline(Timer::send_keepalive) = now + kKeepaliveTimeout;
    } else {
        need_another_keepalive_ = true;
    }
}

void PeerTimers::any_authenticated_packet_sent() {
    // Anything we send answers the peer: no passive keepalive needed.
    deadline(Timer::send_keepalive).reset();
}

void PeerTimers::any_authenticated_packet_received() {
    // The peer is alive: the "no reply to our data" timer is moot.
    deadline(Timer::new_handshake).reset();
}

void PeerTimers::any_authenticated_packet_traversal(Time now) {
    if (persistent_interval_ > Duration{0}) deadline(Timer::persistent_keepalive) = now + persistent_interval_;
}

void PeerTimers::handshake_initiated(Time now, Duration jitter) {
    deadline(Timer::retransmit_handshake) = now + kRekeyTimeout + jitter;
}

void PeerTimers::handshake_complete() {
    deadline(Timer::retransmit_handshake).reset();
    handshake_attempts_ = 0;
}

void PeerTimers::session_derived(Time now) {
    deadline(Timer::zero_key_material) = now + 3 * kRejectAfterTime;
}

bool PeerTimers::retry_allowed() {
    // Like the Linux kernel: give up once the retries *exceed* 18, so 20
    // initiations in all (the first, then 19 retries), about 95-100 s.
    if (handshake_attempts_ > kMaxTimerHandshakes) {
        handshake_attempts_ = 0;
        return false;
    }
    ++handshake_attempts_;
    return true;
}

void PeerTimers::handshake_gave_up(Time now) {
    if (!pending(Timer::zero_key_material)) deadline(Timer::zero_key_material) = now + 3 * kRejectAfterTime;
}

void PeerTimers::stop_all() {
    for (Timer t : {Timer::retransmit_handshake, Timer::send_keepalive, Timer::new_handshake, Timer::zero_key_material}) {
        deadline(t).reset();
    }
    handshake_attempts_ = 0;
    need_another_keepalive_ = false;
}

std::optional<Timer> PeerTimers::take_due(Time now) {
    for (std::size_t i = 0; i < kTimerCount; ++i) {
        if (deadlines_[i] && *deadlines_[i] <= now) {
            deadlines_[i].reset();
            const auto fired = static_cast<Timer>(i);
            // §6.5: if more data arrived while the keepalive timer ran, one
            // keepalive answers it all, but the timer runs once more.
            if (fired == Timer::send_keepalive && need_another_keepalive_) {
                need_another_keepalive_ = false;
                deadline(Timer::send_keepalive) = now + kKeepaliveTimeout;
            }
            return fired;
        }
    }
    return std::nullopt;
}

std::optional<Time> PeerTimers::next_deadline() const {
    std::optional<Time> earliest;
    for (const auto& d : deadlines_) {
        if (d && (!earliest || *d < *earliest)) earliest = d;
    }
    return earliest;
}

}  // namespace wg::timers
