// Cases: timers (paper §6), behind --slow because they wait out the
// protocol's own constants (§6.1): KEEPALIVE_TIMEOUT = 10 s,
// REKEY_AFTER_TIME = 120 s, REJECT_AFTER_TIME = 180 s.
//   - Passive keepalive (§6.5): a peer that received data and has sent
//     nothing back for KEEPALIVE_TIMEOUT sends a keepalive, so the sender
//     learns the path still works. The harness sends an unasked-for echo
//     *reply*: delivered, but answered by nothing.
//   - REJECT_AFTER_TIME (§6.2): a session is never used after 180 s.
//   - REKEY_AFTER_TIME (§6.2) binds the session's initiator, so the target
//     must start the session: identity 3 is a peer the target is configured
//     to reach (endpoint: the harness; persistent keepalive 25 s). The
//     harness answers its initiation as responder, then waits for the
//     target's next initiation, due on its first send after 120 s.
#include "case_support.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
constexpr Duration kKeepaliveTimeout = 10s;
constexpr Duration kRekeyTimeout = 5s;
constexpr Duration kRejectAfterTime = 180s;

Outcome passive_keepalive(CaseContext& c) {
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return skip(why);
    const auto [ours, theirs] = *any_addresses(c.first);
    const Bytes unasked = make_echo_reply(ours, theirs, EchoId{7, 7}, as_bytes(std::string_view("no answer expected")));
    c.network.send(session->port, c.first.seal(*session, unasked, session->next_counter++));
    const Duration sent = c.network.now();
    const Duration deadline = sent + kKeepaliveTimeout + kRekeyTimeout;
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(session->port, deadline - c.network.now());
        if (!datagram) break;
        const auto opened = open_data(*session, *datagram);
        if (!opened || !opened->inner.empty()) continue;
        const Duration after = c.network.now() - sent;
        if (after < kKeepaliveTimeout - 1s) return fail("a keepalive came only " + milliseconds(after) + " after our data");
        return pass("keepalive " + milliseconds(after) + " after data that nothing answered");
    }
    return fail("no keepalive within " + milliseconds(kKeepaliveTimeout + kRekeyTimeout) + " of data that nothing answered");
}

Outcome reject_after_time(CaseContext& c) {
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return skip(why);
    c.network.sleep(kRejectAfterTime + 2s);
    const auto [ours, theirs] = *any_addresses(c.first);
    const Echo late = c.first.echo(*session, ours, theirs);
    if (echo_comes_back(c, late, session->port, *session, c.config.answer_wait)) {
        return fail("an echo on a session " + milliseconds(kRejectAfterTime + 2s) + " old was delivered");
    }
    return pass("data on a session 182 s old: not delivered");
}

constexpr Duration kRekeyAfterTime = 120s;
constexpr Duration kPersistentKeepalive = 25s;

Outcome rekey_after_time(CaseContext& c) {
    if (!c.config.third_key) {
        return skip("needs identity 3, a peer the target initiates to (--third-private-key; see print-peer-config)");
    }
    ProbePeer third(c.network, *c.config.third_key, c.config.target, c.rng);
    const Port port = c.network.open_port(c.config.third_port);
    // The target retries an unanswered initiation every REKEY_TIMEOUT and
    // sends a persistent keepalive (so, an initiation) every 25 s: one
    // arrives within a minute. Until it confirms our response with data,
    // an initiation is a retry of the first handshake, not a rekey.
    std::optional<Session> session;
    bool confirmed = false;
    Duration started{};
    const Duration first_deadline = c.network.now() + 60s;
    Duration deadline = first_deadline;
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(port, deadline - c.network.now());
        if (!datagram) break;
        const auto type = wire::classify(*datagram);
        if (type == wire::MessageType::initiation && !confirmed) {
            session = third.respond(port, *datagram);
            if (!session) return fail("the target's initiation to identity 3 does not verify");
            started = c.network.now();
            deadline = started + kRekeyAfterTime + kPersistentKeepalive + kRekeyTimeout + 5s;
        } else if (type == wire::MessageType::initiation) {
            const Duration after = c.network.now() - started;
            if (after < kRekeyAfterTime - 1s) return fail("the target started a new handshake only " + milliseconds(after) + " into a working session");
            return pass("target-initiated session: new initiation " + milliseconds(after) + " after the first");
        } else if (session && open_data(*session, *datagram)) {
            confirmed = true;  // its keepalive: the target uses the session
        }
    }
    if (!session) return fail("the target never initiated to identity 3 within 60 s (endpoint and persistent keepalive configured)");
    if (!confirmed) return fail("the target never sent data on the session it initiated");
    return fail("no new handshake from the target within " + milliseconds(deadline - started) + " of a session it initiated");
}

const CaseDefinition kCases[] = {
    {"timers.passive_keepalive", "6.5", "a keepalive follows KEEPALIVE_TIMEOUT after unanswered data", true, passive_keepalive},
    {"timers.reject_after_time", "6.2", "a session older than REJECT_AFTER_TIME is not used", true, reject_after_time},
    {"timers.rekey_after_time", "6.2", "the initiator rekeys after REKEY_AFTER_TIME", true, rekey_after_time},
};

}  // namespace

std::span<const CaseDefinition> timer_cases() { return kCases; }

}  // namespace wg::conformance
