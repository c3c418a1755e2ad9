// SPDX-License-Identifier: MIT
// The oracle's four handshakes (vectors/handshake_oracle.txt, written by the
// independent Python oracle), loaded once per fuzz process: the keys the
// message targets use, so the committed seeds are messages those keys accept
// and mutations start from a message that reaches the deepest check.
#pragma once

#include <deque>

#include "oracle_case.hpp"

namespace wg::fuzz {

/// Every oracle case (at least four), built once.
inline const std::deque<test::OracleCase>& oracle_cases() {
    static const std::vector<vectors::Record> records = test::oracle_records();
    static const std::deque<test::OracleCase> cases = [] {
        std::deque<test::OracleCase> out;
        for (const auto& r : records) out.emplace_back(r);
        return out;
    }();
    return cases;
}

/// The case a control byte names (its low bits, modulo the case count).
inline const test::OracleCase& oracle_case(std::uint8_t selector) {
    const auto& cases = oracle_cases();
    return cases[selector % cases.size()];
}

}  // namespace wg::fuzz
