// SPDX-License-Identifier: MIT
// Bad input, in bulk: 100,000 random and mutated datagrams thrown at every
// consumer of untrusted bytes. Nothing may crash (the sanitizer build runs
// this too), and nothing may be accepted. Each mutation is kept only if it
// changed the message; a quarter of the handshake mutations get a freshly
// computed mac1, as an attacker who knows our public key would do, so the
// deep checks (decryption, static key, timestamp) are exercised, not only mac1.
#include <catch2/catch.hpp>

#include <random>

#include "cookie/macs.hpp"
#include "forge.hpp"
#include "oracle_case.hpp"
#include "transport/data_message.hpp"

using namespace wg;
namespace L = wire;

namespace {

constexpr int kMessages = 100'000;

struct Targets {
    explicit Targets(const vectors::Record& r)
        : c(r), to_responder(cookie::MacKeys::of(c.responder.public_key)), to_initiator(cookie::MacKeys::of(c.initiator.public_key)) {
        std::array<std::uint8_t, L::Initiation::kSize> sent{};
        initiator.emplace(*handshake::InitiatorHandshake::create_initiation(c.initiator, c.responder_as_seen_by_initiator,
                                                                            c.initiation_params, sent));
        sent_mac1 = cookie::add_macs(sent, to_responder.mac1_key, c.initiation_cookie);
        // The responder has already accepted this initiation (§5.1): replays must fail.
        c.directory.latest = c.initiation_params.timestamp;
        const test::OnePeerDirectory fresh_directory(handshake::RemotePeer{c.initiator.public_key, c.psk});
        const Bytes accepted = r.bytes("initiation");
        auto consumed = handshake::consume_initiation(*wire::InitiationMessage::parse(accepted), c.responder, fresh_directory);
        REQUIRE(consumed.ok());
        std::array<std::uint8_t, L::Response::kSize> response{};
        keys.emplace(*handshake::create_response(consumed.value(), c.response_params, response));
    }

    /// True if any receiver accepts `m` as genuine, checking what a receiver
    /// checks: the wire format, mac1 of handshake messages (§5.4.4), then the rest.
    bool accepts(ByteView m) {
        if (auto v = wire::InitiationMessage::parse(m); v && cookie::mac1_is_valid(m, to_responder.mac1_key) &&
                                                        handshake::consume_initiation(*v, c.responder, c.directory).ok()) {
            return true;
        }
        // Two fields of a response are not protected by the handshake, so the
        // caller never mutates them: mac2 (checked only under load, §5.4.7),
        // and the responder's sender index, which is outside the Noise
        // transcript: whoever knows our public key can rewrite it and mac1,
        // gaining nothing (the keys are unchanged; data to a wrong index is
        // simply dropped by the responder).
        if (auto v = wire::ResponseMessage::parse(m); v && cookie::mac1_is_valid(m, to_initiator.mac1_key) &&
                                                      initiator->consume_response(*v, c.initiator, c.responder_as_seen_by_initiator).ok()) {
            return true;
        }
        if (auto v = wire::CookieReplyMessage::parse(m);
            v && cookie::consume_cookie_reply(*v, initiator->sender_index(), to_responder.cookie_key, sent_mac1).ok()) {
            return true;
        }
        // Transport data is judged the way a receiver finds its key: by index.
        if (auto v = wire::DataMessage::parse(m); v && v->receiver() == keys->local_index) {
            Bytes out(m.size());
            if (transport::open_data_message(keys->receiving, *v, out).ok()) return true;
        }
        return false;
    }

    test::OracleCase c;
    cookie::MacKeys to_responder, to_initiator;  ///< each side's mac1 and cookie keys
    crypto::Mac sent_mac1{};
    std::optional<handshake::InitiatorHandshake> initiator;
    std::optional<handshake::TransportKeys> keys;
};

}  // namespace

TEST_CASE("100,000 random and mutated messages are all refused, none crashes", "[handshake][bad-input][fuzz]") {
    const auto records = test::oracle_records();
    const auto& r = records.front();
    Targets targets(r);

    // Genuine messages to mutate: each of the four types.
    const Bytes initiation = r.bytes("initiation");
    const Bytes response = r.bytes("response");
    const Bytes cookie_reply = r.bytes("cookie_reply");
    std::array<std::uint8_t, 1500> data_buffer{};
    const Bytes inner = r.bytes("transport_plaintext");
    // Data as the initiator sends it: sealed with the key the responder receives with.
    const std::size_t data_length = transport::seal_data_message(
        targets.keys->receiving, targets.keys->local_index, 7, inner, transport::padded_length(inner.size(), 1420), data_buffer);
    const Bytes data(data_buffer.begin(), data_buffer.begin() + static_cast<std::ptrdiff_t>(data_length));
    // Sanity: the unmutated response, cookie reply and data are accepted.
    REQUIRE(targets.accepts(response));
    REQUIRE(targets.accepts(cookie_reply));
    REQUIRE(targets.accepts(data));
    // ...and the unmutated initiation is not: its timestamp is already recorded.
    REQUIRE_FALSE(targets.accepts(initiation));

    std::mt19937_64 rng(20171102);  // fixed seed: a failure can be replayed
    auto random_below = [&](std::size_t n) { return static_cast<std::size_t>(rng() % n); };
    const std::array<const Bytes*, 4> genuine{&initiation, &response, &cookie_reply, &data};
    int accepted = 0;
    int tested = 0;
    while (tested < kMessages) {
        Bytes m;
        const std::size_t kind = random_below(5);
        if (kind == 4) {
            // Pure noise, often with a plausible type word and length.
            m.resize(random_below(4) == 0 ? L::Initiation::kSize : random_below(300));
            for (auto& b : m) b = static_cast<std::uint8_t>(rng());
            if (m.size() >= 4 && random_below(2) == 0) wire::write_type(m, static_cast<wire::MessageType>(1 + random_below(4)));
        } else {
            m = *genuine[kind];
            // For a response, positions skip the sender index and mac2 (see accepts()).
            auto position = [&]() -> std::size_t {
                if (kind != 1) return random_below(m.size());
                const std::size_t p = random_below(L::Response::mac2.offset - 4);
                return p < L::Response::sender.offset ? p : p + 4;
            };
            switch (random_below(4)) {
                case 0: m.resize(random_below(m.size())); break;                             // truncate
                case 1: m.resize(m.size() + 1 + random_below(64), static_cast<std::uint8_t>(rng())); break;  // extend
                default: {
                    const std::size_t flips = 1 + random_below(4);
                    for (std::size_t f = 0; f < flips; ++f) m[position()] ^= static_cast<std::uint8_t>(1 + random_below(255));
                }
            }
            if (m == *genuine[kind]) continue;
            const bool handshake_message = kind <= 1 && m.size() == genuine[kind]->size();
            if (handshake_message && random_below(4) == 0) {
                test::refresh_mac1(m, (kind == 0 ? targets.to_responder : targets.to_initiator).mac1_key);
                if (kind == 1 && m == response) continue;  // the flips were all in mac1 and got undone
            }
        }
        ++tested;
        if (targets.accepts(m)) {
            ++accepted;
            UNSCOPED_INFO("accepted: " << to_hex(m));
        }
    }
    CHECK(tested == kMessages);
    CHECK(accepted == 0);
}
