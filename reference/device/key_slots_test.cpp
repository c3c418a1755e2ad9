// SPDX-License-Identifier: MIT
// The session state machine (key_slots.hpp) on its own: each transition, and
// the two rules the kernel adds to the paper's key rotation.
#include <catch2/catch.hpp>

#include "device/key_slots.hpp"
#include "device/simulated_network.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

handshake::TransportKeys keys(std::uint32_t local_index, bool we_initiated) {
    handshake::TransportKeys k;
    k.local_index = local_index;
    k.we_initiated = we_initiated;
    return k;
}

}  // namespace

TEST_CASE("Responder: new keys wait in next: confirmation makes them current", "[keyslots]") {
    SeededRng rng(1);
    IndexTable indices(rng);
    KeySlots slots(1, indices);
    const std::uint32_t first = slots.new_index();
    Keypair& a = slots.response_sent(keys(first, false), 0s);
    CHECK(slots.current() == nullptr);  // not yet: §5.4.6 key confirmation
    CHECK(slots.keypair_with_index(first) == &a);
    CHECK(slots.key_confirmed(a));
    CHECK(slots.current() == &a);
    CHECK_FALSE(slots.key_confirmed(a));  // once
}

TEST_CASE("Responder: installing new keys drops previous, as the kernel's add_new_keypair does", "[keyslots][kernel]") {
    SeededRng rng(2);
    IndexTable indices(rng);
    KeySlots slots(1, indices);
    const std::uint32_t i1 = slots.new_index(), i2 = slots.new_index(), i3 = slots.new_index();
    slots.key_confirmed(slots.response_sent(keys(i1, false), 0s));
    slots.key_confirmed(slots.response_sent(keys(i2, false), 1s));  // i1 is now previous
    REQUIRE(slots.keypair_with_index(i1));
    slots.response_sent(keys(i3, false), 2s);  // a third handshake, not yet confirmed
    CHECK(slots.keypair_with_index(i1) == nullptr);  // previous went at once...
    CHECK_FALSE(indices.owner(i1));                  // ...and its index with it
    CHECK(slots.keypair_with_index(i2) == slots.current());
    CHECK(slots.keypair_with_index(i3));
}

TEST_CASE("Answering the peer's initiation ends our own in flight", "[keyslots][kernel]") {
    SeededRng rng(3);
    IndexTable indices(rng);
    KeySlots slots(1, indices);
    // Our initiation in flight, under index `ours`.
    const auto identity = handshake::StaticIdentity::from_private_key(crypto::PrivateKey::from(Bytes(32, 1)));
    const handshake::RemotePeer peer{handshake::StaticIdentity::from_private_key(crypto::PrivateKey::from(Bytes(32, 2))).public_key, {}};
    handshake::InitiationParameters params;
    params.ephemeral_private = crypto::PrivateKey::from(Bytes(32, 3));
    params.sender_index = slots.new_index();
    std::array<std::uint8_t, wire::Initiation::kSize> message{};
    slots.initiation_sent(*handshake::InitiatorHandshake::create_initiation(identity, peer, params, message));
    REQUIRE(slots.initiation_with_index(params.sender_index));
    // The peer's initiation crossed it, and we answered.
    slots.response_sent(keys(slots.new_index(), false), 0s);
    CHECK(slots.handshake_state() == KeySlots::HandshakeState::none);
    CHECK(slots.initiation_with_index(params.sender_index) == nullptr);
    CHECK_FALSE(indices.owner(params.sender_index));
}

TEST_CASE("A key pair stops receiving once its receive counter reaches REJECT_AFTER_MESSAGES (the kernel's decrypt_packet)", "[keyslots][kernel]") {
    Keypair k;
    CHECK_FALSE(timers::receiving_expired(k.age(0s)));
    REQUIRE(k.replay.accept(wire::kRejectAfterMessages - 1));  // the last counter anyone may use
    CHECK(timers::receiving_expired(k.age(0s)));
    CHECK_FALSE(timers::sending_expired(k.age(0s)));  // sending counts its own
}

TEST_CASE("A new identity: no old key pair sends again, but they still receive", "[keyslots][kernel]") {
    SeededRng rng(4);
    IndexTable indices(rng);
    KeySlots slots(1, indices);
    const std::uint32_t i1 = slots.new_index();
    slots.response_consumed(keys(i1, true), 0s);
    REQUIRE(slots.current()->may_send);
    slots.expire_sending();
    CHECK_FALSE(slots.current()->may_send);
    CHECK(slots.keypair_with_index(i1));  // still there for what is in flight
}
