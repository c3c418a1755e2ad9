// SPDX-License-Identifier: MIT
// Paper §5.4.2 from the responder's side, as a receiver takes a datagram:
// wire::InitiationMessage::parse, mac1 (§5.4.4), then
// handshake::consume_initiation, the first thing an unauthenticated sender
// reaches after mac1. The responder
// and the one initiator it knows are an oracle case's, so the seeds (the
// oracle's initiations) pass every check and mutations start deep.
//
// Input: one control byte, then the message.
//   bits 0-1  which oracle case (responder identity, known initiator)
//   bit 2     recompute mac1 with the responder's key, so a mutated body gets
//             past §5.4.4 and into the Noise work
//   bit 3     the responder has already accepted the oracle's timestamp, so
//             an unchanged one must be refused (§5.1)
// An accepted initiation is answered (create_response), as the Device would.
#include "cookie/macs.hpp"
#include "forge.hpp"
#include "fuzz_support.hpp"
#include "oracle.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    if (size < 1) return 0;
    const std::uint8_t control = data[0];
    const auto& c = fuzz::oracle_case(control & 3);
    Bytes message(data + 1, data + size);
    const auto responder_keys = cookie::MacKeys::of(c.responder.public_key);
    if ((control & 4) && message.size() == wire::Initiation::kSize) test::refresh_mac1(message, responder_keys.mac1_key);
    const auto view = wire::InitiationMessage::parse(message);
    if (!view || !cookie::mac1_is_valid(message, responder_keys.mac1_key)) return 0;
    fuzz::expect(message.size() == wire::Initiation::kSize, "a parsed initiation has the one legal size");
    test::OnePeerDirectory directory(handshake::RemotePeer{c.initiator.public_key, c.psk});
    if (control & 8) directory.latest = c.initiation_params.timestamp;

    auto consumed = handshake::consume_initiation(*view, c.responder, directory);
    if (!consumed) return 0;
    fuzz::expect(consumed.value().initiator != nullptr, "accepted initiation names its initiator");
    fuzz::expect(consumed.value().timestamp.is_after(directory.latest), "accepted timestamp is newer than the latest (5.1)");
    std::array<std::uint8_t, wire::Response::kSize> response{};
    (void)handshake::create_response(consumed.value(), c.response_params, response);
    return 0;
}
