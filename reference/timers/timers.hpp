// SPDX-License-Identifier: MIT
// Paper §6, "Timers & Stateless UX": all of §6 in one place, as the kernel's
// timers.c holds it. The constants are in wire/constants.hpp (§6.1).
//
// The timers of a peer, when each is set, and what it does when it fires:
//   - retransmit_handshake: REKEY_TIMEOUT (+ up to 333 ms jitter) after we
//     sent an initiation without getting a response. Fires: send another
//     initiation (retry_handshake), until REKEY_ATTEMPT_TIME has passed (the
//     kernel's count: 20 initiations in all); then give up, dropping the
//     packets that were waiting and any passive keepalive due (give_up_handshake,
//     §6.4). A new handshake that is not a retry starts the count again, so a
//     peer with traffic to send never gives up while the traffic flows.
//   - send_keepalive: KEEPALIVE_TIMEOUT after we received data and sent
//     nothing back. Fires: a passive keepalive, so the sender knows we are
//     alive (send_keepalive, §6.5).
//   - new_handshake: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT after we sent data and
//     heard nothing back. Fires: the session may be dead, so start a new one
//     (begin_new_handshake, §6.5).
//   - zero_key_material: 3 x REJECT_AFTER_TIME after the last new session.
//     Fires: no handshake for 9 minutes, so erase every key (erase_keys, for
//     forward secrecy, §6.3).
//   - persistent_keepalive: every N seconds, if configured. Fires: a
//     keepalive that keeps NAT and firewall state alive (send_keepalive, §6.5).
//
// The rules of §6 that are not timers, each a function below:
//   - initiation_allowed: at most one handshake message per REKEY_TIMEOUT:
//     an initiation is not sent within REKEY_TIMEOUT of the last initiation
//     *or response* we sent, retries included (§6.4; the kernel's
//     last_sent_handshake, which send.c sets for both messages).
//   - initiation_flood: a responder consumes at most one initiation per peer
//     each 20 ms (the kernel's INITIATIONS_PER_SECOND).
//   - rekey_after_send: after REKEY_AFTER_MESSAGES whichever side sends, and
//     after REKEY_AFTER_TIME the initiator of the current keys, starts a new
//     handshake (§6.2; the kernel's send.c keep_key_fresh).
//   - rekey_on_receive: a receiver of data on keys it initiated, near
//     REJECT_AFTER_TIME, starts one too, once per session, in case it has
//     nothing to send (§6.2; receive.c keep_key_fresh).
//   - sending_expired, receiving_expired: keys are unusable after
//     REJECT_AFTER_TIME, and each direction after REJECT_AFTER_MESSAGES of its
//     own counter (§6.2; send.c and receive.c).
//
// How to read this file: the Device calls the hooks below, each named after
// what just happened (data_sent, handshake_complete, ...); only this file
// decides what that means for the timers. The Device then asks take_due(now)
// for the action of each timer that fired, and carries it out. So that idle
// peers cost nothing, each peer's earliest deadline also waits in the
// Device's TimerQueue (timer_queue.hpp), which says which peers to ask.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>

#include "common/time.hpp"
#include "timers/timer_queue.hpp"
#include "wire/constants.hpp"

namespace wg::timers {

using namespace std::chrono_literals;

enum class Timer : std::uint8_t {
    retransmit_handshake,
    send_keepalive,
    new_handshake,
    zero_key_material,
    persistent_keepalive,
};
inline constexpr std::size_t kTimerCount = 5;

/// What a fired timer asks the Device to do.
enum class TimerAction : std::uint8_t {
    retry_handshake,      ///< retransmit_handshake, retries left: send a new initiation (§6.4)
    give_up_handshake,    ///< retransmit_handshake, REKEY_ATTEMPT_TIME over: stop, drop waiting packets (§6.4)
    send_keepalive,       ///< send_keepalive or persistent_keepalive (§6.5)
    begin_new_handshake,  ///< new_handshake: data went unanswered (§6.5)
    erase_keys,           ///< zero_key_material (§6.3)
};

/// How old a key pair is and how much it has carried: what the rules of §6.2 look at.
struct KeypairAge {
    Duration age{};
    bool we_initiated = false;
    std::uint64_t messages_sent = 0;      ///< the next sending counter
    std::uint64_t messages_received = 0;  ///< one more than the newest counter accepted (0: none yet)
};

/// §6.2: no sending after REJECT_AFTER_TIME, nor a counter at REJECT_AFTER_MESSAGES.
inline bool sending_expired(const KeypairAge& k) {
    return k.age >= wire::kRejectAfterTime || k.messages_sent >= wire::kRejectAfterMessages;
}
/// §6.2: no receiving after REJECT_AFTER_TIME, nor once the receive counter
/// reached REJECT_AFTER_MESSAGES (the kernel's decrypt_packet).
inline bool receiving_expired(const KeypairAge& k) {
    return k.age >= wire::kRejectAfterTime || k.messages_received >= wire::kRejectAfterMessages;
}
/// §6.2: after REKEY_AFTER_MESSAGES on these keys, or (for their initiator)
/// REKEY_AFTER_TIME, a new handshake starts when we next send.
inline bool rekey_after_send(const KeypairAge& k) {
    return k.messages_sent > wire::kRekeyAfterMessages || (k.we_initiated && k.age >= wire::kRekeyAfterTime);
}
/// §6.2: a receiver whose own (initiated) keys are REJECT_AFTER_TIME -
/// KEEPALIVE_TIMEOUT - REKEY_TIMEOUT old starts a new handshake on receive.
inline bool rekey_after_receive(const KeypairAge& k) { return k.we_initiated && k.age >= wire::kRekeyOnReceiveAge; }

/// The five timers of one peer, as deadlines on the injected clock.
class PeerTimers {
public:
    /// Timers on their own (as the tests use them), or (the Device) with
    /// `queue` told of this peer's earliest deadline, under `owner`.
    PeerTimers() = default;
    PeerTimers(TimerQueue& queue, TimerQueue::Owner owner) : queue_(&queue), owner_(owner) {}

