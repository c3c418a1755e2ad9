// SPDX-License-Identifier: MIT
// Cases: the target as initiator (paper §5.1, §5.4.2, §5.4.7, §6.4, and the
// kernel where it says more). Identities 3 and 4 are peers the target knows
// the endpoint of and keeps alive (persistent keepalive 6 s), so it keeps
// sending them initiations; the harness watches them, and answers some.
//   - Its initiations verify: mac1 keyed by our key, static and timestamp
//     decrypt (§5.4.2).
//   - Timestamps (§5.1, the kernel's tai64n_now): the TAI64 label is
//     2^62 + 10 + Unix seconds; nanoseconds are a multiple of 2^24
//     ("whitened"); and they strictly increase.
//   - Retries (§6.4): each a fresh ephemeral key and sender index, REKEY_TIMEOUT
//     plus 0-333 ms of jitter after the last.
//   - Cookies (§5.4.7): after our cookie reply, the retry carries mac2 from
//     it; a second reply to the same initiation is refused (the kernel; not
//     wireguard-go: DIVERGES).
//   - Responses (§5.4.3): one to an index the target never used is ignored;
//     one sent twice makes one session; one with a wrong mac1 is ignored
//     (§5.4.4; the case lab 9 asks a student to write, marked `// [lab-9]`).
//   - Having answered our initiation, the target sends none of its own for
//     REKEY_TIMEOUT (§6.4: the kernel counts responses), and a response to
//     the initiation it abandoned for ours is ignored (crossed initiations).
//   - On key confirmation the endpoint moves before the packets that waited
//     are sent (the kernel's receive.c).
//   - Roaming (§2.1) follows authenticated, fresh data only: a forged or a
//     replayed data message from a new address leaves the endpoint alone,
//     which the target's own keepalives on identity 4's session show.
#include "case_support.hpp"
#include "cookie/macs.hpp"
#include "wire/messages.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
constexpr Duration kRekeyTimeout = 5s;
constexpr Duration kJitterMax = 333ms;
constexpr Duration kPersistentKeepalive = 6s;  // identities 3 and 4
/// How long to wait for the target's next initiation: its retries come every
/// REKEY_TIMEOUT, and when it gives up (after 20), the persistent keepalive
/// (6 s on identities 3 and 4) starts a new round.
constexpr Duration kInitiationWait = 30s;

std::string no_identity(int n) {
    return "needs identity " + std::to_string(n) + ", a peer the target initiates to (--" + (n == 3 ? "third" : "fourth") +
           "-private-key; see print-peer-config)";
}

/// The next initiation the target sends `who` (nothing is answered).
std::optional<SeenInitiation> next_initiation(CaseContext& c, InitiatedIdentity& who, Duration wait = kInitiationWait) {
    const Duration deadline = c.network.now() + wait;
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(who.port, deadline - c.network.now());
        if (!datagram) break;
        if (wire::classify(*datagram) != wire::MessageType::initiation) continue;
        if (auto opened = who.peer.open_initiation(*datagram)) {
            who.seen.push_back(SeenInitiation{std::move(*opened), c.network.now()});
            return who.seen.back();
        }
    }
    return std::nullopt;
}

/// The target's next initiation to `who` from now on. What waited in the
/// queue while no case listened is dropped first: its time of arrival is
/// unknown, and the target has moved on from it (a newer retry replaced it).
std::optional<SeenInitiation> fresh_initiation(CaseContext& c, InitiatedIdentity& who, Duration wait = kInitiationWait) {
    for (int waiting = 0; waiting < 10'000 && c.network.receive(who.port, Duration{0}); ++waiting) {
    }
    return next_initiation(c, who, wait);
}

/// The target's current initiation to `who`: the one just seen, if it came
/// less than 500 ms ago and none followed it; else a fresh one. It saves a
/// case the wait for the next retry when the case before has just taken one.
std::optional<SeenInitiation> current_initiation(CaseContext& c, InitiatedIdentity& who) {
    using namespace std::chrono_literals;
    if (!who.seen.empty() && c.network.now() - who.seen.back().arrived < 500ms) {
        if (!c.network.receive(who.port, Duration{0})) return who.seen.back();
    }
    return fresh_initiation(c, who);
}

