// SPDX-License-Identifier: MIT
// The timer rules of §6, one hook at a time, on a clock we move by hand.
// (device_test.cpp shows the same rules acting on real sessions.)
#include <catch2/catch.hpp>

#include "timers/timers.hpp"

using namespace wg;
using namespace wg::timers;
using namespace std::chrono_literals;

/// A timer armed by these tests has no jitter, so its deadline is exact.
static const std::function<Duration()> no_jitter = [] { return Duration{0}; };

TEST_CASE("The constants are the paper's", "[timers]") {
    using namespace wire;
    STATIC_REQUIRE(kRekeyAfterTime == 120s);
    STATIC_REQUIRE(kRejectAfterTime == 180s);
    STATIC_REQUIRE(kRekeyAttemptTime == 90s);
    STATIC_REQUIRE(kRekeyTimeout == 5s);
    STATIC_REQUIRE(kKeepaliveTimeout == 10s);
    STATIC_REQUIRE(kMaxTimerHandshakes == 18);
    STATIC_REQUIRE(kRekeyAfterMessages == (std::uint64_t{1} << 60));
}

TEST_CASE("Data sent and no reply: a new handshake after KEEPALIVE + REKEY_TIMEOUT", "[timers]") {
    PeerTimers t;
    t.data_sent(0s, no_jitter);
    t.data_sent(3s, no_jitter);  // later packets do not push the deadline back
    CHECK_FALSE(t.take_due(14s));
    CHECK(t.take_due(15s) == TimerAction::begin_new_handshake);
    t.data_sent(20s, no_jitter);
    t.any_authenticated_packet_received();  // an answer came: the timer stops
    CHECK_FALSE(t.take_due(60s));
}

TEST_CASE("Data received and nothing sent: a keepalive after KEEPALIVE_TIMEOUT", "[timers]") {
    PeerTimers t;
    t.data_received(0s);
    t.data_received(1s);  // more data while waiting: one more keepalive round later
    CHECK(t.take_due(10s) == TimerAction::send_keepalive);
    CHECK(t.take_due(20s) == TimerAction::send_keepalive);
    CHECK_FALSE(t.take_due(40s));
    t.data_received(50s);
    t.any_authenticated_packet_sent();  // we answered with data: no keepalive needed
    CHECK_FALSE(t.take_due(70s));
}

TEST_CASE("Handshake retries stop after REKEY_ATTEMPT_TIME", "[timers]") {
    PeerTimers t;
    Time now = 0s;
    t.handshake_initiated(now, 100ms);
    int retries = 0;
    while (true) {
        const auto due = t.next_deadline();
        REQUIRE(due);
        now = *due;
        const auto action = t.take_due(now);
        if (action == TimerAction::give_up_handshake) break;
        REQUIRE(action == TimerAction::retry_handshake);
        ++retries;
        t.handshake_initiated(now, 100ms);
    }
    CHECK(retries == wire::kMaxTimerHandshakes + 1);  // 20 initiations in all, as the kernel sends
    CHECK(now > wire::kRekeyAttemptTime);
    CHECK(t.pending(Timer::zero_key_material));  // giving up schedules the keys' erasure (§6.4)
}

TEST_CASE("Keys are erased 3 x REJECT_AFTER_TIME after the last session", "[timers]") {
    PeerTimers t;
    t.session_derived(0s);
    t.session_derived(100s);  // a newer session moves the deadline
    CHECK_FALSE(t.take_due(539s));
    CHECK(t.take_due(640s) == TimerAction::erase_keys);
}

TEST_CASE("Persistent keepalive follows every authenticated packet", "[timers]") {
    PeerTimers t;
    t.any_authenticated_packet_traversal(0s);
    CHECK_FALSE(t.next_deadline());  // off unless configured
    t.set_persistent_keepalive(25s);
    t.any_authenticated_packet_traversal(1s);
    CHECK(t.next_deadline() == Time(26s));
    CHECK(t.take_due(26s) == TimerAction::send_keepalive);
}

TEST_CASE("At most one handshake message per REKEY_TIMEOUT: an initiation or a response starts the wait, retries included", "[timers]") {
    PeerTimers t;
    CHECK(t.initiation_allowed(0s));
    t.handshake_initiated(0s, 0ms);
    CHECK_FALSE(t.initiation_allowed(4s));
    CHECK_FALSE(t.initiation_allowed(5s));  // strictly after, as the kernel
    CHECK(t.initiation_allowed(5s + 1us));
    // Answering the peer's initiation counts too (the kernel's last_sent_handshake).
    t.response_sent(20s);
    CHECK_FALSE(t.initiation_allowed(24s));
    CHECK(t.initiation_allowed(25s + 1us));
}

TEST_CASE("A new handshake that is not a retry starts the count of attempts again", "[timers]") {
    // With traffic to send, a peer asks for a handshake again and again; the
    // kernel resets its attempts each time, so it never gives up while traffic flows.
    PeerTimers t;
    Time now = 0s;
    t.handshake_initiated(now, 0ms);
    int retries = 0;
    for (int i = 0; i < 100; ++i) {
        now = *t.next_deadline();
        const auto action = t.take_due(now);
        REQUIRE(action == TimerAction::retry_handshake);
        ++retries;
        if (i % 10 == 9) t.handshake_wanted(/*is_retry=*/false);  // new traffic asks for a handshake
        t.handshake_wanted(/*is_retry=*/true);
        t.handshake_initiated(now, 0ms);
    }
    CHECK(retries == 100);  // never gave up
}

TEST_CASE("A responder consumes one initiation per peer every 20 ms", "[timers]") {
    PeerTimers t;
    CHECK_FALSE(t.initiation_flood(0ms));
    t.initiation_consumed(100ms);
    CHECK(t.initiation_flood(119ms));
    CHECK_FALSE(t.initiation_flood(120ms));
}

