// SPDX-License-Identifier: MIT
// What the Device gives back for each input: datagrams to send, packets for
// the interface, and Events that say what happened and which section of the
// paper says so (for `--trace`, for tests, and for labs that watch §6 act).
#pragma once

#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "common/address.hpp"
#include "common/drop_reason.hpp"
#include "common/time.hpp"
#include "crypto/secret.hpp"
#include "routing/allowed_ips.hpp"
#include "transport/data_message.hpp"

namespace wg::device {

/// Peers are named by a small number inside the Device (their public keys
/// name them to the outside world); the allowed-IPs table maps addresses to it.
using routing::PeerId;

enum class EventKind : std::uint8_t {
    initiation_sent,
    initiation_received,
    response_sent,
    response_received,
    cookie_reply_sent,
    cookie_reply_received,
    session_confirmed,   ///< responder: first data on `next`, it becomes `current`
    keepalive_sent,
    keepalive_received,
    rekey,               ///< a new handshake because the current keys grew old (§6.2)
    handshake_retry,     ///< §6.4
    endpoint_changed,    ///< roaming (§2.1)
    keys_erased,         ///< §6.3: 3 x REJECT_AFTER_TIME without a new session
    dropped,             ///< see Event::reason
};

/// One protocol event.
struct Event {
    EventKind kind;
    std::optional<PeerId> peer;
    DropReason reason = DropReason::malformed;  ///< meaningful for `dropped`
    Time time{};
};
std::string_view to_string(EventKind kind);
/// The section of the paper an event comes from, e.g. "5.4.7".
std::string_view paper_section(const Event& event);

struct Datagram {
    Endpoint to;
    Bytes bytes;
};

/// What the Device asks the outside world to do. The caller reads it, then
/// clear()s it and hands it back. clear() keeps every buffer's memory, so
/// once traffic is flowing the data path allocates nothing: each new
/// datagram or packet reuses the slot (and the bytes) of an earlier one.
class Outbox {
public:
    /// A datagram of `size` bytes to `to`, for the Device to fill in.
    Datagram& add_datagram(const Endpoint& to, std::size_t size) {
        if (datagram_count_ == datagram_slots_.size()) datagram_slots_.emplace_back();
        Datagram& d = datagram_slots_[datagram_count_++];
        d.to = to;
        d.bytes.resize(size);
        return d;
    }
    void add_datagram(const Endpoint& to, ByteView bytes) {
        Datagram& d = add_datagram(to, bytes.size());
        std::copy(bytes.begin(), bytes.end(), d.bytes.begin());
    }
    /// A packet for the interface.
    void add_to_interface(ByteView packet) {
        if (packet_count_ == packet_slots_.size()) packet_slots_.emplace_back();
        packet_slots_[packet_count_++].assign(packet.begin(), packet.end());
    }
    /// Seals a data message (§5.4.6) into `d`: now, or, while a batch holds
    /// sealing back (Device::send_packets), framed now and sealed with the
    /// rest of the batch at its end, on whichever cores the I/O shell lends.
    void seal_data(Datagram& d, const crypto::SymmetricKey& key, std::uint32_t receiver, std::uint64_t counter,
                   ByteView packet, std::size_t padded) {
        if (!holding_seals_) {
            transport::seal_data_message(key, receiver, counter, packet, padded, d.bytes);
            return;
        }
        transport::frame_data_message(receiver, counter, packet, padded, d.bytes);
        if (held_count_ == held_seals_.size()) held_seals_.emplace_back();
        held_seals_[held_count_++] = {static_cast<std::size_t>(&d - datagram_slots_.data()), key};
    }
    /// A data message framed but not yet sealed: which datagram, with which key.
    struct HeldSeal {
        std::size_t datagram = 0;
        crypto::SymmetricKey key;
    };
    void hold_seals(bool hold) { holding_seals_ = hold; }
    std::span<HeldSeal> held_seals() { return {held_seals_.data(), held_count_}; }
    /// After sealing them: their keys are wiped, not left lying in memory.
    void forget_held_seals() {
        for (std::size_t i = 0; i < held_count_; ++i) held_seals_[i].key = {};
        held_count_ = 0;
    }

    std::span<Datagram> datagrams() { return {datagram_slots_.data(), datagram_count_}; }
    std::span<Bytes> to_interface() { return {packet_slots_.data(), packet_count_}; }
    std::span<const Datagram> datagrams() const { return {datagram_slots_.data(), datagram_count_}; }
    std::span<const Bytes> to_interface() const { return {packet_slots_.data(), packet_count_}; }
    std::vector<Event> events;

    void clear() {
        datagram_count_ = 0;
        packet_count_ = 0;
        forget_held_seals();
        events.clear();
    }

private:
    std::vector<Datagram> datagram_slots_;
    std::size_t datagram_count_ = 0;
    std::vector<Bytes> packet_slots_;
    std::size_t packet_count_ = 0;
    bool holding_seals_ = false;
    std::vector<HeldSeal> held_seals_;
    std::size_t held_count_ = 0;
};

}  // namespace wg::device