    /// 0 disables persistent keepalives. Turning them on sends one at the
    /// next advance (as the kernel does), so a peer behind NAT opens its
    /// path, and gets a session, without waiting for traffic.
    void set_persistent_keepalive(Duration interval) {
        if (persistent_interval_ == Duration{0} && interval > Duration{0}) arm(Timer::persistent_keepalive, Time{0});
        persistent_interval_ = interval;
    }
    Duration persistent_keepalive() const { return persistent_interval_; }

    // ---- hooks, named after the events that call them ----

    /// We sent a data packet (not a keepalive). The jitter is asked for only
    /// when the timer is armed, as the kernel draws it (wg_timers_data_sent):
    /// one draw per quiet period, not one per packet.
    void data_sent(Time now, const std::function<Duration()>& jitter);
    /// We received a data packet (not a keepalive).
    void data_received(Time now);
    /// We sent any authenticated packet: data, keepalive or handshake message.
    void any_authenticated_packet_sent();
    /// We received any authenticated packet.
    void any_authenticated_packet_received();
    /// Any authenticated packet went either way (persistent keepalive restarts).
    void any_authenticated_packet_traversal(Time now);
    /// A new handshake is wanted: a retry, or not (which starts the count of
    /// attempts again, as the kernel's wg_packet_send_queued_handshake_initiation does).
    void handshake_wanted(bool is_retry) {
        if (!is_retry) handshake_attempts_ = 0;
    }
    /// We sent a handshake initiation (a retry or not).
    void handshake_initiated(Time now, Duration jitter);
    /// We sent a handshake response (§6.4: it counts for the REKEY_TIMEOUT limit).
    void response_sent(Time now) { last_handshake_sent_ = now; }
    /// Our private key changed: a handshake with the new one may start at
    /// once (the kernel's wg_noise_reset_last_sent_handshake).
    void identity_changed() { last_handshake_sent_.reset(); }
    /// A handshake completed: we consumed a response, or (responder) the
    /// initiator confirmed the keys.
    void handshake_complete();
    /// New transport keys exist (either role).
    void session_derived(Time now);
    /// We consumed an initiation from this peer (§5.1).
    void initiation_consumed(Time now) { last_initiation_consumed_ = now; }

    // ---- the rules ----

    /// §6.4: may we send an initiation now? Only once REKEY_TIMEOUT has
    /// passed since the last initiation or response we sent, retries
    /// included: strictly after, as the kernel's wg_birthdate_has_expired.
    /// So a persistent keepalive of exactly REKEY_TIMEOUT does not send the
    /// retry early; the retransmit timer, with its jitter, does.
    bool initiation_allowed(Time now) const {
        return !last_handshake_sent_ || now - *last_handshake_sent_ > wire::kRekeyTimeout;
    }
    /// §6.2 on receive: true once per session, when data arrives on keys we
    /// initiated that near REJECT_AFTER_TIME (rekey_after_receive).
    bool rekey_on_receive(const KeypairAge& keys);
    /// The kernel's flood rule: an initiation arriving within 20 ms of the
    /// last one consumed from this peer is dropped.
    bool initiation_flood(Time now) const {
        return last_initiation_consumed_ && now - *last_initiation_consumed_ < wire::kMinInitiationInterval;
    }

    // ---- what fired ----

    /// Removes one timer whose deadline is at or before `now` and returns
    /// what it asks for; nullopt when none is due.
    std::optional<TimerAction> take_due(Time now);
    /// The earliest pending deadline, for the I/O shell's timerfd.
    std::optional<Time> next_deadline() const;
    bool pending(Timer t) const { return deadline(t).has_value(); }

    // ---- the queue (timer_queue.hpp) ----

    /// The Device popped this peer's queue entry for `when`.
    void queue_entry_popped(Time when) {
        if (queued_ == when) queued_.reset();
    }
    /// Makes sure the queue holds an entry no later than our earliest deadline.
    void requeue();

private:
    const std::optional<Time>& deadline(Timer t) const { return deadlines_[static_cast<std::size_t>(t)]; }
    /// Sets timer `t` to fire at `when`.
    void arm(Timer t, Time when) {
        deadlines_[static_cast<std::size_t>(t)] = when;
        if (queue_ && (!queued_ || when < *queued_)) {
            queue_->schedule(when, owner_);
            queued_ = when;
        }
    }
    /// Cancels timer `t` (its queue entry, if any, fires early and finds nothing).
    void disarm(Timer t) { deadlines_[static_cast<std::size_t>(t)].reset(); }
    /// The retransmit timer fired: a retry, or (REKEY_ATTEMPT_TIME spent) give up.
    TimerAction retransmit_fired(Time now);

    std::array<std::optional<Time>, kTimerCount> deadlines_{};
    Duration persistent_interval_{0};
    int handshake_attempts_ = 0;
    bool need_another_keepalive_ = false;
    bool sent_last_minute_handshake_ = false;
    std::optional<Time> last_handshake_sent_;
    std::optional<Time> last_initiation_consumed_;
    TimerQueue* queue_ = nullptr;
    TimerQueue::Owner owner_ = 0;
    std::optional<Time> queued_;  ///< our earliest entry in queue_
};

}  // namespace wg::timers
