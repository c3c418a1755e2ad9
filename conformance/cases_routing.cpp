// SPDX-License-Identifier: MIT
// Cases: cryptokey routing (paper §3) and roaming (§2.1). Inbound, "the
// source IP of the decrypted packet is checked against the allowed IPs of
// the peer that sent it": a packet whose inner source belongs to another
// peer must be dropped. From outside this is seen with two identities: if
// identity 1's packet forged with identity 2's address were delivered, the
// target's reply would be routed, by that address, to identity 2. Roaming:
// after an authenticated packet from a new outer address, the target
// replies to the new address (that a forged or replayed packet moves
// nothing is initiator.roaming_authenticated_only: only a target that sends
// on its own shows where its endpoint points without our help).
#include "case_support.hpp"

namespace wg::conformance {
namespace {

Outcome inside_delivered(CaseContext& c) {
    std::string delivered, why;
    for (IpFamily family : {IpFamily::v4, IpFamily::v6}) {
        const auto addresses = c.first.addresses(family);
        if (!addresses) continue;
        const Port port = c.network.open_port();
        auto session = c.first.handshake(port, c.config.answer_wait, why);
        if (!session) return fail("no handshake: " + why);
        const Echo echo = c.first.echo(*session, addresses->first, addresses->second);
        if (!echo_comes_back(c, echo, port, *session, c.config.answer_wait)) {
            return fail("echo from our own address " + addresses->first.to_string() + " was not delivered");
        }
        delivered += (delivered.empty() ? "" : " and ") + addresses->first.to_string();
    }
    if (delivered.empty()) return skip("no tunnel address of one family for both the harness and the target");
    return pass("inner source inside our allowed IPs (" + delivered + "): delivered");
}

Outcome outside_dropped(CaseContext& c) {
    if (!c.second) return skip("needs a second harness identity on the target (--second-private-key, --second-tunnel-ip)");
    std::string why, checked;
    auto first = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!first) return skip("identity 1: " + why);
    auto second = confirmed_session(c, *c.second, c.network.open_port(), why);
    if (!second) return skip("identity 2: " + why);
    for (IpFamily family : {IpFamily::v4, IpFamily::v6}) {
        const auto mine = c.first.addresses(family);
        const auto theirs = c.second->addresses(family);
        if (!mine || !theirs) continue;
        // Identity 1 claims identity 2's address.
        const Echo forged = c.first.echo(*first, theirs->first, theirs->second);
        c.network.send(first->port, forged.datagram);
        int initiations = 0;
        const Session* sessions[] = {&*second};
        if (await_echo_reply(c.network, second->port, forged, sessions, c.config.silence_wait, &initiations)) {
            return fail("identity 1 sent a packet from identity 2's address " + theirs->first.to_string() + "; the reply reached identity 2");
        }
        if (initiations > 0) return fail("the forged packet made the target start a handshake with identity 2: it was delivered");
        checked += (checked.empty() ? "" : ", ") + theirs->first.to_string();
    }
    if (checked.empty()) return skip("the identities share no address family with the target");
    return pass("identity 1 forging identity 2's source (" + checked + "): dropped, no reply reached identity 2");
}

Outcome roaming(CaseContext& c) {
    std::string why;
    const Port old_port = c.network.open_port();
    auto session = confirmed_session(c, c.first, old_port, why);
    if (!session) return skip(why);
    const auto addresses = any_addresses(c.first);
    const Port new_port = c.network.open_port();
    const Echo echo = c.first.echo(*session, addresses->first, addresses->second);
    c.network.send(new_port, echo.datagram);
    const Session* sessions[] = {&*session};
    if (await_echo_reply(c.network, new_port, echo, sessions, c.config.answer_wait)) {
        return pass("same session, new source port: the reply came to the new address");
    }
    if (await_echo_reply(c.network, old_port, echo, sessions, Duration{0})) return fail("the reply went to the old address");
    return fail("no reply to a packet from a new source port");
}


const CaseDefinition kCases[] = {
    {"routing.inside_delivered", "3", "an inner source inside the peer's allowed IPs is delivered (IPv4 and IPv6)", false, inside_delivered},
    {"routing.outside_dropped", "3", "an inner source outside the peer's allowed IPs is dropped (IPv4 and IPv6)", false, outside_dropped},
    {"routing.roaming", "2.1", "after an authenticated packet from a new address, replies go there", false, roaming},
};

}  // namespace

std::span<const CaseDefinition> routing_cases() { return kCases; }

}  // namespace wg::conformance
