// SPDX-License-Identifier: MIT
// The daemon's log, shaped as wireguard-go's: LOG_LEVEL=verbose|error|silent
// from the environment (default error), lines like
//   ERROR: 2026/11/25 15:00:00 (wg0) UAPI: set refused: line 3: endpoint: expected IP:PORT
// on stderr in the foreground, to syslog (facility daemon) once in the
// background. Never a key: callers pass what was refused and why, not the
// request.
#pragma once

#include <string>
#include <string_view>

namespace wg::io {

enum class LogLevel { silent, error, verbose };

/// LOG_LEVEL as wireguard-go reads it ("debug" is taken as "verbose");
/// nullopt-like `fallback` when unset or unknown.
LogLevel log_level_from_environment(LogLevel fallback = LogLevel::error);

/// Where lines go from now on; `interface` names them, as "(wg0)".
void log_to_stderr(LogLevel level, const std::string& interface);
void log_to_syslog(LogLevel level, const std::string& interface);

void log_error(std::string_view message);
void log_verbose(std::string_view message);

}  // namespace wg::io
