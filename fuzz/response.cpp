// SPDX-License-Identifier: MIT
// Paper §5.4.3 and §5.4.5 from the initiator's side, as a receiver takes a
// datagram: wire::ResponseMessage::parse, mac1 (§5.4.4), then
// InitiatorHandshake::consume_response. The initiator is an oracle case's,
// with exactly the oracle's initiation in flight (same ephemeral key, index
// and timestamp), so the oracle's response (the seeds) completes the
// handshake and mutations of it reach every check.
//
// Input: one control byte, then the message.
//   bits 0-1  which oracle case
//   bit 2     recompute mac1 with the initiator's key (§5.4.4), so a mutated
//             body reaches the Noise work
// On success the transport keys must open what the responder's would seal.
#include <deque>

#include "cookie/macs.hpp"
#include "forge.hpp"
#include "fuzz_support.hpp"
#include "oracle.hpp"

using namespace wg;

namespace {

/// The initiation each oracle case has in flight, created once.
const handshake::InitiatorHandshake& in_flight(std::size_t index) {
    static const std::deque<handshake::InitiatorHandshake> handshakes = [] {
        std::deque<handshake::InitiatorHandshake> out;
        for (const auto& c : fuzz::oracle_cases()) {
            std::array<std::uint8_t, wire::Initiation::kSize> initiation{};
            auto h = handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator,
                                                                      c.initiation_params, initiation);
            fuzz::expect(h.has_value(), "the oracle's initiation can be created");
            out.push_back(*h);
        }
        return out;
    }();
    return handshakes[index];
}

}  // namespace

WGREF_FUZZ_TARGET {
    if (size < 1) return 0;
    const std::uint8_t control = data[0];
    const std::size_t index = (control & 3) % fuzz::oracle_cases().size();
    const auto& c = fuzz::oracle_cases()[index];
    Bytes message(data + 1, data + size);
    const auto initiator_keys = cookie::MacKeys::of(c.initiator.public_key);
    if ((control & 4) && message.size() == wire::Response::kSize) test::refresh_mac1(message, initiator_keys.mac1_key);
    const auto view = wire::ResponseMessage::parse(message);
    if (!view || !cookie::mac1_is_valid(message, initiator_keys.mac1_key)) return 0;
    fuzz::expect(message.size() == wire::Response::kSize, "a parsed response has the one legal size");
    auto keys = in_flight(index).consume_response(*view, c.initiator, c.responder_as_seen_by_initiator);
    if (!keys) return 0;
    fuzz::expect(keys.value().we_initiated, "the initiator's keys say it initiated");
    fuzz::expect(keys.value().local_index == c.initiation_params.sender_index, "the response names our index");
    return 0;
}
