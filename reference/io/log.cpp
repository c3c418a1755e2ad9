// SPDX-License-Identifier: MIT
// The daemon's log (see log.hpp).
#include "io/log.hpp"

#include <syslog.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace wg::io {
namespace {

struct Sink {
    LogLevel level = LogLevel::error;
    bool syslog = false;
    std::string interface;
};
Sink sink;

void write(LogLevel level, const char* tag, std::string_view message) {
    if (sink.level == LogLevel::silent || level > sink.level) return;
    const std::string text = "(" + sink.interface + ") " + std::string(message);
    if (sink.syslog) {
        ::syslog(level == LogLevel::error ? LOG_ERR : LOG_INFO, "%s", text.c_str());
        return;
    }
    char when[32];
    const std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    std::strftime(when, sizeof when, "%Y/%m/%d %H:%M:%S", &local);
    std::fprintf(stderr, "%s: %s %s\n", tag, when, text.c_str());
}

}  // namespace

LogLevel log_level_from_environment(LogLevel fallback) {
    const char* value = std::getenv("LOG_LEVEL");
    if (!value) return fallback;
    const std::string level = value;
    if (level == "verbose" || level == "debug") return LogLevel::verbose;
    if (level == "error") return LogLevel::error;
    if (level == "silent") return LogLevel::silent;
    return fallback;
}

void log_to_stderr(LogLevel level, const std::string& interface) { sink = Sink{level, false, interface}; }

void log_to_syslog(LogLevel level, const std::string& interface) {
    ::openlog("wgref", LOG_PID, LOG_DAEMON);
    sink = Sink{level, true, interface};
}

void log_error(std::string_view message) { write(LogLevel::error, "ERROR", message); }
void log_verbose(std::string_view message) { write(LogLevel::verbose, "DEBUG", message); }

}  // namespace wg::io
