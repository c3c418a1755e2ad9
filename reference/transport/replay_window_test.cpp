// SPDX-License-Identifier: MIT
// Paper §5.4.6: the replay window, checked three ways.
//  1. The walk the Linux kernel's counter self-test takes
//     (drivers/net/wireguard/selftest/counter.c), restated here as a table of
//     steps with the reason for each verdict, plus its "bulk" fills of the
//     whole window in ascending and descending order.
//  2. A randomized comparison with a naive model that remembers every
//     counter it ever accepted in a std::set, so it cannot forget wrongly.
//  3. The edges a student asks about, one test each.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <vector>

#include "transport/replay_window.hpp"

using wg::wire::kRejectAfterMessages;
using wg::transport::ReplayWindow;

namespace {

constexpr std::uint64_t kWindow = ReplayWindow::kWindowSize;  // 8,128: the furthest behind still judged
constexpr std::uint64_t kFirstOut = kWindow + 1;              // 8,129: the nearest distance always refused
constexpr std::uint64_t kRing = ReplayWindow::kWindowBits;    // 8,192: counters this far apart share a bit

/// One call to accept() and the verdict we expect, with the reason.
struct Step {
    std::uint64_t counter;
    bool fresh;
    const char* why;
};

void walk(ReplayWindow& window, const std::vector<Step>& steps) {
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const Step& step = steps[i];
        INFO("step " << i + 1 << ": counter " << step.counter << ", " << step.why);
        CHECK(window.may_accept(step.counter) == step.fresh);
        CHECK(window.accept(step.counter) == step.fresh);
    }
}

/// Accepts every counter in [low, high], lowest first; each must be fresh.
void accept_ascending(ReplayWindow& window, std::uint64_t low, std::uint64_t high) {
    for (std::uint64_t counter = low; counter <= high; ++counter) {
        INFO("ascending, counter " << counter);
        REQUIRE(window.accept(counter));
    }
}

/// Accepts every counter in [low, high], highest first; each must be fresh.
void accept_descending(ReplayWindow& window, std::uint64_t low, std::uint64_t high) {
    for (std::uint64_t counter = high + 1; counter-- > low;) {
        INFO("descending, counter " << counter);
        REQUIRE(window.accept(counter));
    }
}

}  // namespace

TEST_CASE("Replay window: the kernel self-test's walk, step by step", "[transport][replay]") {
    ReplayWindow window;
    const std::uint64_t far = 4 * kFirstOut;  // a front well past several windows
    const std::uint64_t last = kRejectAfterMessages - 1;  // the largest counter ever allowed
    walk(window, {
        {0, true, "the first packet of a session"},
        {1, true, "the next one, in order"},
        {1, false, "a duplicate of the newest"},
        {9, true, "a jump ahead, leaving 2..8 unseen"},
        {8, true, "a late packet inside the window"},
        {7, true, "another late one"},
        {7, false, "a duplicate of a late packet"},
        {kFirstOut, true, "newest moves to 8,129: counter 0 is now just out"},
        {kFirstOut - 1, true, "one behind the newest, unseen"},
        {kFirstOut - 1, false, "...and now seen"},
        {kFirstOut - 2, true, "two behind, unseen"},
        {2, true, "8,127 behind the newest and never seen: still judged, fresh"},
        {2, false, "...and now a duplicate"},
        {kFirstOut + 16, true, "the front moves 16 more"},
        {3, false, "now 8,142 behind: out of the window although never seen"},
        {kFirstOut + 16, false, "a duplicate of the newest again"},
        {far, true, "a jump of about four windows"},
        {far - kWindow, true, "exactly 8,128 behind and unseen: the edge is inside"},
        {10, false, "long gone"},
        {far - kFirstOut, false, "8,129 behind: the first distance that is out"},
        {far - kFirstOut - 1, false, "8,130 behind: out"},
        {far - (kWindow - 1), true, "8,127 behind, unseen"},
        {far + 1 - kFirstOut, false, "the same counter as the edge step above: a duplicate at the edge"},
        {0, false, "the very first counter, long gone"},
        {kRejectAfterMessages, false, "REJECT_AFTER_MESSAGES itself is never accepted"},
        {last, true, "one below it is, even as a huge jump"},
        {kRejectAfterMessages, false, "still never, now as a newer counter"},
        {last, false, "a duplicate of the newest"},
        {last - 1, true, "one behind, unseen"},
        {kRejectAfterMessages + 1, false, "beyond the limit: refused"},
        {kRejectAfterMessages + 2, false, "beyond the limit: refused"},
        {last - 1, false, "a duplicate"},
        {last - 2, true, "two behind, unseen"},
        {0, false, "the very first counter, long gone"},
    });
}

