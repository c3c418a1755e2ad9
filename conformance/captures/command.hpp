// SPDX-License-Identifier: MIT
// `wgconform inspect` and `wgconform replay`, parsed and run (see
// inspect.hpp and replay.hpp for what they do and why).
#pragma once

#include <string>
#include <vector>

namespace wg::conformance::captures {

/// `args` starts with the command name ("inspect" or "replay"); returns the
/// exit status: 0 ok, 1 (replay) something was accepted again, 2 usage or I/O.
int run_capture_command(const std::vector<std::string>& args);

}  // namespace wg::conformance::captures
