// The replay window, first through the cases the Linux kernel's counter
// self-test walks (drivers/net/wireguard/selftest/counter.c), written here as
// our own sequence, then against a naive model that simply remembers every
// counter it has seen.
#include <catch2/catch.hpp>

#include <random>
#include <set>

#include "transport/replay_window.hpp"

using wg::transport::kRejectAfterMessages;
using wg::transport::ReplayWindow;

namespace {
constexpr std::uint64_t kWindow = ReplayWindow::kWindowSize;  // 8,128
constexpr std::uint64_t kBeyond = kWindow + 1;                 // the first counter that can push 0 out
}  // namespace

TEST_CASE("Replay window: the kernel self-test's sequence", "[transport][replay]") {
    ReplayWindow w;
    auto T = [&](std::uint64_t counter, bool expected) {
        INFO("counter " << counter);
        CHECK(w.accept(counter) == expected);
    };
    // In order, a duplicate, then late arrivals inside the window.
    T(0, true); T(1, true); T(1, false); T(9, true); T(8, true); T(7, true); T(7, false);
    // Jump to the edge: 0 is now exactly one past the window, 2 is inside.
    T(kBeyond, true); T(kBeyond - 1, true); T(kBeyond - 1, false); T(kBeyond - 2, true);
    T(2, true); T(2, false);
    T(kBeyond + 16, true); T(3, false);  // 3 fell out when the newest moved 16 on
    T(kBeyond + 16, false);
    // A big jump: exactly kWindow behind the newest is still judged; one more is not.
    const std::uint64_t top = 4 * kBeyond;
    T(top, true); T(top - kWindow, true); T(10, false); T(top - kBeyond, false); T(top - kBeyond - 1, false);
    T(top - (kWindow - 1), true); T(top + 1 - kBeyond, false);  // the same counter as top - kWindow
    T(0, false);
    // The end of the counter space: REJECT_AFTER_MESSAGES and above never pass.
    T(kRejectAfterMessages, false); T(kRejectAfterMessages - 1, true); T(kRejectAfterMessages, false);
    T(kRejectAfterMessages - 1, false); T(kRejectAfterMessages - 2, true); T(kRejectAfterMessages + 1, false);
    T(kRejectAfterMessages + 2, false); T(kRejectAfterMessages - 2, false); T(kRejectAfterMessages - 3, true);
    T(0, false);
}

TEST_CASE("Replay window: filling the whole window in either order", "[transport][replay]") {
    ReplayWindow w;
    for (std::uint64_t i = 1; i <= kWindow; ++i) REQUIRE(w.accept(i));
    CHECK(w.accept(0));  // exactly kWindow behind: still remembered, still fresh
    CHECK_FALSE(w.accept(0));

    w.reset();
    for (std::uint64_t i = 2; i <= kWindow + 1; ++i) REQUIRE(w.accept(i));
    CHECK(w.accept(1));
    CHECK_FALSE(w.accept(0));  // kWindow + 1 behind: out

    w.reset();
    for (std::uint64_t i = kWindow + 1; i-- > 0;) REQUIRE(w.accept(i));  // descending, all fresh

    w.reset();
    for (std::uint64_t i = kWindow + 2; i-- > 1;) REQUIRE(w.accept(i));
    CHECK_FALSE(w.accept(0));

    w.reset();
    for (std::uint64_t i = kWindow + 1; i-- > 1;) REQUIRE(w.accept(i));
    CHECK(w.accept(kWindow + 1));
    CHECK_FALSE(w.accept(0));

    w.reset();
    for (std::uint64_t i = kWindow + 1; i-- > 1;) REQUIRE(w.accept(i));
    CHECK(w.accept(0));
    CHECK(w.accept(kWindow + 1));
}

TEST_CASE("Replay window: a jump of more than the whole ring forgets everything", "[transport][replay]") {
    ReplayWindow w;
    for (std::uint64_t i = 0; i < 100; ++i) REQUIRE(w.accept(i));
    const std::uint64_t far = 1'000'000;
    CHECK(w.accept(far));
    CHECK(w.newest() == far);
    // Counters just behind the new newest were never seen: all fresh...
    for (std::uint64_t i = far - kWindow; i < far; i += 97) CHECK(w.accept(i));
    // ...and the old ones are far out of the window.
    CHECK_FALSE(w.accept(50));
}

TEST_CASE("Replay window: may_accept never changes anything and predicts accept", "[transport][replay]") {
    ReplayWindow w;
    CHECK(w.may_accept(5));
    CHECK(w.may_accept(5));  // asking twice does not record
    REQUIRE(w.accept(5));
    CHECK_FALSE(w.may_accept(5));
    CHECK(w.may_accept(4));
}

TEST_CASE("Replay window agrees with a model that remembers every counter", "[transport][replay]") {
    ReplayWindow w;
    std::set<std::uint64_t> seen;
    std::uint64_t newest = 0;
    bool any = false;
    std::mt19937_64 random(6479);  // RFC 6479 describes this kind of window
    std::uint64_t front = 0;
    int accepted = 0;
    for (int i = 0; i < 200'000; ++i) {
        std::uint64_t counter = 0;
        switch (random() % 10) {
            case 0: counter = front > 20'000 ? front - 8'000 - random() % 400 : random() % 100; break;  // near the edge
            case 1: front += random() % 20'000; counter = front; break;                                  // a big jump
            case 2: counter = seen.empty() ? 0 : *seen.rbegin() - random() % 50; break;                  // likely a duplicate
            default: front += random() % 3; counter = front > 60 ? front - random() % 60 : front;        // jitter near the front
        }
        const bool model = counter < kRejectAfterMessages && !seen.count(counter) &&
                           (!any || counter > newest || newest - counter <= ReplayWindow::kWindowSize);
        INFO("step " << i << ", counter " << counter);
        REQUIRE(w.may_accept(counter) == model);
        REQUIRE(w.accept(counter) == model);
        if (model) {
            seen.insert(counter);
            newest = any ? std::max(newest, counter) : counter;
            any = true;
            ++accepted;
        }
    }
    CHECK(accepted > 50'000);
}