TEST_CASE("Replay window: the kernel self-test's bulk fills", "[transport][replay]") {
    ReplayWindow window;

    SECTION("1..8,128 ascending, then 0 sits exactly on the edge and is judged") {
        accept_ascending(window, 1, kWindow);
        CHECK(window.accept(0));        // 8,128 behind, unseen: fresh
        CHECK_FALSE(window.accept(0));  // and only once
    }
    SECTION("2..8,129 ascending: 1 is on the edge, 0 is one past it") {
        accept_ascending(window, 2, kWindow + 1);
        CHECK(window.accept(1));
        CHECK_FALSE(window.accept(0));
    }
    SECTION("8,128 down to 0: a whole window arriving backwards is all fresh") {
        accept_descending(window, 0, kWindow);
    }
    SECTION("8,129 down to 1, then 0 is one past the edge") {
        accept_descending(window, 1, kWindow + 1);
        CHECK_FALSE(window.accept(0));
    }
    SECTION("8,128 down to 1, then 8,129 pushes 0 out before it arrives") {
        accept_descending(window, 1, kWindow);
        CHECK(window.accept(kWindow + 1));
        CHECK_FALSE(window.accept(0));
    }
    SECTION("8,128 down to 1, then 0 just in time, then 8,129") {
        accept_descending(window, 1, kWindow);
        CHECK(window.accept(0));
        CHECK(window.accept(kWindow + 1));
    }
}

