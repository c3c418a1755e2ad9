// SPDX-License-Identifier: MIT
// Cases: the handshake (paper §5.1, §5.4.2–5.4.4). What a responder must do
// with an initiation, seen from outside:
//   - answer a valid one with a response that verifies, mac1 included;
//   - stay silent when mac1 is wrong (§5.4.4: checked before any DH, so
//     forged packets cost a BLAKE2s and get nothing), when the static key is
//     not a peer's (§5.4.2), when the timestamp is not newer than the last
//     one it accepted from that peer (§5.1: a replayed or older initiation
//     must never produce a second response), and when reserved bytes are
//     not zero (the type is a 32-bit little-endian word; the kernel matches
//     all four bytes);
//   - survive malformed messages of every type and still answer afterwards;
//   - answer at most one initiation per peer in 20 ms (the kernel and
//     wireguard-go: 1 s / INITIATIONS_PER_SECOND), whatever their timestamps,
//     when they are taken one after the other;
//   - refuse an initiation whose ephemeral key is a low-order point (the
//     shared secret would be all zeros, known to anyone; RFC 7748 §6.1);
//   - with no private key (set to zeros), answer nothing (the kernel's
//     has_identity; wireguard-go answers with the key X25519(clamp(0)),
//     which the suite reports as DIVERGES).
#include <algorithm>
#include <array>

#include "case_support.hpp"
#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "handshake/noise.hpp"

