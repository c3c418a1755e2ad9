// SPDX-License-Identifier: MIT
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

// ---- where the kernel gives the exact numbers ----------------------------------

Outcome window_edge(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    // The kernel's COUNTER_WINDOW_SIZE (and wireguard-go's windowSize): a
    // counter 8,128 behind the newest is still judged by its bit; 8,129 behind is not.
    const std::uint64_t newest = 10'000, edge = newest - 8'128, beyond = newest - 8'129;
    const Echo front = c.first.echo(*r.session, r.source, r.destination, newest);
    if (!echo_comes_back(c, front, r.session->port, *r.session, c.config.answer_wait)) return skip("counter " + std::to_string(newest) + " was not delivered");
    const Echo at_edge = c.first.echo(*r.session, r.source, r.destination, edge);
    if (!echo_comes_back(c, at_edge, r.session->port, *r.session, c.config.answer_wait)) {
        return fail("counter " + std::to_string(edge) + ", exactly 8,128 behind the newest and unseen, was dropped: the window is too small");
    }
    const Echo past = c.first.echo(*r.session, r.source, r.destination, beyond);
    if (echo_comes_back(c, past, r.session->port, *r.session, c.config.silence_wait)) {
        return fail("counter " + std::to_string(beyond) + ", 8,129 behind the newest, was delivered: the window is too large");
    }
    return pass("after counter 10000: 1872 (8,128 behind) delivered, 1871 (8,129 behind) dropped");
}

Outcome reject_after_messages(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    // The kernel: REJECT_AFTER_MESSAGES = 2^64 - 8,130, and a key pair whose
    // receive counter reached it receives nothing more. wireguard-go (and the
    // paper): 2^64 - 8,193, and no such end on the receive side.
    const std::uint64_t kernel_last = ~std::uint64_t{0} - 8'129 - 1;  // 2^64 - 8,131
    const std::uint64_t paper_last = ~std::uint64_t{0} - 8'192 - 1;   // 2^64 - 8,194
    const Echo high = c.first.echo(*r.session, r.source, r.destination, kernel_last);
    const bool high_delivered = echo_comes_back(c, high, r.session->port, *r.session, c.config.answer_wait);
    const Echo lower = c.first.echo(*r.session, r.source, r.destination, paper_last);
    const bool lower_delivered = echo_comes_back(c, lower, r.session->port, *r.session, c.config.answer_wait);
    if (high_delivered && !lower_delivered) {
        return pass("counter 2^64 - 8,131 delivered, then the keys took nothing more (2^64 - 8,194 dropped): the kernel's REJECT_AFTER_MESSAGES");
    }
    if (!high_delivered && lower_delivered) {
        return diverges("counter 2^64 - 8,131 dropped, 2^64 - 8,194 delivered: REJECT_AFTER_MESSAGES = 2^64 - 2^13 - 1, "
                        "as the paper and wireguard-go have it (the kernel: 2^64 - 8,130)");
    }
    if (high_delivered) return fail("after counter 2^64 - 8,131 the keys still delivered 2^64 - 8,194: the receive counter reached REJECT_AFTER_MESSAGES");
    return fail("neither counter 2^64 - 8,131 nor 2^64 - 8,194 was delivered");
}

Outcome third_session(CaseContext& c) {
    std::string why;
    const auto addresses = any_addresses(c.first);
    if (!addresses) return skip("no tunnel address of one family for both the harness and the target");
    const Port port = c.network.open_port();
    auto first = confirmed_session(c, c.first, port, why);
    if (!first) return skip(why);
    auto second = confirmed_session(c, c.first, port, why);
    if (!second) return skip(why);
    // A third handshake: the target, as responder, holds its keys in `next`
    // and, as the kernel's add_new_keypair does, drops `previous` (the first).
    auto third = c.first.handshake(port, c.config.answer_wait, why);
    if (!third) return skip("third handshake: " + why);
    const Session* all[] = {&*first, &*second, &*third};
    const Echo on_first = c.first.echo(*first, addresses->first, addresses->second);
    c.network.send(port, on_first.datagram);
    if (await_echo_reply(c.network, port, on_first, all, c.config.silence_wait)) {
        return fail("after a third handshake, data on the first session was still delivered: the responder keeps at most "
                    "the current keys and the new ones (the kernel's add_new_keypair)");
    }
    const Echo on_second = c.first.echo(*second, addresses->first, addresses->second);
    c.network.send(port, on_second.datagram);
    if (!await_echo_reply(c.network, port, on_second, all, c.config.answer_wait)) {
        return fail("after a third handshake, data on the second (current) session was not delivered");
    }
    return pass("after a third handshake, data on the first session dropped; on the second, delivered");
}