TEST_CASE("The rekey and expiry rules of 6.2, as the kernel applies them", "[timers]") {
    KeypairAge k{119s, true, 0, 0};
    CHECK_FALSE(rekey_after_send(k));
    k.age = 120s;
    CHECK(rekey_after_send(k));
    k.we_initiated = false;
    CHECK_FALSE(rekey_after_send(k));  // REKEY_AFTER_TIME binds the initiator only...
    k = {0s, false, wire::kRekeyAfterMessages + 1, 0};
    CHECK(rekey_after_send(k));  // ...REKEY_AFTER_MESSAGES binds whoever sends
    k.messages_sent = wire::kRekeyAfterMessages;
    CHECK_FALSE(rekey_after_send(k));  // the kernel: sending_counter > REKEY_AFTER_MESSAGES
    // Each direction expires by its own counter (send.c and receive.c).
    CHECK_FALSE(sending_expired({0s, true, wire::kRejectAfterMessages - 1, 0}));
    CHECK(sending_expired({0s, true, wire::kRejectAfterMessages, 0}));
    CHECK_FALSE(receiving_expired({0s, true, wire::kRejectAfterMessages, 0}));
    CHECK(receiving_expired({0s, true, 0, wire::kRejectAfterMessages}));
    CHECK(sending_expired({180s, false, 0, 0}));
    CHECK(receiving_expired({180s, false, 0, 0}));
    CHECK_FALSE(rekey_after_receive({164s, true, 0, 0}));
    CHECK(rekey_after_receive({165s, true, 0, 0}));  // 180 - 10 - 5
    CHECK_FALSE(rekey_after_receive({170s, false, 0, 0}));
}

TEST_CASE("REJECT_AFTER_MESSAGES is the kernel's, 2^64 - 8,130 (the paper says 2^64 - 2^13 - 1)", "[timers]") {
    STATIC_REQUIRE(wire::kRejectAfterMessages == ~std::uint64_t{0} - 8128 - 1);
    STATIC_REQUIRE(wire::kRejectAfterMessages != ~std::uint64_t{0} - (std::uint64_t{1} << 13));
}

TEST_CASE("The last-minute handshake on receive is asked for once per session", "[timers]") {
    PeerTimers t;
    const KeypairAge old{166s, true, 0, 0};
    CHECK(t.rekey_on_receive(old));
    CHECK_FALSE(t.rekey_on_receive(old));  // once, until a handshake completes
    t.handshake_complete();
    CHECK(t.rekey_on_receive(old));
}

TEST_CASE("Giving up on a handshake stops the passive keepalive too", "[timers]") {
    PeerTimers t;
    t.data_received(0s);
    t.handshake_initiated(0s, 0ms);
    Time now = 0s;
    std::optional<TimerAction> action;
    do {
        now = *t.next_deadline();
        action = t.take_due(now);
        if (action == TimerAction::retry_handshake) t.handshake_initiated(now, 0ms);
    } while (action != TimerAction::give_up_handshake);
    CHECK_FALSE(t.pending(Timer::send_keepalive));
}

// The queue (timer_queue.hpp): the Device visits a peer only when the
// queue says something may be due, so the queue must never be late, and an
// early entry must lead to the real deadline.
namespace {
/// What the Device's advance() does with the queue, for one peer.
std::vector<TimerAction> advance(TimerQueue& queue, PeerTimers& t, Time now) {
    std::vector<TimerAction> fired;
    while (const auto entry = queue.pop_due(now)) {
        t.queue_entry_popped(entry->when);
        while (const auto action = t.take_due(now)) fired.push_back(*action);
        t.requeue();
    }
    return fired;
}
}  // namespace

TEST_CASE("The timer queue is never late, and an early entry finds the real deadline", "[timers]") {
    TimerQueue queue;
    PeerTimers t(queue, 7);
    CHECK_FALSE(queue.earliest());  // an idle peer costs nothing
    t.data_received(0s);            // keepalive due at 10 s
    CHECK(queue.earliest() == Time(10s));
    t.any_authenticated_packet_sent();  // cancelled: the entry stays, and fires early
    t.data_sent(1s, no_jitter);               // new_handshake due at 16 s: later, so nothing is pushed
    CHECK(queue.size() == 1);
    CHECK(advance(queue, t, 10s).empty());   // the early entry: nothing due...
    CHECK(queue.earliest() == Time(16s));    // ...and the real deadline queued
    CHECK(advance(queue, t, 16s) == std::vector{TimerAction::begin_new_handshake});
    CHECK_FALSE(queue.earliest());
}

TEST_CASE("A deadline moved sooner is queued at once", "[timers]") {
    TimerQueue queue;
    PeerTimers t(queue, 1);
    t.data_sent(0s, no_jitter);                  // 15 s
    t.handshake_initiated(0s, 0ms);        // 5 s: sooner, pushed
    CHECK(queue.earliest() == Time(5s));
    CHECK(advance(queue, t, 5s) == std::vector{TimerAction::retry_handshake});
}

TEST_CASE("Many idle peers leave the queue empty: one busy peer is the only entry", "[timers]") {
    TimerQueue queue;
    std::vector<PeerTimers> peers;
    peers.reserve(10'000);
    for (TimerQueue::Owner i = 0; i < 10'000; ++i) peers.emplace_back(queue, i);
    CHECK(queue.size() == 0);
    peers[1234].data_received(0s);
    CHECK(queue.size() == 1);
    const auto entry = queue.pop_due(10s);
    REQUIRE(entry);
    CHECK(entry->owner == 1234);
}
