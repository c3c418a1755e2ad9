// SPDX-License-Identifier: MIT
// Paper §5.4.6 and §6: a peer's sessions, as an explicit state machine (the
// kernel's noise_handshake state and noise_keypairs).
//
// The handshake in flight. Only the initiator waits between messages, so
// there are two states:
//     none --initiation_sent--> initiation_sent --response_consumed--> none
//                                       |--initiation_abandoned (§6.4)--> none
// A responder consumes an initiation and sends its response in one step, so
// it never waits in a state of its own; its new keys wait in a slot instead.
//
// Three key-pair slots ("Key Rotation", §6.2-6.3):
//     next      a responder's new keys, waiting for key confirmation: the
//               responder may not send with them until the initiator's first
//               data packet (or keepalive) arrives, because only then does it
//               know the initiator derived the same keys (§5.4.6).
//     current   the keys we send with.
//     previous  the keys before, still accepted for packets that were in
//               flight during a rekey.
// The transitions, each a method below (the kernel's add_new_keypair and
// wg_noise_received_with_keypair):
//     response_consumed  initiator: new keys -> current; current -> previous
//                        (an unconfirmed next -> previous, the old current goes)
//     response_sent      responder: new keys -> next; the old next and the old
//                        previous go, and so does our own initiation in flight
//                        (the peer's initiation and ours crossed: theirs wins)
//     key_confirmed      responder: next -> current; current -> previous
//     expire_sending     a new identity: the handshake in flight goes, and
//                        current and next may no longer send (they still
//                        receive what is in flight)
//     erase              every slot and the handshake in flight emptied (§6.3)
// Each key pair and each handshake owns one index in the device's IndexTable;
// these transitions take and give back those indices, so the table never
// names a session that no longer exists.
#pragma once

#include <memory>
#include <optional>

#include "crypto/secret.hpp"
#include "device/index_table.hpp"
#include "handshake/noise.hpp"
#include "timers/timers.hpp"
#include "transport/replay_window.hpp"

namespace wg::device {

/// A session's keys and the state that goes with them (§5.4.6).
struct Keypair {
    handshake::TransportKeys keys;
    Time created{};
    std::uint64_t next_send_counter = 0;
    transport::ReplayWindow replay;
    bool may_send = true;  ///< false once our identity changed (the kernel's sending.is_valid)

    /// What the rules of §6.2 look at (timers::sending_expired and the others).
    timers::KeypairAge age(Time now) const {
        return {now - created, keys.we_initiated, next_send_counter, replay.any_accepted() ? replay.newest() + 1 : 0};
    }
};

class KeySlots {
public:
    enum class HandshakeState : std::uint8_t { none, initiation_sent };

    KeySlots(PeerId peer, IndexTable& indices) : peer_(peer), indices_(indices) {}
    ~KeySlots() { erase(); }
    KeySlots(const KeySlots&) = delete;
    KeySlots& operator=(const KeySlots&) = delete;

    /// A fresh index for a handshake message we are about to send.
    std::uint32_t new_index() { return indices_.allocate(peer_); }
    /// Gives back an index taken with new_index() that no message carried.
    void release_unused(std::uint32_t index) { indices_.release(index); }

    // ---- transitions ----
    /// We sent `initiation`; one still in flight is forgotten.
    void initiation_sent(handshake::InitiatorHandshake initiation);
    /// §6.4: we gave up on the handshake in flight.
    void initiation_abandoned();
    /// Initiator: the response to our initiation was consumed; `keys` become current.
    Keypair& response_consumed(handshake::TransportKeys keys, Time now);
    /// Responder: we answered an initiation; `keys` wait in `next` for key confirmation.
    Keypair& response_sent(handshake::TransportKeys keys, Time now);
    /// Responder: data arrived on `keypair`; if it is `next`, it becomes
    /// current. Returns whether it was next (the handshake just completed).
    bool key_confirmed(const Keypair& keypair);
    /// Our private key changed: nothing may be sent on keys made with the old one.
    void expire_sending();
    /// Every key and the handshake in flight erased.
    void erase();

    // ---- lookups ----
    HandshakeState handshake_state() const { return initiation_ ? HandshakeState::initiation_sent : HandshakeState::none; }
    /// Our initiation in flight, if `index` is its sender index.
    const handshake::InitiatorHandshake* initiation_with_index(std::uint32_t index) const;
    /// The key pair whose local index is `index`: current, next or previous.
    Keypair* keypair_with_index(std::uint32_t index);
    /// The keys to send with (may be expired: the caller asks timers::sending_expired).
    Keypair* current() { return current_.get(); }
    const Keypair* current() const { return current_.get(); }

private:
    void retire(std::unique_ptr<Keypair>& slot);
    std::unique_ptr<Keypair> make_keypair(handshake::TransportKeys keys, Time now) const;

    PeerId peer_;
    IndexTable& indices_;
    std::optional<handshake::InitiatorHandshake> initiation_;
    std::unique_ptr<Keypair> current_, previous_, next_;
};

}  // namespace wg::device
