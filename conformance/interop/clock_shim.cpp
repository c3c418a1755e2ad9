// SPDX-License-Identifier: MIT
// Test code only: a wall clock one process can have stepped under it, without
// touching the machine's. Preloaded into a wgref (LD_PRELOAD), it adds to
// CLOCK_REALTIME the seconds written in the file that
// WGREF_TEST_CLOCK_OFFSET_FILE names, read again at every call, so a test
// steps that wgref's clock by writing a number (clock_step_test.sh). The
// protocol clock (CLOCK_BOOTTIME) and every other clock pass through as they
// are, as a real step leaves them.
#include <dlfcn.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>

namespace {

long offset_seconds() {
    const char* path = std::getenv("WGREF_TEST_CLOCK_OFFSET_FILE");
    if (path == nullptr) return 0;
    std::FILE* file = std::fopen(path, "re");
    if (file == nullptr) return 0;
    long seconds = 0;
    if (std::fscanf(file, "%ld", &seconds) != 1) seconds = 0;
    std::fclose(file);
    return seconds;
}

using ClockGettime = int (*)(clockid_t, timespec*);

}  // namespace

extern "C" int clock_gettime(clockid_t clock, timespec* time) {
    static const auto real = reinterpret_cast<ClockGettime>(dlsym(RTLD_NEXT, "clock_gettime"));
    const int result = real(clock, time);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE)) time->tv_sec += offset_seconds();
    return result;
}
