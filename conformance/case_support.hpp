// SPDX-License-Identifier: MIT
// Small steps that many cases share: a session whose keys the target has
// confirmed, an echo that should (or should not) come back, and the words
// the evidence lines use. Kept here so each case reads as its scenario.
#pragma once

#include <sys/socket.h>

#include <string>

#include "suite.hpp"

namespace wg::conformance {

/// A session with `peer` from `port`, confirmed to the target (§5.4.6) by a
/// first echo that came back. nullopt with `why` set when that fails: the
/// cases that need one then skip, and transport.delivered says why.
std::optional<Session> confirmed_session(CaseContext& context, ProbePeer& peer, Port port, std::string& why);

/// The first family for which `peer` and the target both have an address.
std::optional<std::pair<IpAddress, IpAddress>> any_addresses(const ProbePeer& peer);

/// Sends `echo` from `port` and waits for its reply through `session`.
bool echo_comes_back(CaseContext& context, const Echo& echo, Port port, const Session& session, Duration wait);

/// No handshake message or junk arrives on `port` within `wait` (transport
/// data, e.g. keepalives of older sessions, is ignored). On failure, `what`
/// names what came.
bool silence_on(ProbeNetwork& network, Port port, Duration wait, std::string& what);

std::string describe(ProbePeer::Answer::Kind kind);
/// The lines of a UAPI answer (wireguard.com/xplatform) as key/value pairs,
/// in order, up to the blank line that ends it.
std::vector<std::pair<std::string, std::string>> lines_of(const std::string& answer);
std::string milliseconds(Duration d);

}  // namespace wg::conformance
