// SPDX-License-Identifier: MIT
// The runner: selection, ordering, timing and the verdict of each case. The
// cases themselves are in cases_<group>.cpp, one file per group of the
// catalogue, each opening with the rules it checks.
#include "suite.hpp"

#include <ostream>
#include <stdexcept>

#include "crypto/key_text.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;

/// Under-load state lingers 1 s after the last overload, in the kernel and
/// in wireguard-go; one and a half seconds is surely past it.
constexpr Duration kLoadSettle = 1500ms;

bool glob(std::string_view text, std::string_view pattern) {
    if (pattern.empty()) return text.empty();
    if (pattern[0] == '*') {
        for (std::size_t i = 0; i <= text.size(); ++i) {
            if (glob(text.substr(i), pattern.substr(1))) return true;
        }
        return false;
    }
    if (text.empty() || (pattern[0] != '?' && pattern[0] != text[0])) return false;
    return glob(text.substr(1), pattern.substr(1));
}

}  // namespace

std::string_view to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::pass: return "PASS";
        case Verdict::fail: return "FAIL";
        case Verdict::skip: return "SKIP";
        case Verdict::diverges: return "DIVERGES";
        case Verdict::error: return "ERROR";
    }
    return "?";
}

std::span<const CaseDefinition> catalogue() {
    static const std::vector<CaseDefinition> all = [] {
        std::vector<CaseDefinition> cases;
        for (auto group : {handshake_cases(), transport_cases(), routing_cases(), cookie_cases(), initiator_cases(),
                           uapi_cases(), timer_cases()}) {
            cases.insert(cases.end(), group.begin(), group.end());
        }
        return cases;
    }();
    return all;
}

bool case_matches(std::string_view id, std::string_view pattern) {
    if (pattern.empty()) return true;
    while (!pattern.empty()) {
        const auto comma = pattern.find(',');
        if (glob(id, pattern.substr(0, comma))) return true;
        if (comma == std::string_view::npos) break;
        pattern.remove_prefix(comma + 1);
    }
    return false;
}

std::vector<CaseResult> run_suite(ProbeNetwork& network, const SuiteConfig& config, crypto::Rng& rng,
                                  std::string_view pattern, std::ostream* progress) {
    ProbePeer first(network, config.first_key, config.target, rng, config.first_ips);
    std::unique_ptr<ProbePeer> second;
    if (config.second_key) second = std::make_unique<ProbePeer>(network, *config.second_key, config.target, rng, config.second_ips);
    // Identities 3 and 4 listen on their fixed ports from the start, where
    // the target sends its initiations.
    std::unique_ptr<InitiatedIdentity> third, fourth;
    if (config.third_key) {
        third = std::make_unique<InitiatedIdentity>(InitiatedIdentity{ProbePeer(network, *config.third_key, config.target, rng),
                                                                      network.open_port(config.third_port), {}, {}, {}});
    }
    if (config.fourth_key) {
        fourth = std::make_unique<InitiatedIdentity>(InitiatedIdentity{ProbePeer(network, *config.fourth_key, config.target, rng),
                                                                       network.open_port(config.fourth_port), {}, {}, {}});
    }
    CaseContext context{network, config, rng, first, second.get(), third.get(), fourth.get(), std::nullopt, std::nullopt};

    std::vector<CaseResult> results;
    for (const CaseDefinition& definition : catalogue()) {
        if (!case_matches(definition.id, pattern)) continue;
        CaseResult result{std::string(definition.id), std::string(definition.section), std::string(definition.title),
                          Verdict::skip, "", {}};
        if (definition.slow && !config.slow) {
            result.evidence = "a slow timer case: runs with --slow";
        } else {
            if (context.last_load && network.now() - *context.last_load < kLoadSettle) {
                network.sleep(kLoadSettle - (network.now() - *context.last_load));
            }
            const Duration start = network.now();
            try {
                Outcome outcome = definition.run(context);
                result.verdict = outcome.verdict;
                result.evidence = std::move(outcome.evidence);
            } catch (const std::exception& e) {
                // A local failure (no socket, say) is not the target's fault,
                // and no reason to pass quietly either.
                result.verdict = Verdict::error;
                result.evidence = std::string("harness error: ") + e.what();
            }
            result.took = network.now() - start;
        }
        if (progress) *progress << to_string(result.verdict) << "  " << result.id << "  " << result.evidence << "\n";
        results.push_back(std::move(result));
    }
    return results;
}

int exit_status(std::span<const CaseResult> results) {
    int status = 0;
    for (const auto& r : results) {
        if (r.verdict == Verdict::error) return 2;
        if (r.verdict == Verdict::fail) status = 1;
    }
    return status;
}

std::optional<std::string> precheck(ProbeNetwork& network, const SuiteConfig& config, crypto::Rng& rng) {
    ProbePeer first(network, config.first_key, config.target, rng, config.first_ips);
    const Port port = network.open_port();
    std::string why;
    auto session = first.handshake(port, config.answer_wait, why);
    const std::string our_key = crypto::key_to_base64(crypto::view(first.identity().public_key));
    if (!session) {
        return "no handshake with the target as identity 1 (" + (why.empty() ? std::string("no answer") : why) +
               "). Nothing was judged. Check:\n"
               "  - --target is the target's WireGuard UDP address and port (wg show IFACE listen-port)\n"
               "  - --target-public-key is the target's public key (wg show IFACE public-key)\n"
               "  - the target has identity 1 as a peer: public key " + our_key +
               " (wgconform print-peer-config prints the lines)\n"
               "  - --psk, if the target has a preshared key for that peer\n"
               "  - no firewall drops UDP between here and the target, either way";
    }
    std::string answered, silent;
    for (IpFamily family : {IpFamily::v4, IpFamily::v6}) {
        const auto addresses = first.addresses(family);
        if (!addresses) continue;
        const Echo echo = first.echo(*session, addresses->first, addresses->second);
        network.send(port, echo.datagram);
        const Session* sessions[] = {&*session};
        std::string& into = await_echo_reply(network, port, echo, sessions, config.answer_wait) ? answered : silent;
        into += (into.empty() ? "" : ", ") + addresses->second.to_string();
    }
    if (answered.empty()) {
        return "a handshake, but no echo came back through the tunnel from " + (silent.empty() ? std::string("any address") : silent) +
               ". Nothing was judged. Check:\n"
               "  - --target-tunnel-ip is an address of the target's WireGuard interface, and that interface is up\n"
               "  - the target answers ICMP echo on it (no firewall drops it)\n"
               "  - the target's allowed IPs for identity 1 hold --tunnel-ip (" +
               [&] {
                   std::string ips;
                   for (const auto& ip : config.first_ips) ips += (ips.empty() ? "" : ", ") + ip.to_string();
                   return ips;
               }() + ")";
    }
    // The first case starts with a new identity-1 probe. Its initiation must
    // come more than the target's flood limit after ours (20 ms) and carry a
    // later timestamp than ours, which is whitened to 2^24 ns steps (§5.1):
    // within one step both would read the same and the target would rightly
    // refuse the second as a replay.
    network.sleep(2 * std::max<Duration>(wire::kMinInitiationInterval, std::chrono::nanoseconds(wire::kTimestampWhitening)));
    return std::nullopt;
}

}  // namespace wg::conformance
