// replay against the in-process target: a session is recorded, written to a
// capture and replayed. A correct target accepts nothing again; a target
// that skips the timestamp check (§5.1) or the replay window (§5.4.6) is
// caught, which is the proof that replay can fail at all.
#include <catch2/catch.hpp>

#include <sstream>

#include "replay.hpp"
#include "test_sessions.hpp"

using namespace wg;
using namespace wg::conformance;
using namespace wg::conformance::captures;

namespace {

struct Run {
    int status;
    std::string out;
};

/// Records a session with `target`, then replays it to the same target.
Run record_and_replay(LoopbackTarget& target, bool with_keylog, ReplayOptions options = {}) {
    const auto session = test::record_session(target);
    REQUIRE(session.echo_replies == 2);
    test::TempDir dir;
    REQUIRE(write_capture(dir.file("s.pcap"), session.datagrams).empty());
    test::write_text(dir.file("s.keylog"), session.keylog);
    if (with_keylog) options.keylog = dir.file("s.keylog");
    std::ostringstream out;
    const auto endpoint = Endpoint::parse(test::kTargetText);
    const int status = run_replay(dir.file("s.pcap"), target, *endpoint, out, options);
    return {status, out.str()};
}

}  // namespace

TEST_CASE("replay: a correct target accepts nothing again", "[captures]") {
    LoopbackTarget target;
    const auto run = record_and_replay(target, false);
    INFO(run.out);
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("Replaying 3 messages"));
    CHECK_THAT(run.out, Catch::Contains("initiation (handshake initiation [§5.4.2] sender 0x0a0b0c0d, 148 bytes): ok: no answer"));
    CHECK_THAT(run.out, Catch::Contains("without keys delivery cannot be seen"));
    CHECK_THAT(run.out, Catch::Contains("PASS"));
}

TEST_CASE("replay: with the key log, replayed data is seen not delivered", "[captures]") {
    LoopbackTarget target;
    const auto run = record_and_replay(target, true);
    INFO(run.out);
    CHECK(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("key log: 1 sessions"));
    CHECK_FALSE(Catch::Contains("cannot be seen").match(run.out));
}

TEST_CASE("replay: a target without the timestamp check answers the old initiation: FAIL", "[captures]") {
    device::DeviceFlaws flaws;
    flaws.accept_old_timestamps = true;
    LoopbackTarget target(flaws);
    const auto run = record_and_replay(target, false);
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("replayed initiation was answered with a handshake response (§5.1"));
    CHECK_THAT(run.out, Catch::Contains("1 accepted again"));
}

TEST_CASE("replay: a target without a replay window delivers old data: FAIL, named with the keys", "[captures]") {
    device::DeviceFlaws flaws;
    flaws.accept_replayed_data = true;
    LoopbackTarget target(flaws);
    const auto run = record_and_replay(target, true);
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("ICMP echo reply id 7 seq 1, 32 bytes through the captured session"));
}

TEST_CASE("replay: cookie replies from a target under load are not acceptance", "[captures]") {
    device::DeviceFlaws flaws;
    flaws.always_under_load = true;
    LoopbackTarget target(flaws);
    // Under load the recorded handshake itself gets a cookie reply, not a
    // response: record it by hand instead, then replay only the initiation.
    const auto session = test::record_session(target);
    REQUIRE(session.datagrams.size() >= 1);
    test::TempDir dir;
    REQUIRE(write_capture(dir.file("s.pcap"), {session.datagrams[0]}).empty());
    std::ostringstream out;
    const int status = run_replay(dir.file("s.pcap"), target, *Endpoint::parse(test::kTargetText), out);
    INFO(out.str());
    CHECK(status == 0);
    CHECK_THAT(out.str(), Catch::Contains("cookie reply: the target is under load"));
}

TEST_CASE("replay: nothing to the target, or an unreadable capture, is exit 2", "[captures]") {
    LoopbackTarget target;
    std::ostringstream out;
    const auto elsewhere = Endpoint::parse("192.0.2.99:51820");
    CHECK(run_replay(WGCONFORM_PCAPS_DIR "/wgref-wireguard-go.pcap", target, *elsewhere, out) == 2);
    CHECK_THAT(out.str(), Catch::Contains("destinations in the capture: 192.0.2.1:51820 192.0.2.2:51820"));
    std::ostringstream out2;
    CHECK(run_replay("/nonexistent/x.pcap", target, *elsewhere, out2) == 2);
    CHECK_THAT(out2.str(), Catch::Contains("/nonexistent/x.pcap"));
}

TEST_CASE("replay: --port picks messages by destination port when addresses differ", "[captures]") {
    LoopbackTarget target;
    ReplayOptions options;
    options.destination_port = 51820;
    const auto session = test::record_session(target);
    test::TempDir dir;
    REQUIRE(write_capture(dir.file("s.pcap"), session.datagrams).empty());
    std::ostringstream out;
    const auto live = Endpoint::parse("[2001:db8::5]:51820");
    const int status = run_replay(dir.file("s.pcap"), target, *live, out, options);
    INFO(out.str());
    CHECK(status == 0);
    CHECK_THAT(out.str(), Catch::Contains("Replaying 3 messages"));
}
