// wgconform checks itself. Every case runs against the in-process target
// twice: built correctly, where it must PASS, and with exactly the flaw it
// looks for, where it must FAIL. The table below is the promise "every case
// can fail", written down; a case missing from it fails the last test.
#include <catch2/catch.hpp>

#include <sstream>

#include "loopback_target.hpp"
#include "report.hpp"

using namespace wg;
using namespace wg::conformance;

namespace {

struct Flaw {
    std::string_view case_id;
    device::DeviceFlaws device;
    TargetFlaws target;
};

device::DeviceFlaws device_flaw(bool device::DeviceFlaws::*member) {
    device::DeviceFlaws f;
    f.*member = true;
    return f;
}
TargetFlaws target_flaw(bool TargetFlaws::*member) {
    TargetFlaws f;
    f.*member = true;
    return f;
}

const std::vector<Flaw>& flaws() {
    using D = device::DeviceFlaws;
    using T = TargetFlaws;
    static const std::vector<Flaw> table = {
        {"handshake.valid_initiation", {}, target_flaw(&T::corrupt_response_mac1)},
        {"handshake.bad_mac1", {}, target_flaw(&T::ignore_mac1)},
        {"handshake.unknown_key", device_flaw(&D::accept_unknown_peers), {}},
        {"handshake.replayed_initiation", device_flaw(&D::accept_old_timestamps), {}},
        {"handshake.old_timestamp", device_flaw(&D::accept_old_timestamps), {}},
        {"handshake.reserved_bytes", {}, target_flaw(&T::ignore_reserved_bytes)},
        {"handshake.malformed", {}, target_flaw(&T::hang_after_malformed)},
        {"transport.delivered", {}, target_flaw(&T::drop_all_data)},
        {"transport.replay", device_flaw(&D::accept_replayed_data), {}},
        {"transport.out_of_order", {}, target_flaw(&T::window_of_one)},
        {"transport.old_counter", device_flaw(&D::accept_replayed_data), {}},
        {"transport.tampered", device_flaw(&D::update_window_before_auth), {}},
        {"transport.keepalive", {}, target_flaw(&T::drop_keepalives)},
        {"transport.key_confirmation", device_flaw(&D::send_before_confirmation), {}},
        {"routing.inside_delivered", {}, target_flaw(&T::drop_all_data)},
        {"routing.outside_dropped", device_flaw(&D::accept_any_inner_source), {}},
        {"routing.roaming", {}, target_flaw(&T::no_roaming)},
        {"cookie.none_when_idle", device_flaw(&D::always_under_load), {}},
        {"cookie.reply_under_load", device_flaw(&D::never_under_load), {}},
        {"cookie.decrypts", {}, target_flaw(&T::corrupt_cookie_reply)},
        {"cookie.mac2_retry", device_flaw(&D::ignore_mac2), {}},
        {"cookie.bad_mac1_under_load", {}, target_flaw(&T::ignore_mac1)},
        {"timers.passive_keepalive", device_flaw(&D::no_passive_keepalive), {}},
        {"timers.reject_after_time", device_flaw(&D::no_session_expiry), {}},
        {"timers.rekey_after_time", device_flaw(&D::no_rekey_after_time), {}},
    };
    return table;
}

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

TEST_CASE("Every case fails against a core with the flaw it looks for", "[wgconform]") {
    for (const Flaw& flaw : flaws()) {
        LoopbackTarget target(flaw.device, flaw.target);
        const auto results = run(target, flaw.case_id);
        REQUIRE(results.size() == 1);
        INFO(flaw.case_id << ": " << to_string(results[0].verdict) << ": " << results[0].evidence);
        CHECK(results[0].verdict == Verdict::fail);
        CHECK(exit_status(results) == 1);
    }
}

TEST_CASE("Every case in the catalogue has a flaw that makes it fail", "[wgconform]") {
    for (const auto& definition : catalogue()) {
        const bool listed = std::any_of(flaws().begin(), flaws().end(), [&](auto& f) { return f.case_id == definition.id; });
        INFO(definition.id);
        CHECK(listed);
    }
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
    CHECK(junit.str().find("failures=\"1\" skipped=\"1\"") != std::string::npos);
    CHECK(junit.str().find("reply reached &quot;identity 2&quot; &lt;&amp;&gt;") != std::string::npos);
    CHECK(json.str().find("\"evidence\": \"reply reached \\\"identity 2\\\" <&>\"") != std::string::npos);
    CHECK(exit_status(results) == 1);
}
