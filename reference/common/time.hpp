// SPDX-License-Identifier: MIT
// Protocol time. The core never reads a clock: every event comes with a
// `Time`, nanoseconds since an arbitrary origin chosen by the caller (the
// I/O shell uses CLOCK_BOOTTIME, as the kernel does for key ages; tests
// start at zero and jump days ahead).
// Only differences between Times mean anything, exactly as the paper's
// timers (§6) are all "so many seconds after" some event.
#pragma once

#include <chrono>

namespace wg {

using Duration = std::chrono::nanoseconds;
using Time = std::chrono::nanoseconds;

}  // namespace wg