namespace wg::conformance {
namespace {

using Kind = ProbePeer::Answer::Kind;
namespace layout = wire;

/// Sends `bytes` as `peer`'s initiation from a new port and reports what came back.
ProbePeer::Answer send_and_listen(CaseContext& c, ProbePeer& peer, const ProbePeer::Initiation& initiation,
                                  ByteView bytes, Duration wait, Port* port_used = nullptr) {
    const Port port = c.network.open_port();
    if (port_used) *port_used = port;
    peer.send_initiation(port, bytes);
    return peer.await_answer(port, initiation, wait);
}

Outcome valid_initiation(CaseContext& c) {
    auto initiation = c.first.initiate();
    Port port = 0;
    auto answer = send_and_listen(c, c.first, initiation, initiation.bytes, c.config.answer_wait, &port);
    std::string note;
    if (answer.kind == Kind::cookie_reply && answer.cookie) {
        // Under load the target may ask for a cookie first (§5.4.7); then
        // the same question with mac2 must be answered.
        initiation = c.first.initiate(answer.cookie);
        c.first.send_initiation(port, initiation.bytes);
        answer = c.first.await_answer(port, initiation, c.config.answer_wait);
        note = " (after a cookie reply and a retry with mac2)";
    }
    if (answer.kind == Kind::silence) return fail("no answer to a valid initiation within " + milliseconds(c.config.answer_wait));
    if (answer.kind != Kind::response) return fail("answered with " + describe(answer.kind) + ": " + answer.detail);
    if (!cookie::mac1_is_valid(answer.message, c.first.own_mac_keys().mac1_key)) {
        return fail("the response's mac1 is not MAC(HASH(\"mac1----\" || initiator's public key), msg)");
    }
    return pass("92-byte response, mac1 valid, keys derived" + note);
}

Outcome bad_mac1(CaseContext& c) {
    auto initiation = c.first.initiate();
    auto bytes = initiation.bytes;
    bytes[layout::Initiation::mac1.offset] ^= 0x01;
    const auto answer = send_and_listen(c, c.first, initiation, bytes, c.config.silence_wait);
    if (answer.kind != Kind::silence) return fail("an initiation with one bit of mac1 flipped got " + describe(answer.kind));
    return pass("one bit of mac1 flipped: no answer in " + milliseconds(c.config.silence_wait));
}

Outcome unknown_key(CaseContext& c) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    c.rng.fill(random);
    ProbePeer stranger(c.network, crypto::make_private_key(random), c.config.target, c.rng);
    const auto initiation = stranger.initiate();
    const auto answer = send_and_listen(c, stranger, initiation, initiation.bytes, c.config.silence_wait);
    if (answer.kind != Kind::silence) return fail("an initiation from a key that is not a peer got " + describe(answer.kind));
    return pass("valid mac1, unknown static key: no answer in " + milliseconds(c.config.silence_wait));
}

Outcome replayed_initiation(CaseContext& c) {
    const auto initiation = c.first.initiate();
    Port port = 0;
    const auto first = send_and_listen(c, c.first, initiation, initiation.bytes, c.config.answer_wait, &port);
    if (first.kind != Kind::response) return skip("the original initiation got " + describe(first.kind) + ", not a response");
    c.first.send_initiation(port, initiation.bytes);  // the same 148 bytes, 50 ms later
    const auto again = c.first.await_answer(port, initiation, c.config.silence_wait);
    if (again.kind != Kind::silence) return fail("the same initiation sent twice was answered twice (" + describe(again.kind) + ")");
    return pass("identical initiation resent: answered once, then silence for " + milliseconds(c.config.silence_wait));
}

/// `t` less one second: an older timestamp than one the target accepted.
crypto::Tai64n one_second_earlier(const crypto::Tai64n& t) {
    auto bytes = t.bytes();
    std::uint64_t seconds = 0;
    for (int i = 0; i < 8; ++i) seconds = seconds << 8 | bytes[static_cast<std::size_t>(i)];
    --seconds;
    for (int i = 7; i >= 0; --i, seconds >>= 8) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(seconds);
    return crypto::Tai64n::from_bytes(bytes);
}

Outcome old_timestamp(CaseContext& c) {
    const auto initiation = c.first.initiate();
    Port port = 0;
    const auto first = send_and_listen(c, c.first, initiation, initiation.bytes, c.config.answer_wait, &port);
    if (first.kind != Kind::response) return skip("the reference initiation got " + describe(first.kind) + ", not a response");
    const auto older = c.first.initiate(std::nullopt, one_second_earlier(c.first.last_timestamp()));
    c.first.send_initiation(port, older.bytes);
    const auto answer = c.first.await_answer(port, older, c.config.silence_wait);
    if (answer.kind != Kind::silence) return fail("a fresh initiation with a timestamp 1 s older than the last accepted got " + describe(answer.kind));
    return pass("fresh ephemeral, timestamp 1 s older than the last accepted: no answer");
}

Outcome reserved_bytes(CaseContext& c) {
    // The handshake half: a reserved byte set, mac1 recomputed so that only
    // the reserved byte is wrong.
    const auto initiation = c.first.initiate();
    auto bytes = initiation.bytes;
    bytes[1] = 0x01;
    cookie::add_macs(bytes, c.first.target_mac_keys().mac1_key, std::nullopt);
    const auto answer = send_and_listen(c, c.first, initiation, bytes, c.config.silence_wait);
    if (answer.kind != Kind::silence) return fail("an initiation with reserved byte 1 set (valid mac1) got " + describe(answer.kind));
    // The data half: the header is not authenticated, so only the type
    // check can refuse it; the untouched packet must still be delivered.
    std::string why;
    const Port port = c.network.open_port();
    auto session = confirmed_session(c, c.first, port, why);
    if (!session) return skip("initiation part passed; data part: " + why);
    const auto addresses = any_addresses(c.first);
    const Echo echo = c.first.echo(*session, addresses->first, addresses->second);
    Bytes flawed = echo.datagram;
    flawed[3] = 0x80;
    const Echo as_sent{echo.source, echo.destination, echo.id, echo.payload, echo.counter, flawed};
    if (echo_comes_back(c, as_sent, port, *session, c.config.silence_wait)) {
        return fail("transport data with reserved byte 3 set was delivered");
    }
    if (!echo_comes_back(c, echo, port, *session, c.config.answer_wait)) {
        return fail("after the flawed copy was dropped, the same packet with zero reserved bytes was not delivered");
    }
    return pass("initiation and transport data with a reserved byte set: both dropped; the clean data delivered");
}

Outcome malformed(CaseContext& c) {
    const Port port = c.network.open_port();
    const auto valid = c.first.initiate();
    std::vector<Bytes> junk;
    junk.emplace_back();                                      // empty
    junk.push_back(Bytes{1});                                 // a type byte alone
    for (std::size_t size : {std::size_t{4}, std::size_t{147}, std::size_t{149}, std::size_t{1500}}) {
        Bytes b(valid.bytes.begin(), valid.bytes.end());
        b.resize(size, 0);                                    // truncated or extended initiation
        junk.push_back(b);
    }
    for (std::uint8_t type : {std::uint8_t{2}, std::uint8_t{3}, std::uint8_t{4}, std::uint8_t{0}, std::uint8_t{5}, std::uint8_t{0xff}}) {
        for (std::size_t size : {std::size_t{4}, std::size_t{31}, std::size_t{63}, std::size_t{65}, std::size_t{91}, std::size_t{93}, std::size_t{148}}) {
            Bytes b(size);
            c.rng.fill(b);
            b[0] = type;
            if (size >= 4) b[1] = b[2] = b[3] = 0;
            junk.push_back(b);
        }
    }
    for (const Bytes& b : junk) c.network.send(port, b);
    std::string what;
    if (!silence_on(c.network, port, c.config.silence_wait, what)) return fail(std::to_string(junk.size()) + " malformed datagrams were answered with " + what);
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return fail("after " + std::to_string(junk.size()) + " malformed datagrams the target no longer works: " + why);
    return pass(std::to_string(junk.size()) + " malformed datagrams (every type, wrong sizes) ignored; handshake and data still work");
}


/// How close together the target must be shown to have taken two
/// initiations before answering both counts against it: half the 20 ms of
/// the rule, since the kernel reads a coarse clock that may lag by a tick
/// (up to 10 ms at HZ=100).
constexpr Duration kProvenFlood = wire::kMinInitiationInterval / 2;

Outcome initiation_flood(CaseContext& c) {
    // The second initiation goes out only once the first is answered, never
    // back to back. The kernel and wireguard-go both read the time of the
    // peer's last initiation, then do the Diffie-Hellman work, then write
    // the new time, on several handshake workers at once: two initiations
    // that arrive together may both pass the check on a machine with more
    // than one core (CI saw wireguard-go 0.0.20220316 answer both), or the
    // second may be taken first and the first refused as older. What they
    // keep is the rule for initiations taken one after the other, and an
    // answer proves the first was taken.
    const Port port = c.network.open_port();
    constexpr int kTries = 3;
    Duration slowest{};
    for (int tries = 1; tries <= kTries; ++tries) {
        const auto one = c.first.initiate();
        const auto two = c.first.initiate();
        // Read before it goes out: were the clock read after, a pause of
        // ours in between could hide how long the target had it.
        const Duration one_sent = c.first.send_initiation(port, one.bytes);  // 50 ms after this identity's last
        const auto first = c.first.await_answer(port, one, c.config.answer_wait);
        if (first.kind != Kind::response) return skip("the first initiation got " + describe(first.kind) + ", not a response");
        c.network.send(port, two.bytes);  // at once, not after send_initiation's 50 ms
        const auto second = c.first.await_answer(port, two, c.config.silence_wait);
        if (second.kind == Kind::silence) {
            // Not a lasting refusal: one later is answered again.
            const auto three = c.first.initiate();
            c.first.send_initiation(port, three.bytes);
            if (c.first.await_answer(port, three, c.config.answer_wait).kind != Kind::response) {
                return fail("after an initiation and a second at once, a third " + milliseconds(c.config.silence_wait) +
                            " later was not answered");
            }
            return pass("a second initiation sent as the first was answered: silence; a third " +
                        milliseconds(c.config.silence_wait) + " later answered");
        }
        if (second.kind == Kind::cookie_reply) return skip("the second initiation got a cookie reply: the target is under load");
        if (second.kind != Kind::response) return fail("the second initiation got " + describe(second.kind) + ": " + second.detail);
        // The target took the first after we sent it and checked the second
        // before its answer reached us: no further apart than this.
        const Duration apart = c.network.now() - one_sent;
        if (apart < kProvenFlood) {
            return fail("a second initiation from the same peer got a handshake response, though the target took it within " +
                        milliseconds(std::chrono::ceil<std::chrono::milliseconds>(apart)) +
                        " of the first: the kernel and wireguard-go answer at most one per 20 ms (INITIATIONS_PER_SECOND = 50)");
        }
        slowest = std::max(slowest, apart);
        // The next first must not fall within 20 ms of this second, even by
        // a coarse clock a tick behind.
        c.network.sleep(2 * wire::kMinInitiationInterval);
    }
    return skip("the second initiation was answered in each of " + std::to_string(kTries) +
                " tries, but the round trips took up to " + milliseconds(slowest) + ": too slow to show it came within " +
                milliseconds(kProvenFlood) + " of the first");
}

/// An initiation from `peer` with `timestamp` whose ephemeral key is the
/// point u = 0, whose product with any scalar is zero: es is then 32 zero
/// bytes, which the harness knows without any private key. All else is valid.
Bytes low_order_initiation(CaseContext& c, const ProbePeer& peer, const crypto::Tai64n& timestamp) {
    std::array<std::uint8_t, layout::Initiation::kSize> msg{};
    msg[0] = static_cast<std::uint8_t>(wire::MessageType::initiation);
    std::uint32_t sender = 0;
    c.rng.fill({reinterpret_cast<std::uint8_t*>(&sender), sizeof sender});
    store_le32(layout::Initiation::sender.in(msg).data(), sender);
    const crypto::PublicKey ephemeral{};  // u = 0
    // e: the point goes out as it is.
    auto state = handshake::NoiseState::initial(c.config.target.public_key);
    state.mix_ephemeral(ephemeral);
    std::copy(ephemeral.begin(), ephemeral.end(), layout::Initiation::ephemeral.in(msg).begin());
    // es: DH(S_r, u = 0) = 0, whoever computes it.
    const std::array<std::uint8_t, crypto::kKeySize> zero_secret{};
    const auto static_key = state.mix_key(zero_secret);
    state.seal_and_hash(static_key, peer.identity().public_key, layout::Initiation::encrypted_static.in(msg));
    // ss and {t}, as in any initiation.
    const auto ss = crypto::dh(peer.identity().private_key, c.config.target.public_key);
    const auto timestamp_key = state.mix_key(ss->span());
    state.seal_and_hash(timestamp_key, timestamp.view(), layout::Initiation::encrypted_timestamp.in(msg));
    cookie::add_macs(msg, peer.target_mac_keys().mac1_key, std::nullopt);
    return Bytes(msg.begin(), msg.end());
}

Outcome low_order_ephemeral(CaseContext& c) {
    const Port port = c.network.open_port();
    // A timestamp newer than any identity 1 sent (from an initiation made
    // and never sent), for both of the initiations below.
    (void)c.first.initiate();
    const crypto::Tai64n timestamp = c.first.last_timestamp();
    c.first.send_initiation(port, low_order_initiation(c, c.first, timestamp));
    std::string what;
    if (!silence_on(c.network, port, c.config.silence_wait, what)) {
        return fail("an initiation with the ephemeral key u = 0 (es all zeros, known to anyone) got " + what +
                    ": a DH result of zeros must end the handshake");
    }
    // The kernel stops at es, before the timestamp: a valid initiation with
    // the same timestamp is still newer than any accepted, and is answered.
    const auto valid = c.first.initiate(std::nullopt, timestamp);
    c.first.send_initiation(port, valid.bytes);
    if (c.first.await_answer(port, valid, c.config.answer_wait).kind != Kind::response) {
        return fail("a valid initiation with the timestamp of the low-order one before it was not answered: the "
                    "low-order initiation was consumed (its timestamp taken), where es = 0 must end it");
    }
    return pass("ephemeral key u = 0: no answer, and its timestamp not taken (a valid initiation with it was answered)");
}

Outcome zero_private_key(CaseContext& c) {
    if (!c.network.has_zero_key_target()) {
        return skip("needs a second target whose private key was set to zeros (--zero-key-target; --spawn makes one)");
    }
    // Without a key, the only public key it could claim is X25519(clamp(0)).
    TargetDescription keyless = c.config.target;
    keyless.public_key = crypto::public_key_of(crypto::make_private_key(std::array<std::uint8_t, crypto::kKeySize>{}));
    ProbePeer peer(c.network, c.config.first_key, keyless, c.rng);
    const Port port = c.network.open_port();
    const auto initiation = peer.initiate();
    c.network.send_to_zero_key_target(port, initiation.bytes);
    const auto answer = peer.await_answer(port, initiation, c.config.answer_wait);
    if (answer.kind == Kind::silence) {
        return pass("a target whose private key is zeros: no answer (the kernel's has_identity)");
    }
    if (answer.kind == Kind::response) {
        return diverges("a target whose private key was set to zeros answered as X25519(clamp(0)), as wireguard-go "
                        "does; the kernel has no identity then and answers nothing");
    }
    return fail("a target whose private key is zeros sent " + describe(answer.kind));
}

const CaseDefinition kCases[] = {
    {"handshake.valid_initiation", "5.4.3", "a valid initiation gets a response whose mac1 verifies", false, valid_initiation},
    {"handshake.bad_mac1", "5.4.4", "an initiation with a bad mac1 gets silence", false, bad_mac1},
    {"handshake.unknown_key", "5.4.2", "an initiation from an unknown static key gets silence", false, unknown_key},
    {"handshake.replayed_initiation", "5.1", "a replayed initiation is not answered twice", false, replayed_initiation},
    {"handshake.old_timestamp", "5.1", "an initiation with an older timestamp is ignored", false, old_timestamp},
    {"handshake.reserved_bytes", "5.4.2", "messages with non-zero reserved bytes are dropped", false, reserved_bytes},
    {"handshake.malformed", "5.4", "malformed messages of every type are dropped, and the target still works", false, malformed},
    {"handshake.initiation_flood", "5.4.7", "at most one initiation per peer is answered in 20 ms", false, initiation_flood},
    {"handshake.low_order_ephemeral", "5.4.2", "an initiation with a low-order ephemeral key gets silence", false, low_order_ephemeral},
    {"handshake.zero_private_key", "5.4.2", "a target with no private key answers nothing", false, zero_private_key},
};

}  // namespace

std::span<const CaseDefinition> handshake_cases() { return kCases; }

}  // namespace wg::conformance