/// At least `n` initiations in a row that the harness left unanswered, the
/// ones seen already included (the watching cases share them).
std::optional<std::vector<SeenInitiation>> unanswered(CaseContext& c, InitiatedIdentity& who, std::size_t n) {
    while (who.seen.size() < n) {
        if (!next_initiation(c, who)) return std::nullopt;
    }
    return std::vector<SeenInitiation>(who.seen.end() - static_cast<std::ptrdiff_t>(n), who.seen.end());
}

std::string hex(std::uint32_t v) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", v);
    return text;
}

// ---- watching ------------------------------------------------------------

Outcome initiation_verifies(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto seen = unanswered(c, *c.third, 1);
    if (!seen) return fail("no initiation from the target to identity 3 within " + milliseconds(kInitiationWait) +
                           " (endpoint: the harness, persistent keepalive 6 s)");
    const auto& i = seen->back().initiation;
    if (!i.mac1_valid) return fail("the initiation's mac1 is not MAC(HASH(\"mac1----\" || identity 3's public key), msg)");
    if (i.consumed.initiator->public_key != c.config.target.public_key) return fail("the initiation's static key is not the target's");
    return pass("148 bytes, mac1 valid, static key and timestamp decrypt with identity 3's key");
}

Outcome timestamp_label(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto seen = fresh_initiation(c, *c.third);
    if (!seen) return skip("no initiation from the target (see initiator.initiation_verifies)");
    // The label is read by hand, not with the harness's own TAI64N code.
    const std::uint64_t label = load_be64(seen->initiation.consumed.timestamp.view().data());
    const auto ours = std::chrono::duration_cast<std::chrono::seconds>(c.network.unix_time() - (c.network.now() - seen->arrived));
    const auto theirs = static_cast<std::int64_t>(label - (std::uint64_t{1} << 62) - 10);
    const auto off = theirs - ours.count();
    if (off >= -2 && off <= 2) return pass("label 2^62 + 10 + " + std::to_string(theirs) + ": within " + std::to_string(off) + " s of our clock");
    // Two labels a target could plausibly get wrong, each a fixed distance
    // from the right one: TAI64 with no TAI offset, and TAI with today's 37
    // leap seconds (TAI - UTC since 2017) where the kernel counts UTC's
    // seconds from TAI - UTC = 10 at 1970.
    if (off >= -12 && off <= -8) {
        return fail("label 2^62 + Unix seconds, 10 s behind: the kernel and wireguard-go write 0x400000000000000a + seconds");
    }
    if (off >= 25 && off <= 29) {
        return fail("label 2^62 + 37 + Unix seconds, 27 s ahead (TAI with today's leap seconds): the kernel and "
                    "wireguard-go write 0x400000000000000a + seconds");
    }
    // Any other distance is the clocks', not the label's: a target on
    // another machine (the Linux guest too) keeps its own clock, and a clock
    // that steps while the target runs moves one reading and not the other.
    return skip("the target's clock and ours differ by " + std::to_string(off) +
                " s: the label is judged only within 2 s, or at the distance of a known wrong label (-10 s, +27 s)");
}

Outcome timestamp_whitened(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto seen = unanswered(c, *c.third, 2);
    if (!seen) return skip("fewer than 2 initiations from the target (see initiator.initiation_verifies)");
    for (const auto& s : *seen) {
        const std::uint32_t ns = load_be32(s.initiation.consumed.timestamp.view().data() + 8);
        if (ns % (1u << 24) != 0) {
            return fail("nanoseconds " + std::to_string(ns) + " are not a multiple of 2^24: the timestamp shows the clock's precision");
        }
    }
    return pass("2 initiations: nanoseconds rounded down to multiples of 2^24, as the kernel and wireguard-go do");
}

Outcome timestamps_increase(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto seen = unanswered(c, *c.third, 3);
    if (!seen) return skip("fewer than 3 initiations from the target (see initiator.initiation_verifies)");
    for (std::size_t i = 1; i < seen->size(); ++i) {
        if (!(*seen)[i].initiation.consumed.timestamp.is_after((*seen)[i - 1].initiation.consumed.timestamp)) {
            return fail("initiation " + std::to_string(i + 1) + " of 3 has a timestamp not newer than the one before: a responder ignores it (5.1)");
        }
    }
    return pass("3 initiations in a row, each timestamp newer than the last");
}

