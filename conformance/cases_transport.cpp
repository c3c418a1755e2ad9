// Cases: transport data (paper §5.4.6). After the handshake, data is
// delivered; every counter is accepted at most once (a replay is dropped),
// out-of-order packets inside the window are still delivered, a counter
// behind the window is dropped, and a packet whose ciphertext or tag was
// changed is dropped without using up its counter (the window moves only
// after authentication). A keepalive, an encrypted empty payload, is
// accepted (its counter is used) and never delivered. And key confirmation:
// a responder must not send with new keys before the initiator's first data
// message on them arrives, because only then does it know the initiator
// derived the same keys.
#include "case_support.hpp"

namespace wg::conformance {
namespace {

/// A confirmed session from a new port, or the reason there is none.
struct Ready {
    std::optional<Session> session;
    std::string why;
    IpAddress source, destination;
};
Ready ready(CaseContext& c) {
    Ready r;
    r.session = confirmed_session(c, c.first, c.network.open_port(), r.why);
    if (r.session) std::tie(r.source, r.destination) = *any_addresses(c.first);
    return r;
}

Outcome delivered(CaseContext& c) {
    std::string why;
    const auto addresses = any_addresses(c.first);
    if (!addresses) return skip("no tunnel address of one family for both the harness and the target");
    const Port port = c.network.open_port();
    auto session = c.first.handshake(port, c.config.answer_wait, why);
    if (!session) return fail("no handshake: " + why);
    const Echo echo = c.first.echo(*session, addresses->first, addresses->second);
    if (!echo_comes_back(c, echo, port, *session, c.config.answer_wait)) {
        return fail("echo request " + echo.source.to_string() + " -> " + echo.destination.to_string() + " (counter 0): no reply within " + milliseconds(c.config.answer_wait));
    }
    return pass("echo request through the tunnel, counter 0: decrypted echo reply");
}

Outcome replay(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    const Echo echo = c.first.echo(*r.session, r.source, r.destination);
    if (!echo_comes_back(c, echo, r.session->port, *r.session, c.config.answer_wait)) return skip("the original packet was not delivered");
    if (echo_comes_back(c, echo, r.session->port, *r.session, c.config.silence_wait)) {
        return fail("the same transport message (counter " + std::to_string(echo.counter) + ") sent again was delivered again");
    }
    return pass("counter " + std::to_string(echo.counter) + " resent byte for byte: delivered once only");
}

Outcome out_of_order(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    const std::uint64_t high = r.session->next_counter + 20, low = r.session->next_counter + 10;
    const Echo later = c.first.echo(*r.session, r.source, r.destination, high);
    const Echo earlier = c.first.echo(*r.session, r.source, r.destination, low);
    if (!echo_comes_back(c, later, r.session->port, *r.session, c.config.answer_wait)) return fail("counter " + std::to_string(high) + " was not delivered");
    if (!echo_comes_back(c, earlier, r.session->port, *r.session, c.config.answer_wait)) {
        return fail("counter " + std::to_string(low) + ", sent after " + std::to_string(high) + " and never seen before, was not delivered");
    }
    return pass("counter " + std::to_string(high) + " then " + std::to_string(low) + ": both delivered");
}

Outcome old_counter(CaseContext& c) {
    // No window is this wide: the kernel's and wireguard-go's hold 8,128
    // counters, RFC 6479 suggests a few thousand.
    constexpr std::uint64_t kFar = 1 << 20, kGap = 1 << 16;
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    const Echo ahead = c.first.echo(*r.session, r.source, r.destination, kFar);
    const Echo behind = c.first.echo(*r.session, r.source, r.destination, kFar - kGap);
    if (!echo_comes_back(c, ahead, r.session->port, *r.session, c.config.answer_wait)) return skip("counter " + std::to_string(kFar) + " was not delivered");
    if (echo_comes_back(c, behind, r.session->port, *r.session, c.config.silence_wait)) {
        return fail("counter " + std::to_string(kFar - kGap) + ", 65,536 behind the highest, was delivered");
    }
    return pass("after counter " + std::to_string(kFar) + ", unseen counter " + std::to_string(kFar - kGap) + " (65,536 behind): dropped");
}

Outcome tampered(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    const Echo echo = c.first.echo(*r.session, r.source, r.destination);
    Echo body = echo, tag = echo;
    body.datagram[wire::TransportData::kHeaderSize + 5] ^= 0x40;  // a bit of the ciphertext
    tag.datagram.back() ^= 0x01;                                      // a bit of the Poly1305 tag
    if (echo_comes_back(c, body, r.session->port, *r.session, c.config.silence_wait)) return fail("a packet with a ciphertext bit flipped was delivered");
    if (echo_comes_back(c, tag, r.session->port, *r.session, c.config.silence_wait)) return fail("a packet with a tag bit flipped was delivered");
    if (!echo_comes_back(c, echo, r.session->port, *r.session, c.config.answer_wait)) {
        return fail("after two forgeries with counter " + std::to_string(echo.counter) + ", the genuine packet was refused: a forgery used up its counter");
    }
    return pass("ciphertext and tag bit flips dropped; the genuine packet with the same counter delivered after them");
}

Outcome keepalive(CaseContext& c) {
    // A fresh, unconfirmed session: its first message is a keepalive with
    // counter 0. Accepting it uses counter 0, so an echo with counter 0
    // must then be refused as a replay, and one with counter 1 delivered.
    std::string why;
    const auto addresses = any_addresses(c.first);
    if (!addresses) return skip("no tunnel address of one family for both the harness and the target");
    const Port port = c.network.open_port();
    auto session = c.first.handshake(port, c.config.answer_wait, why);
    if (!session) return skip("no handshake: " + why);
    c.network.send(port, c.first.seal(*session, {}, 0));
    const Echo zero = c.first.echo(*session, addresses->first, addresses->second, 0);
    const Echo one = c.first.echo(*session, addresses->first, addresses->second, 1);
    if (echo_comes_back(c, zero, port, *session, c.config.silence_wait)) {
        return fail("after a keepalive with counter 0, an echo with counter 0 was delivered: the keepalive was not accepted");
    }
    if (!echo_comes_back(c, one, port, *session, c.config.answer_wait)) return fail("after a keepalive, the echo with counter 1 was not delivered");
    return pass("keepalive accepted (its counter 0 was used; then counter 1 delivered); that it is not delivered cannot be seen from outside");
}

Outcome key_confirmation(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    const Session& old_session = *r.session;
    std::string why;
    auto fresh = c.first.handshake(r.session->port, c.config.answer_wait, why);
    if (!fresh) return skip("second handshake: " + why);
    // Nothing sent on the new keys yet: the target's reply to a packet on
    // the old session must still travel on the old session.
    const Echo on_old = c.first.echo(*r.session, r.source, r.destination);
    c.network.send(r.session->port, on_old.datagram);
    const Session* both[] = {&old_session, &*fresh};
    const auto carried = await_echo_reply(c.network, r.session->port, on_old, both, c.config.answer_wait);
    if (!carried) return fail("no reply on either session after a second handshake that the initiator had not yet confirmed");
    if (*carried == 1) return fail("the target sent with the new keys before receiving any data on them");
    const Echo on_new = c.first.echo(*fresh, r.source, r.destination);
    if (!echo_comes_back(c, on_new, r.session->port, *fresh, c.config.answer_wait)) return fail("after confirming the new session with data, its echo did not come back on it");
    return pass("new session unconfirmed: reply on the old keys; after our first data on the new keys, reply on the new");
}

const CaseDefinition kCases[] = {
    {"transport.delivered", "5.4.6", "data after the handshake is delivered", false, delivered},
    {"transport.replay", "5.4.6", "a replayed data packet is not delivered twice", false, replay},
    {"transport.out_of_order", "5.4.6", "out-of-order packets within the window are delivered", false, out_of_order},
    {"transport.old_counter", "5.4.6", "a counter older than the window is dropped", false, old_counter},
    {"transport.tampered", "5.4.6", "a tampered ciphertext or tag is dropped without using its counter", false, tampered},
    {"transport.keepalive", "5.4.6", "a keepalive is accepted (and not delivered)", false, keepalive},
    {"transport.key_confirmation", "5.4.6", "the responder sends on new keys only after the initiator's first data", false, key_confirmation},
};

}  // namespace

std::span<const CaseDefinition> transport_cases() { return kCases; }

}  // namespace wg::conformance
