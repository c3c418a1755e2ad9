// SPDX-License-Identifier: MIT
// `wgconform mutants --dir DIR`: does every case earn its place? A mutant is
// wgref built with one rule broken (conformance/mutants/, one patch each);
// this command runs the whole catalogue against every mutant, through the
// in-process target, and reports which cases caught which mutant.
//
//   caught     some case FAILs against the mutant (or says DIVERGES, where
//              the broken rule is one on which wireguard-go differs from the
//              kernel: the flaw is seen, and named for what it is)
//   exclusive  a case is the only one that catches some mutant: the case
//              sees something no other case does (reported, not required)
// The score is caught / all; each mutant must also be caught by every case
// its patch names (Caught-by). With --require-every-case, every case of the
// catalogue must fail against some mutant: none is trusted before it has
// been seen to fail. With --real, the mutants marked "Real: yes" run as wgref
// processes in namespaces (--spawn wgref) instead, against an unbroken
// wgconform with the cases their patch names.
#pragma once

#include <string>
#include <vector>

namespace wg::conformance {

/// The mutants command's arguments (after "mutants"); returns the exit status:
/// 0 all caught (and, if required, every case seen to fail), 1 otherwise, 2 usage.
int run_mutants_command(const std::vector<std::string>& args);

}  // namespace wg::conformance