Outcome retry_fresh(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto seen = unanswered(c, *c.third, 2);
    if (!seen) return skip("fewer than 2 initiations from the target (see initiator.initiation_verifies)");
    const auto& a = (*seen)[0].initiation.consumed;
    const auto& b = (*seen)[1].initiation.consumed;
    if (a.initiator_ephemeral == b.initiator_ephemeral) return fail("a retry reused the ephemeral key of the initiation before it");
    if (a.initiator_index == b.initiator_index) return fail("a retry reused sender index " + hex(a.initiator_index));
    return pass("a retry: new ephemeral key, new sender index " + hex(b.initiator_index) + " (was " + hex(a.initiator_index) + ")");
}

Outcome retry_spacing(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    // Three taken as they arrive: two gaps.
    std::vector<SeenInitiation> seen;
    for (int i = 0; i < 3; ++i) {
        auto next = i == 0 ? fresh_initiation(c, *c.third) : next_initiation(c, *c.third);
        if (!next) return skip("fewer than 3 initiations from the target (see initiator.initiation_verifies)");
        seen.push_back(std::move(*next));
    }
    std::string gaps;
    int judged = 0;
    for (std::size_t i = 1; i < seen.size(); ++i) {
        const Duration gap = seen[i].arrived - seen[i - 1].arrived;
        gaps += (gaps.empty() ? "" : ", ") + milliseconds(gap);
        // A gap of 20 s or more is a new round after the target gave up
        // (REKEY_ATTEMPT_TIME), started by the persistent keepalive.
        if (gap >= 20s) continue;
        ++judged;
        if (gap < kRekeyTimeout - 100ms || gap > kRekeyTimeout + kJitterMax + 400ms) {
            return fail("retries " + gaps + " apart: expected REKEY_TIMEOUT (5 s) plus 0-333 ms of jitter (6.4)");
        }
    }
    if (judged == 0) return skip("no two initiations of one round: " + gaps);
    return pass("retries " + gaps + " apart");
}

// ---- cookies ----------------------------------------------------------------

/// A cookie reply from identity `who` to `initiation`, carrying `cookie`.
Bytes cookie_reply_to(CaseContext& c, const InitiatedIdentity& who, const ProbePeer::TargetInitiation& initiation,
                      const crypto::Mac& cookie) {
    crypto::XNonce nonce;
    c.rng.fill(nonce);
    std::array<std::uint8_t, wire::CookieReply::kSize> reply{};
    cookie::create_cookie_reply(initiation.consumed.initiator_index, cookie, cookie::mac1_of(initiation.bytes), nonce,
                                who.peer.own_mac_keys().cookie_key, reply);
    return Bytes(reply.begin(), reply.end());
}

crypto::Mac random_cookie(CaseContext& c) {
    crypto::Mac cookie{};
    c.rng.fill(cookie);
    return cookie;
}

Outcome cookie_mac2(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto first = fresh_initiation(c, *c.third);
    if (!first) return skip("no initiation from the target (see initiator.initiation_verifies)");
    const crypto::Mac cookie = random_cookie(c);
    c.network.send(c.third->port, cookie_reply_to(c, *c.third, first->initiation, cookie));
    const auto retry = next_initiation(c, *c.third);
    if (!retry) return fail("no initiation followed our cookie reply");
    if (!cookie::mac2_is_valid(retry->initiation.bytes, cookie)) {
        return fail("the initiation after our cookie reply has no valid mac2 = MAC(cookie, msg_beta) (5.4.7)");
    }
    return pass("after our cookie reply, the next initiation's mac2 is MAC(cookie, msg_beta)");
}

Outcome cookie_once(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    // The retry that initiator.cookie_mac2 just took has had no cookie reply.
    const auto first = current_initiation(c, *c.third);
    if (!first) return skip("no initiation from the target (see initiator.initiation_verifies)");
    const crypto::Mac cookie = random_cookie(c), second_cookie = random_cookie(c);
    c.network.send(c.third->port, cookie_reply_to(c, *c.third, first->initiation, cookie));
    c.network.sleep(50ms);
    c.network.send(c.third->port, cookie_reply_to(c, *c.third, first->initiation, second_cookie));
    const auto retry = next_initiation(c, *c.third);
    if (!retry) return skip("no initiation followed our cookie replies");
    if (cookie::mac2_is_valid(retry->initiation.bytes, cookie)) {
        return pass("two cookie replies to one initiation: mac2 uses the first; the second was refused (the kernel's have_sent_mac1)");
    }
    if (cookie::mac2_is_valid(retry->initiation.bytes, second_cookie)) {
        return diverges("a second cookie reply to one initiation replaced the first, as wireguard-go allows; the kernel "
                        "takes one reply per message sent");
    }
    return skip("the next initiation carries neither cookie in mac2 (see initiator.cookie_mac2)");
}