Outcome inner_length(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    // An echo request whose IP header claims 16 bytes more than the packet
    // holds (checksums computed as if they were there, as zeros). The
    // receiver strips padding by the header (5.4.6), and a header claiming
    // more than the plaintext holds is dropped: never padded out.
    const std::string text = "wgconform inner length";
    Bytes payload(text.begin(), text.end());
    payload.resize(payload.size() + 16, 0);
    Bytes claimed = make_echo_request(r.source, r.destination, EchoId{9, 9}, payload);
    claimed.resize(claimed.size() - 16);
    const Echo short_echo{r.source, r.destination, EchoId{9, 9}, payload, r.session->next_counter,
                          c.first.seal(*r.session, claimed, r.session->next_counter)};
    ++r.session->next_counter;
    if (echo_comes_back(c, short_echo, r.session->port, *r.session, c.config.silence_wait)) {
        return fail("a packet whose header claims 16 bytes more than it holds was delivered, padded out to its claim");
    }
    return pass("a packet whose header claims more than the plaintext holds: dropped");
}

Outcome padding(CaseContext& c) {
    auto r = ready(c);
    if (!r.session) return skip(r.why);
    // An echo of an odd length: the reply's plaintext must be padded to a
    // multiple of 16 (5.4.6), which the data message's length shows.
    const std::string text = "odd-length probe 1234567";
    const Echo echo{r.source, r.destination, EchoId{8, 8}, Bytes(text.begin(), text.end()), r.session->next_counter,
                    c.first.seal(*r.session, make_echo_request(r.source, r.destination, EchoId{8, 8}, as_bytes(text)),
                                 r.session->next_counter)};
    ++r.session->next_counter;
    c.network.send(r.session->port, echo.datagram);
    const Duration deadline = c.network.now() + c.config.answer_wait;
    while (c.network.now() < deadline) {
        auto datagram = c.network.receive(r.session->port, deadline - c.network.now());
        if (!datagram) break;
        const auto opened = open_data(*r.session, *datagram);
        if (!opened || !is_echo_reply(opened->inner, r.source, r.destination, echo.id, echo.payload)) continue;
        const std::size_t plaintext = datagram->size() - 32;
        if (plaintext % 16 != 0) {
            return fail("a " + std::to_string(opened->inner.size()) + "-byte reply travelled as " + std::to_string(plaintext) +
                        " bytes of plaintext: not padded to a multiple of 16");
        }
        return pass("a " + std::to_string(opened->inner.size()) + "-byte reply, padded to " + std::to_string(plaintext));
    }
    return skip("no reply to an odd-length echo");
}

const CaseDefinition kCases[] = {
    {"transport.delivered", "5.4.6", "data after the handshake is delivered", false, delivered},
    {"transport.replay", "5.4.6", "a replayed data packet is not delivered twice", false, replay},
    {"transport.out_of_order", "5.4.6", "out-of-order packets within the window are delivered", false, out_of_order},
    {"transport.old_counter", "5.4.6", "a counter older than the window is dropped", false, old_counter},
    {"transport.tampered", "5.4.6", "a tampered ciphertext or tag is dropped without using its counter", false, tampered},
    {"transport.keepalive", "5.4.6", "a keepalive is accepted (and not delivered)", false, keepalive},
    {"transport.key_confirmation", "5.4.6", "the responder sends on new keys only after the initiator's first data", false, key_confirmation},
    {"transport.window_edge", "5.4.6", "a counter 8,128 behind the newest is accepted; 8,129 behind is not", false, window_edge},
    {"transport.reject_after_messages", "6.1", "counters end at the kernel's REJECT_AFTER_MESSAGES, on the receive side too", false,
     reject_after_messages},
    {"transport.third_session", "5.4.6", "after a third handshake, the first session's keys are gone", false, third_session},
    {"transport.inner_length", "5.4.6", "a packet whose header claims more than it holds is dropped", false, inner_length},
    {"transport.padding", "5.4.6", "the target's data is padded to a multiple of 16", false, padding},
};

}  // namespace

std::span<const CaseDefinition> transport_cases() { return kCases; }

}  // namespace wg::conformance
