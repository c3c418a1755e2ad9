// SPDX-License-Identifier: MIT
// The conformance suite: a catalogue of cases, each tied to the section of
// the paper (or the protocol page) whose rule it checks, and a runner that
// runs the selected ones in order against a ProbeNetwork. Every case ends in
// a verdict, PASS, FAIL or SKIP, with one line of evidence that says what
// was sent and what came back (or did not), so a verdict can be checked by
// hand with tshark.
#pragma once

#include <iosfwd>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "probe_peer.hpp"

namespace wg::conformance {

/// PASS: what the kernel does. FAIL: a rule broken. SKIP: the case could
/// not run (its reason says why). DIVERGES: where the Linux kernel and
/// wireguard-go differ, the target does what wireguard-go does: reported,
/// never hidden, and not a failure (docs/conformance.md lists each).
/// ERROR: the harness itself failed (no socket, say): nothing was judged,
/// and the run's exit status is 2, never a quiet SKIP.
enum class Verdict { pass, fail, skip, diverges, error };
std::string_view to_string(Verdict verdict);

struct Outcome {
    Verdict verdict;
    std::string evidence;
};
inline Outcome pass(std::string evidence) { return {Verdict::pass, std::move(evidence)}; }
inline Outcome fail(std::string evidence) { return {Verdict::fail, std::move(evidence)}; }
inline Outcome skip(std::string evidence) { return {Verdict::skip, std::move(evidence)}; }
inline Outcome diverges(std::string evidence) { return {Verdict::diverges, std::move(evidence)}; }
inline Outcome harness_error(std::string evidence) { return {Verdict::error, std::move(evidence)}; }

/// What the harness is told about the target and itself.
struct SuiteConfig {
    TargetDescription target;
    crypto::PrivateKey first_key;              ///< identity 1: always needed
    std::vector<IpAddress> first_ips;
    std::optional<crypto::PrivateKey> second_key;  ///< identity 2: for the allowed-IPs cases
    std::vector<IpAddress> second_ips;
    /// Identities 3 and 4: peers the target initiates to, configured on the
    /// target with the harness's address and `third_port` / `fourth_port` as
    /// their endpoints and a persistent keepalive of 6 s (not 5: equal to
    /// REKEY_TIMEOUT, the keepalive would fall on the instant the kernel's
    /// limit ends, and be refused, as the kernel refuses it), so the target
    /// keeps initiating to them (the initiator.* cases, timers.rekey_after_time).
    std::optional<crypto::PrivateKey> third_key;
    std::uint16_t third_port = 51821;
    std::optional<crypto::PrivateKey> fourth_key;
    std::uint16_t fourth_port = 51822;
    Duration answer_wait = std::chrono::seconds(1);   ///< bound on waiting for an expected answer
    Duration silence_wait = std::chrono::milliseconds(700);  ///< how long "nothing came" must last
    bool slow = false;                         ///< include the timer cases (minutes)
    /// More outer addresses of the harness's own, for floods from many
    /// sources (cookie.flood_spares_session); `--flood-sources`.
    std::vector<IpAddress> flood_sources;
};

/// An initiation the target sent identity 3 or 4, and when it came.
struct SeenInitiation {
    ProbePeer::TargetInitiation initiation;
    Duration arrived{};
};

/// One identity the target initiates to, as the cases see it: its probe
/// peer, its fixed port, and the target's initiations to it so far, which
/// the cases that only watch them share (so the suite waits once for them).
struct InitiatedIdentity {
    ProbePeer peer;
    Port port;
    std::vector<SeenInitiation> seen;  ///< in order of arrival, never answered
    std::optional<Duration> session_started;  ///< when we last answered one (timers.rekey_after_time)
    std::optional<Session> session;           ///< the last session the target confirmed with data
};

/// Everything a case may use. The probe peers keep their state between
/// cases (timestamps only move forward, §5.1), as a real peer would.
struct CaseContext {
    ProbeNetwork& network;
    const SuiteConfig& config;
    crypto::Rng& rng;
    ProbePeer& first;
    ProbePeer* second = nullptr;
    InitiatedIdentity* third = nullptr;
    InitiatedIdentity* fourth = nullptr;
    /// When a case last drove the target under load (§5.4.7): the next cases
    /// wait until the target has surely left that state.
    std::optional<Duration> last_load;
    std::optional<Port> load_port;
};

struct CaseDefinition {
    std::string_view id;       ///< group.name, e.g. "transport.replay"
    std::string_view section;  ///< of the paper, e.g. "5.4.6"
    std::string_view title;    ///< what a conformant target does
    bool slow = false;
    Outcome (*run)(CaseContext&) = nullptr;
};

/// The whole catalogue, in running order (../shared/DESIGN.md).
std::span<const CaseDefinition> catalogue();
/// The cases of one group, defined in cases_<group>.cpp.
std::span<const CaseDefinition> handshake_cases();
std::span<const CaseDefinition> transport_cases();
std::span<const CaseDefinition> routing_cases();
std::span<const CaseDefinition> cookie_cases();
std::span<const CaseDefinition> timer_cases();
std::span<const CaseDefinition> initiator_cases();
std::span<const CaseDefinition> uapi_cases();

struct CaseResult {
    std::string id, section, title;
    Verdict verdict = Verdict::skip;
    std::string evidence;
    Duration took{};
};

/// True when `id` matches `pattern`: comma-separated globs (`*` and `?`),
/// e.g. "transport.*,cookie.reply_under_load". Empty matches everything.
bool case_matches(std::string_view id, std::string_view pattern);

/// Runs the selected cases; `progress`, if given, gets a line per case as it ends.
std::vector<CaseResult> run_suite(ProbeNetwork& network, const SuiteConfig& config, crypto::Rng& rng,
                                  std::string_view pattern, std::ostream* progress = nullptr);

/// 0 when every result passed, diverged or was skipped (each skip states
/// why); 1 when a case failed; 2 when the harness failed (an ERROR).
int exit_status(std::span<const CaseResult> results);

/// Before a run against a live target: one handshake and one echo through
/// the tunnel, as identity 1. nullopt when they worked; else what to check,
/// as a list for the user (the run stops there: nothing has been judged).
std::optional<std::string> precheck(ProbeNetwork& network, const SuiteConfig& config, crypto::Rng& rng);

}  // namespace wg::conformance
