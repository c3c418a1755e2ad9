// SPDX-License-Identifier: MIT
// wgconform checks itself. Every case runs against the in-process target,
// built correctly, where it must PASS. That each case can FAIL is shown by
// the mutants (conformance/mutants/): wgref built with one rule broken, run
// by `wgconform mutants` (CTest: mutants_every_one_caught).
#include <catch2/catch.hpp>

#include <sstream>

#include "loopback_target.hpp"
#include "report.hpp"

using namespace wg;
using namespace wg::conformance;

namespace {

std::vector<CaseResult> run(LoopbackTarget& target, std::string_view pattern) {
    SuiteConfig config = target.suite_config();
    config.slow = true;  // simulated time: the minutes of §6 take milliseconds
    device::SeededRng rng(7);
    return run_suite(target, config, rng, pattern);
}

}  // namespace

TEST_CASE("Every case passes against the correct core", "[wgconform]") {
    LoopbackTarget target;
    const auto results = run(target, "");
    REQUIRE(results.size() == catalogue().size());
    for (const auto& r : results) {
        INFO(r.id << ": " << to_string(r.verdict) << ": " << r.evidence);
        CHECK(r.verdict == Verdict::pass);
    }
    CHECK(exit_status(results) == 0);
}

TEST_CASE("Cases are selected by comma-separated globs", "[wgconform]") {
    CHECK(case_matches("transport.replay", ""));
    CHECK(case_matches("transport.replay", "transport.*"));
    CHECK(case_matches("transport.replay", "cookie.*,*.replay"));
    CHECK_FALSE(case_matches("transport.replay", "transport.rep"));
    CHECK(case_matches("transport.replay", "transport.re?lay"));
}

TEST_CASE("Reports: a table, JUnit XML and JSON with escaped text", "[wgconform]") {
    const std::vector<CaseResult> results = {
        {"transport.replay", "5.4.6", "a replay is dropped", Verdict::pass, "delivered once", std::chrono::milliseconds(5)},
        {"routing.outside_dropped", "3", "forged source", Verdict::fail, "reply reached \"identity 2\" <&>", {}},
        {"timers.passive_keepalive", "6.5", "keepalive", Verdict::skip, "runs with --slow", {}},
    };
    std::ostringstream table, junit, json;
    write_table(table, results, "192.0.2.1:51820");
    write_junit(junit, results, "192.0.2.1:51820");
    write_json(json, results, "192.0.2.1:51820");
    CHECK(table.str().find("routing.outside_dropped   3        FAIL     reply reached") != std::string::npos);
    CHECK(table.str().find("1 passed, 1 failed, 1 skipped") != std::string::npos);
    CHECK(junit.str().find("failures=\"1\" errors=\"0\" skipped=\"1\"") != std::string::npos);
    CHECK(junit.str().find("timestamp=\"20") != std::string::npos);
    CHECK(junit.str().find("<property name=\"tool\" value=\"wgconform ") != std::string::npos);
    // Stable names: the case id alone, the section a property.
    CHECK(junit.str().find("name=\"transport.replay\" time=") != std::string::npos);
    CHECK(junit.str().find("<property name=\"section\" value=\"5.4.6\"/>") != std::string::npos);
    CHECK(json.str().find("{\"tool\": \"wgconform\", \"version\": ") == 0);
    CHECK(junit.str().find("reply reached &quot;identity 2&quot; &lt;&amp;&gt;") != std::string::npos);
    CHECK(json.str().find("\"evidence\": \"reply reached \\\"identity 2\\\" <&>\"") != std::string::npos);
    CHECK(exit_status(results) == 1);
}

TEST_CASE("A harness error is an error: exit status 2, counted as such, never a quiet skip", "[wgconform]") {
    const std::vector<CaseResult> results = {
        {"transport.replay", "5.4.6", "a replay is dropped", Verdict::fail, "delivered twice", {}},
        {"handshake.valid_initiation", "5.4.3", "valid", Verdict::error, "harness error: no UDP socket", {}},
        {"handshake.zero_private_key", "5.4.2", "zero key", Verdict::diverges, "answered as wireguard-go", {}},
    };
    CHECK(exit_status(results) == 2);
    CHECK(exit_status(std::span(results).subspan(2)) == 0);  // DIVERGES alone is no failure
    std::ostringstream table, junit, json;
    write_table(table, results, "t");
    write_junit(junit, results, "t");
    write_json(json, results, "t");
    CHECK(table.str().find("1 harness errors") != std::string::npos);
    CHECK(junit.str().find("errors=\"1\"") != std::string::npos);
    CHECK(junit.str().find("<error message=\"harness error: no UDP socket\"/>") != std::string::npos);
    CHECK(json.str().find("\"errors\": 1") != std::string::npos);
}