// ---- answering ----------------------------------------------------------------

/// Whether transport data arrives on `port` within `wait` that opens with
/// `session` and has counter `counter` (any counter, if none is given).
bool data_arrives(CaseContext& c, Port port, const Session& session, Duration wait,
                  std::optional<std::uint64_t> counter = std::nullopt) {
    const Duration deadline = c.network.now() + wait;
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(port, deadline - c.network.now());
        if (!datagram) return false;
        const auto opened = open_data(session, *datagram);
        if (opened && (!counter || opened->counter == *counter)) return true;
    }
    return false;
}

Outcome unknown_index_response(CaseContext& c) {
    if (!c.fourth) return skip(no_identity(4));
    const auto initiation = fresh_initiation(c, *c.fourth);
    if (!initiation) return skip("no initiation from the target to identity 4");
    const std::uint32_t wrong = initiation->initiation.consumed.initiator_index ^ 0x5a5a5a5a;
    const auto sent = c.fourth->peer.respond(c.fourth->port, initiation->initiation, wrong);
    if (!sent) return skip("could not make a response");
    if (data_arrives(c, c.fourth->port, sent->session, c.config.silence_wait)) {
        return fail("a response naming index " + hex(wrong) + ", which the target never used, made a session: it sent data on it");
    }
    return pass("a response to index " + hex(wrong) + " (the target's was " +
                hex(initiation->initiation.consumed.initiator_index) + "): ignored, no data followed");
}

// [lab-9]
Outcome response_bad_mac1(CaseContext& c) {
    // §5.4.4: every handshake message carries mac1, keyed by its receiver's
    // public key, and one whose mac1 is wrong is dropped before any other
    // work: a response included, though it answers an initiation of ours.
    if (!c.fourth) return skip(no_identity(4));
    const auto initiation = fresh_initiation(c, *c.fourth);
    if (!initiation) return skip("no initiation from the target to identity 4");
    const auto sent = c.fourth->peer.respond(c.fourth->port, initiation->initiation, std::nullopt, ProbePeer::Mac1::wrong);
    if (!sent) return skip("could not make a response");
    if (data_arrives(c, c.fourth->port, sent->session, c.config.silence_wait)) {
        return fail("a response with a wrong mac1 made a session: the target sent data on it (5.4.4: it must be dropped)");
    }
    return pass("a response with one bit of its mac1 flipped: ignored, no data followed");
}
// [lab-9]

Outcome response_once(CaseContext& c) {
    if (!c.fourth) return skip(no_identity(4));
    const auto initiation = fresh_initiation(c, *c.fourth);
    if (!initiation) return skip("no initiation from the target to identity 4");
    const auto sent = c.fourth->peer.respond(c.fourth->port, initiation->initiation);
    if (!sent) return skip("could not make a response");
    c.fourth->session_started = c.network.now();
    // The initiator speaks first on a new session (5.4.6): counter 0.
    if (!data_arrives(c, c.fourth->port, sent->session, c.config.answer_wait, 0)) {
        return fail("no data (counter 0) followed our response: the target did not take it");
    }
    c.fourth->session = sent->session;
    c.network.send(c.fourth->port, sent->response);  // the same response again
    if (data_arrives(c, c.fourth->port, sent->session, c.config.silence_wait, 0)) {
        return fail("the same response sent twice made a second session: counter 0 was used again on the same keys");
    }
    return pass("one response, one session (its keepalive, counter 0); the same response again: ignored");
}

/// Where the target's next data on `session` goes, `home` or `away` (its
/// persistent keepalive, every 6 s, if nothing else): which port, or nullopt.
std::optional<Port> next_data_to(CaseContext& c, const Session& session, Port home, Port away) {
    const Duration deadline = c.network.now() + kPersistentKeepalive + 2s;
    while (c.network.now() < deadline) {
        for (const Port port : {home, away}) {
            while (auto datagram = c.network.receive(port, Duration{0})) {
                if (open_data(session, *datagram)) return port;
            }
        }
        c.network.sleep(50ms);
    }
    return std::nullopt;
}

