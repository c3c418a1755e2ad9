// SPDX-License-Identifier: MIT
// Reports of a run: the table a person reads on the terminal, JUnit XML for
// CI systems, and JSON for anything else. One row per case: id, paper
// section, verdict, one line of evidence.
#pragma once

#include <iosfwd>
#include <span>
#include <string>

#include "suite.hpp"

namespace wg::conformance {

void write_table(std::ostream& out, std::span<const CaseResult> results, const std::string& target);
void write_junit(std::ostream& out, std::span<const CaseResult> results, const std::string& target);
void write_json(std::ostream& out, std::span<const CaseResult> results, const std::string& target);

}  // namespace wg::conformance
