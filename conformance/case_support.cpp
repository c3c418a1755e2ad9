// SPDX-License-Identifier: MIT
// Shared steps of the cases (see case_support.hpp).
#include "case_support.hpp"

#include <sstream>

#include "wire/messages.hpp"

namespace wg::conformance {

std::optional<std::pair<IpAddress, IpAddress>> any_addresses(const ProbePeer& peer) {
    if (auto a = peer.addresses(IpFamily::v4)) return a;
    return peer.addresses(IpFamily::v6);
}

bool echo_comes_back(CaseContext& context, const Echo& echo, Port port, const Session& session, Duration wait) {
    context.network.send(port, echo.datagram);
    const Session* sessions[] = {&session};
    return await_echo_reply(context.network, port, echo, sessions, wait).has_value();
}

std::optional<Session> confirmed_session(CaseContext& context, ProbePeer& peer, Port port, std::string& why) {
    const auto addresses = any_addresses(peer);
    if (!addresses) {
        why = "no tunnel address of one family for both the harness and the target";
        return std::nullopt;
    }
    auto session = peer.handshake(port, context.config.answer_wait, why);
    if (!session) {
        why = "no handshake: " + why;
        return std::nullopt;
    }
    const Echo first = peer.echo(*session, addresses->first, addresses->second);
    if (!echo_comes_back(context, first, port, *session, context.config.answer_wait)) {
        why = "handshake completed, but no echo reply to the first data message";
        return std::nullopt;
    }
    return session;
}

bool silence_on(ProbeNetwork& network, Port port, Duration wait, std::string& what) {
    const Duration deadline = network.now() + wait;
    while (network.now() < deadline) {
        auto datagram = network.receive(port, deadline - network.now());
        if (!datagram) return true;
        const auto type = wire::classify(*datagram);
        // Keepalives of earlier sessions may still arrive; only answers count.
        if (type == wire::MessageType::transport_data) continue;
        what = !type ? "an unclassifiable datagram"
             : *type == wire::MessageType::initiation ? "a handshake initiation"
             : *type == wire::MessageType::response ? "a handshake response"
             : "a cookie reply";
        return false;
    }
    return true;
}

std::string describe(ProbePeer::Answer::Kind kind) {
    switch (kind) {
        case ProbePeer::Answer::Kind::silence: return "nothing";
        case ProbePeer::Answer::Kind::response: return "a handshake response";
        case ProbePeer::Answer::Kind::cookie_reply: return "a cookie reply";
        case ProbePeer::Answer::Kind::other: return "a malformed answer";
    }
    return "?";
}

std::string milliseconds(Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

std::vector<std::pair<std::string, std::string>> lines_of(const std::string& answer) {
    std::vector<std::pair<std::string, std::string>> lines;
    std::istringstream in(answer);
    std::string line;
    while (std::getline(in, line) && !line.empty()) {
        const auto equals = line.find('=');
        if (equals == std::string::npos) continue;
        lines.emplace_back(line.substr(0, equals), line.substr(equals + 1));
    }
    return lines;
}

}  // namespace wg::conformance
