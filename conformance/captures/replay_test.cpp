// SPDX-License-Identifier: MIT
// replay against the in-process target: a session is recorded, written to a
// capture and replayed. A correct target accepts nothing again; a target
// with no replay defences at all (AmnesiacTarget below: it answers every
// replayed message as it answered the original) is caught, which is the
// proof that replay can fail at all.
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

/// A target with no replay defences at all: it answers every message it is
/// sent as the recorded target answered the same bytes the first time (a
/// handshake response to the old initiation, echo replies to the old data).
class AmnesiacTarget final : public ProbeNetwork {
public:
    explicit AmnesiacTarget(const std::vector<CapturedDatagram>& recorded) {
        const Bytes* last_sent = nullptr;
        for (const auto& d : recorded) {
            if (d.destination.port == 51820) {
                last_sent = &d.payload;
                answers_[key(d.payload)];
            } else if (last_sent) {
                answers_[key(*last_sent)].push_back(d.payload);
            }
        }
    }
    Port open_port(std::uint16_t) override { return next_port_++; }
    void send(Port from, ByteView datagram) override {
        const auto found = answers_.find(key(datagram));
        if (found == answers_.end()) return;
        for (const auto& answer : found->second) queues_[from].push_back(answer);
    }
    std::optional<Bytes> receive(Port port, Duration wait) override {
        now_ += wait;
        auto& queue = queues_[port];
        if (queue.empty()) return std::nullopt;
        Bytes next = queue.front();
        queue.erase(queue.begin());
        return next;
    }
    Duration now() override { return now_; }
    void sleep(Duration duration) override { now_ += duration; }
    crypto::Tai64n wall_clock() override { return {}; }
    Duration unix_time() override { return {}; }

private:
    // Keyed by the bytes as a string (GCC 12 warns falsely on comparing vectors at -O3).
    static std::string key(ByteView bytes) { return {bytes.begin(), bytes.end()}; }
    std::map<std::string, std::vector<Bytes>> answers_;
    std::map<Port, std::vector<Bytes>> queues_;
    Port next_port_ = 0;
    Duration now_{};
};

/// Records a session with `target`, then replays it to the same target (or,
/// with `amnesiac`, to a target that has no replay defences).
Run record_and_replay(LoopbackTarget& target, bool with_keylog, ReplayOptions options = {}, bool amnesiac = false) {
    const auto session = test::record_session(target);
    REQUIRE(session.echo_replies == 2);
    test::TempDir dir;
    REQUIRE(write_capture(dir.file("s.pcap"), session.datagrams).empty());
    test::write_text(dir.file("s.keylog"), session.keylog);
    if (with_keylog) options.keylog = dir.file("s.keylog");
    std::ostringstream out;
    const auto endpoint = Endpoint::parse(test::kTargetText);
    AmnesiacTarget forgetful(session.datagrams);
    ProbeNetwork& network = amnesiac ? static_cast<ProbeNetwork&>(forgetful) : target;
    const int status = run_replay(dir.file("s.pcap"), network, *endpoint, out, options);
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

TEST_CASE("replay: a target with no replay defences answers the old initiation and the old data: FAIL", "[captures]") {
    LoopbackTarget target;
    const auto run = record_and_replay(target, false, {}, /*amnesiac=*/true);
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("replayed initiation was answered with a handshake response (§5.1"));
    CHECK_THAT(run.out, Catch::Contains("3 accepted again"));
}

TEST_CASE("replay: a target without a replay window delivers old data: FAIL, named with the keys", "[captures]") {
    LoopbackTarget target;
    const auto run = record_and_replay(target, true, {}, /*amnesiac=*/true);
    INFO(run.out);
    CHECK(run.status == 1);
    CHECK_THAT(run.out, Catch::Contains("ICMP echo reply id 7 seq 1, 32 bytes through the captured session"));
}

TEST_CASE("replay: cookie replies from a target under load are not acceptance", "[captures]") {
    LoopbackTarget target(1, /*load_threshold=*/1);  // every handshake message is load
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
