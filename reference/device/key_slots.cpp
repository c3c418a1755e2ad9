// SPDX-License-Identifier: MIT
// The session state machine's transitions (see key_slots.hpp).
#include "device/key_slots.hpp"

namespace wg::device {

void KeySlots::initiation_sent(handshake::InitiatorHandshake initiation) {
    if (initiation_) indices_.release(initiation_->sender_index());
    initiation_ = std::move(initiation);
}

void KeySlots::initiation_abandoned() {
    if (initiation_) indices_.release(initiation_->sender_index());
    initiation_.reset();
}

std::unique_ptr<Keypair> KeySlots::make_keypair(handshake::TransportKeys keys, Time now) const {
    auto keypair = std::make_unique<Keypair>();
    keypair->keys = std::move(keys);
    keypair->created = now;
    return keypair;
}

// [install-keypair]
Keypair& KeySlots::response_consumed(handshake::TransportKeys keys, Time now) {
    // The handshake's index now names the new key pair (same number): it
    // stays in the table, and the handshake in flight is done.
    initiation_.reset();
    // The initiator may send at once. If a responder-side `next` was
    // waiting, it becomes `previous` (the peer may still use it); the old
    // `current` goes.
    if (next_) {
        retire(previous_);
        previous_ = std::move(next_);
        retire(current_);
    } else {
        retire(previous_);
        previous_ = std::move(current_);
    }
    current_ = make_keypair(std::move(keys), now);
    return *current_;
}

Keypair& KeySlots::response_sent(handshake::TransportKeys keys, Time now) {
    // Their initiation crossed ours: consuming theirs ends ours (as in the
    // kernel, whose one handshake state moves on to CONSUMED_INITIATION), so
    // a late response to our initiation finds nothing and is ignored.
    initiation_abandoned();
    // The responder waits for key confirmation (§5.4.6): the new keys wait in
    // `next`, replacing any that waited there; and, as the kernel's
    // add_new_keypair does, `previous` goes too, so at most two key pairs
    // the peer may still use survive (current, and the new next).
    retire(next_);
    retire(previous_);
    next_ = make_keypair(std::move(keys), now);
    return *next_;
}
// [install-keypair]

bool KeySlots::key_confirmed(const Keypair& keypair) {
    if (&keypair != next_.get()) return false;
    retire(previous_);
    previous_ = std::move(current_);
    current_ = std::move(next_);
    return true;
}

void KeySlots::expire_sending() {
    initiation_abandoned();
    for (Keypair* k : {current_.get(), next_.get()}) {
        if (k) k->may_send = false;
    }
}

void KeySlots::erase() {
    retire(current_);
    retire(previous_);
    retire(next_);
    initiation_abandoned();
}

void KeySlots::retire(std::unique_ptr<Keypair>& slot) {
    if (!slot) return;
    indices_.release(slot->keys.local_index);
    slot.reset();  // the Secrets in it wipe themselves
}

const handshake::InitiatorHandshake* KeySlots::initiation_with_index(std::uint32_t index) const {
    return initiation_ && initiation_->sender_index() == index ? &*initiation_ : nullptr;
}

Keypair* KeySlots::keypair_with_index(std::uint32_t index) {
    for (Keypair* k : {current_.get(), next_.get(), previous_.get()}) {
        if (k && k->keys.local_index == index) return k;
    }
    return nullptr;
}

}  // namespace wg::device