TEST_CASE("Replay window: the first packet, and how 'nothing yet' is represented", "[transport][replay]") {
    ReplayWindow window;
    CHECK_FALSE(window.any_accepted());
    CHECK(window.newest() == 0);  // nothing accepted: newest() reads 0, the flag says why
    CHECK(window.may_accept(0));
    CHECK(window.may_accept(0));  // asking changes nothing
    CHECK(window.accept(0));
    CHECK(window.any_accepted());
    CHECK(window.newest() == 0);  // now 0 because counter 0 was accepted
    CHECK_FALSE(window.may_accept(0));
    CHECK_FALSE(window.accept(0));

    // A session whose first surviving packet is not 0 still takes the earlier
    // ones that arrive late, if they are inside the window.
    window.reset();
    CHECK_FALSE(window.any_accepted());
    CHECK(window.accept(5'000));
    CHECK(window.accept(0));
    CHECK(window.newest() == 5'000);
}

TEST_CASE("Replay window: the edge is exactly 8,128 behind the newest", "[transport][replay]") {
    // The kernel refuses when COUNTER_WINDOW_SIZE + counter < newest, so a
    // distance of exactly 8,128 is still judged by its bit; 8,129 is not.
    ReplayWindow window;
    const std::uint64_t newest = 100'000;
    REQUIRE(window.accept(newest));

    CHECK(window.may_accept(newest - kWindow));
    CHECK(window.accept(newest - kWindow));        // unseen: fresh, once
    CHECK_FALSE(window.accept(newest - kWindow));  // the bit remembers it

    CHECK_FALSE(window.may_accept(newest - kFirstOut));  // never seen, refused anyway
    CHECK_FALSE(window.accept(newest - kFirstOut));
    CHECK(window.newest() == newest);  // a refusal moves nothing
}

TEST_CASE("Replay window: counters a ring apart share a bit, and the window keeps them apart", "[transport][replay]") {
    ReplayWindow window;
    REQUIRE(window.accept(0));
    // 8,192 shares counter 0's bit. Moving the front there clears that word
    // first, so 8,192 is fresh, and 0 (now 8,192 behind) is out, not "seen".
    CHECK(window.accept(kRing));
    CHECK_FALSE(window.may_accept(0));
    CHECK_FALSE(window.accept(0));
    CHECK_FALSE(window.accept(kRing));
}

TEST_CASE("Replay window: a jump clears only the words it passes over", "[transport][replay]") {
    ReplayWindow window;
    accept_ascending(window, 0, 300);
    const std::uint64_t newest = 300 + kWindow;  // 0..300 are now partly inside, partly outside
    REQUIRE(window.accept(newest));
    for (std::uint64_t counter = 0; counter <= 300; ++counter) {
        INFO("counter " << counter << " was accepted before the jump");
        CHECK_FALSE(window.may_accept(counter));  // either still remembered or out of the window
    }
    for (std::uint64_t counter = 301; counter < newest; ++counter) {
        INFO("counter " << counter << " was never seen and lies inside the window");
        REQUIRE(window.accept(counter));
    }
}

TEST_CASE("Replay window: a jump of more than the whole ring forgets everything", "[transport][replay]") {
    ReplayWindow window;
    accept_ascending(window, 0, kRing - 1);  // every bit of the ring set
    const std::uint64_t far = 1'000'000;
    CHECK(window.accept(far));
    CHECK(window.newest() == far);
    // Every counter the window judges was never seen: the ring was cleared.
    for (std::uint64_t counter = far - kWindow; counter < far; ++counter) {
        INFO("counter " << counter);
        REQUIRE(window.accept(counter));
    }
    CHECK_FALSE(window.accept(far - kFirstOut));
    CHECK_FALSE(window.accept(kRing - 1));  // the old counters are far out of the window
}

TEST_CASE("Replay window: REJECT_AFTER_MESSAGES holds even on a fresh window", "[transport][replay]") {
    CHECK(kRejectAfterMessages == 0xFFFF'FFFF'FFFF'E03Eull);  // the kernel's U64_MAX - 8128 - 1 (the paper: 2^64 - 2^13 - 1)
    ReplayWindow window;
    CHECK_FALSE(window.may_accept(kRejectAfterMessages));
    CHECK_FALSE(window.accept(kRejectAfterMessages));
    CHECK_FALSE(window.accept(~std::uint64_t{0}));
    CHECK_FALSE(window.any_accepted());
    CHECK(window.accept(kRejectAfterMessages - 1));
}

namespace {

/// The naive model: remembers every accepted counter forever, and applies
/// the same rule the window promises, written out as plainly as possible.
class NaiveModel {
public:
    bool accept(std::uint64_t counter) {
        const bool fresh = counter < kRejectAfterMessages && seen_.count(counter) == 0 &&
                           (seen_.empty() || counter > newest_ || newest_ - counter <= kWindow);
        if (fresh) {
            newest_ = seen_.empty() ? counter : std::max(newest_, counter);
            seen_.insert(counter);
        }
        return fresh;
    }
    std::uint64_t newest() const { return newest_; }
    std::uint64_t some_recent(std::uint64_t pick) const {  // an accepted counter near the front, or 0
        if (seen_.empty()) return 0;
        auto it = seen_.end();
        for (std::uint64_t back = pick % 64 + 1; back > 0 && it != seen_.begin(); --back) --it;
        return *it;
    }

private:
    std::set<std::uint64_t> seen_;
    std::uint64_t newest_ = 0;
};

/// Moves `front` on by `by`, never past `cap` (so nothing overflows near 2^64).
std::uint64_t advance(std::uint64_t front, std::uint64_t by, std::uint64_t cap) {
    return by >= cap - front ? cap : front + by;
}

/// Counters as a network would deliver them around a moving front: mostly
/// jitter near the front, some duplicates, some straddling the window's edge
/// or far behind, occasional big jumps.
void compare_with_model(std::uint64_t start, std::uint64_t cap, std::uint64_t seed) {
    ReplayWindow window;
    NaiveModel model;
    std::mt19937_64 random(seed);
    std::uint64_t front = start;
    std::size_t accepted = 0;
    for (int i = 0; i < 200'000; ++i) {
        const std::uint64_t kind = random() % 100;
        std::uint64_t counter = 0;
        if (kind < 70) {  // jitter: the front creeps on, packets land within 64 of it either way
            front = advance(front, random() % 3, cap);
            counter = advance(front > 64 ? front - 64 : 0, random() % 129, cap);
        } else if (kind < 82) {  // a duplicate (or near-duplicate) of something recent
            counter = model.some_recent(random());
        } else if (kind < 94) {  // around the window's edge: 8,000..8,255 behind the newest
            const std::uint64_t behind = 8'000 + random() % 256;
            counter = model.newest() > behind ? model.newest() - behind : random() % 64;
        } else if (kind < 97) {  // far behind: a stale packet from long ago
            counter = front / 2;
        } else {  // a big jump: a burst of loss, or a sender far ahead
            front = advance(front, random() % 40'000, cap);
            counter = front;
        }
        const bool expected = model.accept(counter);
        INFO("draw " << i << ", counter " << counter << ", newest " << window.newest());
        REQUIRE(window.may_accept(counter) == expected);  // the pre-check predicts accept() exactly
        REQUIRE(window.accept(counter) == expected);
        REQUIRE(window.newest() == model.newest());
        if (expected) ++accepted;
    }
    // Guard against a generator that tests nothing: both verdicts must be common.
    INFO("accepted " << accepted << " of 200,000");
    CHECK(accepted > 40'000);
    CHECK(accepted < 160'000);
}

}  // namespace

TEST_CASE("Replay window agrees with a model that remembers every counter", "[transport][replay]") {
    SECTION("from the start of a session") {
        compare_with_model(0, ~std::uint64_t{0} / 2, 6479);  // seed: RFC 6479, where the ring comes from
    }
    SECTION("at the end of the counter space, across REJECT_AFTER_MESSAGES") {
        compare_with_model(kRejectAfterMessages - 100'000'000, kRejectAfterMessages + 4'096, 2017);
    }
}
