// SPDX-License-Identifier: MIT
// Cases: timers (paper §6), behind --slow because they wait out the
// protocol's own constants (§6.1): KEEPALIVE_TIMEOUT = 10 s,
// REKEY_AFTER_TIME = 120 s, REJECT_AFTER_TIME = 180 s.
//   - Passive keepalive (§6.5): a peer that received data and has sent
//     nothing back for KEEPALIVE_TIMEOUT sends a keepalive, so the sender
//     learns the path still works. The harness sends an unasked-for echo
//     *reply*: delivered, but answered by nothing.
//   - REJECT_AFTER_TIME (§6.2): a session is never used after 180 s.
//     The same after data whose inner source the target drops: the kernel
//     counts it as received before it looks inside.
//   - REKEY_AFTER_TIME (§6.2) binds the session's initiator, so the target
//     must start the session: identity 4 is a peer the target is configured
//     to reach (endpoint: the harness; persistent keepalive 6 s). The
//     harness answers its initiation as responder, then waits for the
//     target's next initiation, due on its first send after 120 s.
#include "case_support.hpp"
#include "wire/messages.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
constexpr Duration kKeepaliveTimeout = 10s;
constexpr Duration kRekeyTimeout = 5s;
constexpr Duration kRejectAfterTime = 180s;

/// Whether a keepalive comes on `session` KEEPALIVE_TIMEOUT after `datagram`,
/// which the target receives and answers nothing to.
Outcome keepalive_follows(CaseContext& c, const Session& session, const Bytes& datagram, const std::string& what) {
    c.network.send(session.port, datagram);
    const Duration sent = c.network.now();
    const Duration deadline = sent + kKeepaliveTimeout + kRekeyTimeout;
    while (c.network.now() < deadline) {
        auto received = c.network.receive(session.port, deadline - c.network.now());
        if (!received) break;
        const auto opened = open_data(session, *received);
        if (!opened || !opened->inner.empty()) continue;
        const Duration after = c.network.now() - sent;
        if (after < kKeepaliveTimeout - 1s) return fail("a keepalive came only " + milliseconds(after) + " after " + what);
        return pass("keepalive " + milliseconds(after) + " after " + what);
    }
    return fail("no keepalive within " + milliseconds(kKeepaliveTimeout + kRekeyTimeout) + " of " + what);
}

Outcome passive_keepalive(CaseContext& c) {
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return skip(why);
    const auto [ours, theirs] = *any_addresses(c.first);
    const Bytes unasked = make_echo_reply(ours, theirs, EchoId{7, 7}, as_bytes(std::string_view("no answer expected")));
    return keepalive_follows(c, *session, c.first.seal(*session, unasked, session->next_counter++),
                             "data that nothing answered");
}

Outcome keepalive_after_disallowed_source(CaseContext& c) {
    // The kernel arms the passive keepalive for any authenticated data, before
    // it looks at the inner packet (receive.c: wg_timers_data_received comes
    // before the allowed-IPs check); so does wireguard-go.
    if (!c.second) return skip("needs identity 2 (--second-private-key), whose address identity 1 forges");
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return skip(why);
    const auto ours = any_addresses(c.first);
    const auto theirs = c.second->addresses(ours->first.family);
    if (!theirs) return skip("identity 2 has no address of identity 1's family");
    const Echo forged = c.first.echo(*session, theirs->first, ours->second);
    return keepalive_follows(c, *session, forged.datagram, "data whose inner source is another peer's (dropped)");
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
constexpr Duration kPersistentKeepalive = 6s;  // identities 3 and 4

Outcome rekey_after_time(CaseContext& c) {
    if (!c.fourth) {
        return skip("needs identity 4, a peer the target initiates to (--fourth-private-key; see print-peer-config)");
    }
    InitiatedIdentity& who = *c.fourth;
    // The target initiates to identity 4 (its persistent keepalive, or the
    // rekey of a session an earlier case made); we answer as responder and
    // its keepalives use the session. Until it sends data on it, a new
    // initiation is a retry (our response lost), answered again; after, the
    // next one is the rekey, due at its first send after REKEY_AFTER_TIME.
    // Two bounded phases, whatever the target does.
    constexpr Duration kPhase = kRekeyAfterTime + kPersistentKeepalive + kRekeyTimeout + 5s;
    Duration deadline = c.network.now() + kPhase;
    std::optional<Session> session;
    bool confirmed = false;
    Duration started{};
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(who.port, deadline - c.network.now());
        if (!datagram) break;
        const auto type = wire::classify(*datagram);
        if (type == wire::MessageType::initiation && !confirmed) {
            const auto initiation = who.peer.open_initiation(*datagram);
            if (!initiation) return fail("the target's initiation to identity 4 does not verify");
            auto responded = who.peer.respond(who.port, *initiation);
            if (!responded) return fail("could not answer the target's initiation");
            if (!session) deadline = c.network.now() + kPhase;  // the second phase, once
            session = std::move(responded->session);
            started = c.network.now();
            who.session_started = started;
        } else if (type == wire::MessageType::initiation) {
            const Duration after = c.network.now() - started;
            if (after < kRekeyAfterTime - 1s) return fail("the target started a new handshake only " + milliseconds(after) + " into a working session");
            return pass("target-initiated session: new initiation " + milliseconds(after) + " after the first");
        } else if (session && open_data(*session, *datagram)) {
            confirmed = true;  // its keepalive: the target uses the session
        }
    }
    if (!session) return fail("the target never initiated to identity 4 (endpoint and persistent keepalive configured)");
    if (!confirmed) return fail("the target never sent data on the session it initiated");
    return fail("no new handshake from the target within " + milliseconds(c.network.now() - started) + " of a session it initiated");
}

const CaseDefinition kCases[] = {
    {"timers.passive_keepalive", "6.5", "a keepalive follows KEEPALIVE_TIMEOUT after unanswered data", true, passive_keepalive},
    {"timers.keepalive_after_disallowed_source", "6.5", "authenticated data with a disallowed inner source still gets its keepalive",
     true, keepalive_after_disallowed_source},
    {"timers.reject_after_time", "6.2", "a session older than REJECT_AFTER_TIME is not used", true, reject_after_time},
    {"timers.rekey_after_time", "6.2", "the initiator rekeys after REKEY_AFTER_TIME", true, rekey_after_time},
};

}  // namespace

std::span<const CaseDefinition> timer_cases() { return kCases; }

}  // namespace wg::conformance