Outcome roaming_authenticated_only(CaseContext& c) {
    if (!c.fourth) return skip(no_identity(4));
    if (!c.fourth->session) {
        // Run alone (without initiator.response_once before it): make one.
        const auto initiation = fresh_initiation(c, *c.fourth);
        if (!initiation) return skip("no initiation from the target to identity 4");
        auto sent = c.fourth->peer.respond(c.fourth->port, initiation->initiation);
        if (!sent || !data_arrives(c, c.fourth->port, sent->session, c.config.answer_wait, 0)) {
            return skip("no session the target initiated with identity 4 (see initiator.response_once)");
        }
        c.fourth->session = sent->session;
        c.fourth->session_started = c.network.now();
    }
    Session& session = *c.fourth->session;
    const Port home = c.fourth->port;
    // A keepalive from home first: the messages below then carry counters
    // above 0 (transport.keepalive is the case about counter 0), and the
    // last thing this case does is put the endpoint back home, whatever
    // happened, so the cases after it find identity 4 where it was.
    const auto send_home = [&] { c.network.send(home, c.fourth->peer.seal(session, {}, session.next_counter++)); };
    send_home();
    // The target sends on this session by itself (its persistent keepalive),
    // so where it sends shows its endpoint without any packet of ours from
    // home putting it back. First a forgery from a new address: the
    // session's index and next counter, and bytes that are no ciphertext of ours.
    const Port forger = c.network.open_port();
    Bytes forged = c.fourth->peer.seal(session, {}, session.next_counter);
    forged.back() ^= 0x01;
    c.network.send(forger, forged);
    auto to = next_data_to(c, session, home, forger);
    if (to == forger) send_home();
    if (to == forger) return fail("a forged data message (bad tag) from a new address moved the endpoint: the target's next data went there");
    if (!to) return skip("the target sent nothing on identity 4's session within " + milliseconds(kPersistentKeepalive + 2s));
    // Then a replay from a new address: an authentic keepalive of ours,
    // delivered from home, sent again.
    const Bytes keepalive = c.fourth->peer.seal(session, {}, session.next_counter++);
    c.network.send(home, keepalive);
    const Port replayer = c.network.open_port();
    c.network.send(replayer, keepalive);
    to = next_data_to(c, session, home, replayer);
    if (to == replayer) {
        send_home();
        return fail("a replayed data message from a new address moved the endpoint: the target's next data went there; "
                    "the kernel and wireguard-go move it only after the replay check");
    }
    if (!to) return skip("the target sent nothing on identity 4's session within " + milliseconds(kPersistentKeepalive + 2s));
    return pass("a forged and a replayed data message, each from a new address: the target kept sending home");
}

/// Sends identity `who`'s own initiation to the target from its port and
/// returns the session once the target's response came (nullopt otherwise).
std::optional<Session> initiate_as(CaseContext& c, InitiatedIdentity& who, std::string& why) {
    auto session = who.peer.handshake(who.port, c.config.answer_wait, why);
    return session;
}

Outcome response_holds_initiations(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto theirs = fresh_initiation(c, *c.third);
    if (!theirs) return skip("no initiation from the target (see initiator.initiation_verifies)");
    // Four seconds into the target's REKEY_TIMEOUT, we initiate and it answers.
    const Duration answer_at = theirs->arrived + 4s;
    if (c.network.now() < answer_at) c.network.sleep(answer_at - c.network.now());
    std::string why;
    if (!initiate_as(c, *c.third, why)) return skip("the target did not answer identity 3's initiation: " + why);
    const Duration answered = c.network.now();
    // Its own retry is due about now; a response counts for the limit too,
    // so nothing may come for REKEY_TIMEOUT after it.
    const auto next = next_initiation(c, *c.third, kRekeyTimeout - 500ms);
    if (next) {
        return fail("the target initiated " + milliseconds(next->arrived - answered) +
                    " after answering our initiation: a response must hold its initiations for REKEY_TIMEOUT (6.4)");
    }
    return pass("after answering our initiation, no initiation of its own for " + milliseconds(kRekeyTimeout - 500ms));
}

