// Paper §6, "Timers & Stateless UX": every timer of a peer, in one place.
//
// The constants (§6.1 and the Linux kernel's messages.h):
//   REKEY_AFTER_MESSAGES  2^60     REJECT_AFTER_MESSAGES  2^64 - 2^13 - 1
//   REKEY_AFTER_TIME      120 s    REJECT_AFTER_TIME      180 s
//   REKEY_ATTEMPT_TIME     90 s    REKEY_TIMEOUT            5 s
//   KEEPALIVE_TIMEOUT      10 s
//
// The timers, and when each fires:
//   - retransmit_handshake: REKEY_TIMEOUT (+ up to 333 ms jitter) after we
//     sent an initiation without getting a response. Sends another, until
//     REKEY_ATTEMPT_TIME has passed (the kernel's count: 20 initiations in
//     all); then gives up, dropping the packets that were waiting (§6.4).
//   - send_keepalive: KEEPALIVE_TIMEOUT after we received data and sent
//     nothing back: a passive keepalive, so the sender knows we are alive (§6.5).
//   - new_handshake: KEEPALIVE_TIMEOUT + REKEY_TIMEOUT after we sent data and
//     heard nothing back: the session may be dead, so start a new one (§6.5).
//   - zero_key_material: 3 x REJECT_AFTER_TIME after the last new session: no
//     handshake for 9 minutes, so erase every key (forward secrecy, §6.3).
//   - persistent_keepalive: every N seconds, if configured, to keep NAT and
//     firewall state alive (§6.5, an option the user sets).
//
// Rules that are not timers live with the code they govern, but their
// constants are here: the initiator rekeys after REKEY_AFTER_TIME or
// REKEY_AFTER_MESSAGES on send; a key pair is unusable after
// REJECT_AFTER_TIME or REJECT_AFTER_MESSAGES; at most one initiation per
// REKEY_TIMEOUT (§6.2, §6.4).
//
// How to read this file: the rest of the Device calls the hooks below, each
// named after what just happened (data_sent, handshake_complete, ...); only
// this file decides what that means for the timers. The Device then asks
// take_due(now) which timers have fired.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "common/time.hpp"

namespace wg::timers {

using namespace std::chrono_literals;

inline constexpr std::uint64_t kRekeyAfterMessages = std::uint64_t{1} << 60;
inline constexpr std::uint64_t kRejectAfterMessages = ~std::uint64_t{0} - (std::uint64_t{1} << 13);
inline constexpr Duration kRekeyAfterTime = 120s;
inline constexpr Duration kRejectAfterTime = 180s;
inline constexpr Duration kRekeyAttemptTime = 90s;
inline constexpr Duration kRekeyTimeout = 5s;
inline constexpr Duration kKeepaliveTimeout = 10s;
/// Retries spread by up to a third of a second so that peers which lost
/// packets together do not retry together (kernel: HZ / 3).
inline constexpr Duration kRekeyTimeoutJitterMax = 333ms;
inline constexpr int kMaxTimerHandshakes = static_cast<int>(kRekeyAttemptTime / kRekeyTimeout);  // 18
/// A receiver whose key pair (that it initiated) is this old asks for a new
/// one on receive, before the sender's 180 s rejection cuts traffic off.
inline constexpr Duration kRekeyOnReceiveAge = kRejectAfterTime - kKeepaliveTimeout - kRekeyTimeout;

enum class Timer : std::uint8_t {
    retransmit_handshake,
    send_keepalive,
    new_handshake,
    zero_key_material,
    persistent_keepalive,
};
inline constexpr std::size_t kTimerCount = 5;

/// The five timers of one peer, as deadlines on the injected clock.
class PeerTimers {
public:
    /// 0 disables persistent keepalives. Turning them on sends one at the
    /// next advance (as the kernel does), so a peer behind NAT opens its
    /// path, and gets a session, without waiting for traffic.
    void set_persistent_keepalive(Duration interval) {
        if (persistent_interval_ == Duration{0} && interval > Duration{0}) deadline(Timer::persistent_keepalive) = Time{0};
        persistent_interval_ = interval;
    }
    Duration persistent_keepalive() const { return persistent_interval_; }

    // ---- hooks, named after the events that call them ----

    /// We sent a data packet (not a keepalive).
    void data_sent(Time now, Duration jitter);
    /// We received a data packet (not a keepalive).
    void data_received(Time now);
    /// We sent any authenticated packet: data, keepalive or handshake message.
    void any_authenticated_packet_sent();
    /// We received any authenticated packet.
    void any_authenticated_packet_received();
    /// Any authenticated packet went either way (persistent keepalive restarts).
    void any_authenticated_packet_traversal(Time now);
    /// We sent a handshake initiation.
    void handshake_initiated(Time now, Duration jitter);
    /// A handshake we initiated completed (we consumed the response).
    void handshake_complete();
    /// New transport keys exist (either role).
    void session_derived(Time now);
    /// The retransmit timer fired and we are sending another initiation;
    /// returns false when REKEY_ATTEMPT_TIME is used up and we must give up.
    bool retry_allowed();
    /// We gave up on a handshake (§6.4): if no key erasure is scheduled yet,
    /// schedule one, so keys from before do not linger forever.
    void handshake_gave_up(Time now);
    /// Keys were erased or the peer was reset: stop everything but persistent keepalive.
    void stop_all();

    /// Removes and returns one timer whose deadline is at or before `now`.
    std::optional<Timer> take_due(Time now);
    /// The earliest pending deadline, for the I/O shell's timerfd.
    std::optional<Time> next_deadline() const;
    bool pending(Timer t) const { return deadline(t).has_value(); }
    int handshake_attempts() const { return handshake_attempts_; }

private:
    std::optional<Time>& deadline(Timer t) { return deadlines_[static_cast<std::size_t>(t)]; }
    const std::optional<Time>& deadline(Timer t) const { return deadlines_[static_cast<std::size_t>(t)]; }

    std::array<std::optional<Time>, kTimerCount> deadlines_{};
    Duration persistent_interval_{0};
    int handshake_attempts_ = 0;
    bool need_another_keepalive_ = false;
};

}  // namespace wg::timers
