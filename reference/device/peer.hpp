// SPDX-License-Identifier: MIT
// One peer as the Device holds it (the kernel's struct wg_peer): who it is,
// where it is, its sessions and timers, and the packets waiting for a session.
#pragma once

#include <deque>
#include <optional>

#include "cookie/cookie_checker.hpp"
#include "device/key_slots.hpp"
#include "timers/timers.hpp"

namespace wg::device {

struct PeerStats {
    std::uint64_t rx_bytes = 0;  ///< UDP payload bytes of authenticated packets received
    std::uint64_t tx_bytes = 0;
    std::uint64_t handshakes_initiated = 0;
    std::uint64_t handshakes_completed = 0;
    std::uint64_t cookies_received = 0;
    std::uint64_t keepalives_received = 0;
    /// On the wall clock (since the Unix epoch), when the handshake completed:
    /// what `wg show` prints, kept as it was if the clock steps later (the
    /// kernel's walltime_last_handshake).
    std::optional<Duration> last_handshake_unix_time;
};

struct Peer {
    Peer(PeerId peer_id, IndexTable& indices, timers::TimerQueue& timer_queue)
        : id(peer_id), sessions(peer_id, indices), timers(timer_queue, peer_id) {}

    PeerId id;
    handshake::RemotePeer remote;  ///< its public key and our PSK with it
    cookie::MacKeys macs;          ///< mac1 of messages to it; its cookie replies (§5.4.4, §5.4.7)
    std::optional<Endpoint> endpoint;

    /// §5.1: the newest timestamp accepted from it; replays of older ones fail.
    crypto::Tai64n latest_timestamp;
    /// §5.4.7: the mac1 a cookie reply from it must answer, and the cookie
    /// it last gave us, for mac2 of what we send it.
    cookie::PeerCookie cookie;

    KeySlots sessions;
    std::deque<Bytes> staged;  ///< packets waiting for a session (§6: sent once one exists)
    timers::PeerTimers timers;
    PeerStats stats;
};

}  // namespace wg::device