Outcome crossed_initiations(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    const auto theirs = fresh_initiation(c, *c.third);
    if (!theirs) return skip("no initiation from the target (see initiator.initiation_verifies)");
    // Ours crosses theirs: the target answers ours, and so ends its own...
    std::string why;
    if (!initiate_as(c, *c.third, why)) return skip("the target did not answer identity 3's initiation: " + why);
    // ...so our response to its initiation must find nothing.
    const auto late = c.third->peer.respond(c.third->port, theirs->initiation);
    if (!late) return skip("could not make a response");
    if (data_arrives(c, c.third->port, late->session, c.config.silence_wait)) {
        return fail("after answering our initiation, the target still took a response to its own: the initiations "
                    "crossed, and the kernel and wireguard-go keep only the one they answered");
    }
    return pass("initiations crossed: the target answered ours, and ignored our response to its own");
}

Outcome staged_to_new_endpoint(CaseContext& c) {
    if (!c.third) return skip(no_identity(3));
    // The target has a keepalive waiting for identity 3 (its persistent
    // keepalive, with no keys to send it): it is initiating.
    if (!fresh_initiation(c, *c.third)) return skip("no initiation from the target (see initiator.initiation_verifies)");
    std::string why;
    auto session = initiate_as(c, *c.third, why);
    if (!session) return skip("the target did not answer identity 3's initiation: " + why);
    // We confirm its new keys from a new address: what waited must come there.
    const Port moved = c.network.open_port();
    c.network.send(moved, c.third->peer.seal(*session, {}, session->next_counter++));
    if (data_arrives(c, moved, *session, c.config.answer_wait)) {
        return pass("key confirmation from a new address: the packet that waited came to the new address");
    }
    if (data_arrives(c, c.third->port, *session, c.config.silence_wait)) {
        return fail("on key confirmation the target sent what waited to the old address: the endpoint must move first "
                    "(the kernel's wg_packet_consume_data_done)");
    }
    return fail("on key confirmation nothing that waited came: the kernel and wireguard-go keep a keepalive waiting "
                "for a handshake and send it then");
}

const CaseDefinition kCases[] = {
    {"initiator.initiation_verifies", "5.4.2", "the target's initiations verify: mac1, static key, timestamp", false, initiation_verifies},
    {"initiator.timestamp_label", "5.1", "the timestamp's label is 2^62 + 10 + Unix seconds", false, timestamp_label},
    {"initiator.timestamp_whitened", "5.1", "the timestamp's nanoseconds are a multiple of 2^24", false, timestamp_whitened},
    {"initiator.timestamps_increase", "5.1", "each initiation's timestamp is newer than the last", false, timestamps_increase},
    {"initiator.retry_fresh", "5.4.2", "each retry has a fresh ephemeral key and sender index", false, retry_fresh},
    {"initiator.retry_spacing", "6.4", "retries come REKEY_TIMEOUT plus 0-333 ms apart", false, retry_spacing},
    {"initiator.cookie_mac2", "5.4.7", "after a cookie reply, the retry carries its mac2", false, cookie_mac2},
    {"initiator.cookie_once", "5.4.7", "a second cookie reply to one initiation is refused", false, cookie_once},
    {"initiator.response_holds_initiations", "6.4", "after answering an initiation, none of its own for REKEY_TIMEOUT", false,
     response_holds_initiations},
    {"initiator.crossed_initiations", "5.4.3", "a response to the initiation it abandoned for ours is ignored", false,
     crossed_initiations},
    {"initiator.staged_to_new_endpoint", "2.1", "on key confirmation, what waited goes to the new endpoint", false,
     staged_to_new_endpoint},
    {"initiator.unknown_index_response", "5.4.3", "a response to an index it never used is ignored", false, unknown_index_response},
    // [lab-9]
    {"initiator.response_bad_mac1", "5.4.4", "a response with a wrong mac1 is ignored", false, response_bad_mac1},
    // [lab-9]
    {"initiator.response_once", "5.4.3", "a response sent twice makes one session", false, response_once},
    {"initiator.roaming_authenticated_only", "2.1", "a forged or replayed data message from a new address moves nothing",
     false, roaming_authenticated_only},
};

}  // namespace

std::span<const CaseDefinition> initiator_cases() { return kCases; }

}  // namespace wg::conformance
