// SPDX-License-Identifier: MIT
// The Device (see device.hpp): configuration, time, and the helpers the
// packet paths share. The paths themselves are receive.cpp and send.cpp.
#include "device/device.hpp"

#include <algorithm>

#include "crypto/x25519.hpp"

namespace wg::device {

// ---- configuration ------------------------------------------------------

Device::Device(const crypto::PrivateKey& private_key, crypto::Rng& rng, DeviceOptions options)
    : identity_(handshake::StaticIdentity::from_private_key(private_key)),
      rng_(rng),
      options_(options),
      cookie_checker_(cookie::MacKeys::of(identity_.public_key)),
      load_(options.load_threshold),
      indices_(rng) {}

Device::~Device() = default;

PeerId Device::set_peer(const PeerConfig& config) {
    Peer* p = nullptr;
    if (auto existing = find_peer(config.public_key)) {
        p = &peer(*existing);
        // Sessions survive a new PSK: it enters only the next handshake (as in
        // the kernel and wireguard-go, which store it and change nothing else).
        allowed_ips_.remove_peer(p->id);
    } else {
        auto fresh = std::make_unique<Peer>(next_peer_id_++, indices_, timer_queue_);
        p = fresh.get();
        peer_by_key_[config.public_key] = p->id;
        peers_[p->id] = std::move(fresh);
    }
    p->remote = {config.public_key, config.preshared_key};
    p->macs = cookie::MacKeys::of(config.public_key);
    if (config.endpoint) p->endpoint = config.endpoint;
    p->timers.set_persistent_keepalive(config.persistent_keepalive);
    for (const auto& prefix : config.allowed_ips) allowed_ips_.insert(prefix, p->id);
    return p->id;
}

bool Device::remove_peer(const crypto::PublicKey& public_key) {
    const auto id = find_peer(public_key);
    if (!id) return false;
    Peer& p = peer(*id);
    // Packets waiting for its handshake go with it; they are counted, as the
    // kernel counts them in tx_dropped, so that none is lost without a name.
    // (A keepalive waiting in the queue is empty and is no one's packet.)
    drops_[static_cast<std::size_t>(DropReason::peer_removed)] += waiting_packets(p);
    // The key may live inside the peer being erased: forget it by id first.
    peer_by_key_.erase(p.remote.public_key);
    allowed_ips_.remove_peer(*id);
    peers_.erase(*id);  // its KeySlots give their indices back
    return true;
}

void Device::set_private_key(const crypto::PrivateKey& private_key) {
    auto identity = handshake::StaticIdentity::from_private_key(private_key);
    // `wg syncconf` re-sends the key it read back: the same key changes
    // nothing (as in the kernel and wireguard-go), or no session would survive.
    if (identity.private_key == identity_.private_key) return;
    identity_ = std::move(identity);
    cookie_checker_ = cookie::CookieChecker(cookie::MacKeys::of(identity_.public_key));
    // Key pairs made with the old key must not send again (the peer will want
    // a handshake with the new one), but packets already in flight on them are
    // still received: the kernel's wg_noise_expire_current_peer_keypairs.
    for (auto& [id, p] : peers_) {
        p->sessions.expire_sending();
        p->timers.identity_changed();
    }
    if (has_identity()) remove_peer(identity_.public_key);
}

PeerId Device::ensure_peer(const crypto::PublicKey& public_key) {
    if (auto existing = find_peer(public_key)) return *existing;
    PeerConfig config;
    config.public_key = public_key;
    return set_peer(config);
}

void Device::set_preshared_key(PeerId id, const crypto::SymmetricKey& preshared_key) {
    // Only the next handshake uses it; the sessions stay (see set_peer).
    peer(id).remote.preshared_key = preshared_key;
}

void Device::set_endpoint(PeerId id, const Endpoint& endpoint) { peer(id).endpoint = endpoint; }

void Device::set_persistent_keepalive(PeerId id, Duration interval) { peer(id).timers.set_persistent_keepalive(interval); }

void Device::remove_all_peers() {
    while (!peers_.empty()) {
        const crypto::PublicKey key = peers_.begin()->second->remote.public_key;  // a copy: the peer is about to go
        remove_peer(key);
    }
}

Device::PeerInfo Device::peer_info(PeerId id) const {
    const Peer& p = peer(id);
    PeerInfo info;
    info.public_key = p.remote.public_key;
    info.preshared_key = p.remote.preshared_key;
    info.endpoint = p.endpoint;
    info.persistent_keepalive = p.timers.persistent_keepalive();
    info.allowed_ips = allowed_ips_.prefixes_of(id);
    info.stats = p.stats;
    return info;
}

std::optional<PeerId> Device::find_peer(const crypto::PublicKey& public_key) const {
    const auto it = peer_by_key_.find(public_key);
    if (it == peer_by_key_.end()) return std::nullopt;
    return it->second;
}

std::vector<PeerId> Device::peers() const {
    std::vector<PeerId> ids;
    ids.reserve(peers_.size());
    for (const auto& [id, p] : peers_) ids.push_back(id);
    std::sort(ids.begin(), ids.end());  // ids count up as peers are added
    return ids;
}

std::optional<handshake::KnownPeer> Device::find(const crypto::PublicKey& initiator_static) const {
    const auto id = find_peer(initiator_static);
    if (!id) return std::nullopt;
    const Peer& p = peer(*id);
    return handshake::KnownPeer{&p.remote, p.latest_timestamp};
}

const PeerStats& Device::peer_stats(PeerId id) const { return peer(id).stats; }

std::optional<Endpoint> Device::endpoint(PeerId id) const { return peer(id).endpoint; }

bool Device::has_sending_session(PeerId id, Time now) const {
    const Keypair* current = peer(id).sessions.current();
    return current && current->may_send && !timers::sending_expired(current->age(now));
}

// ---- time: the timers of §6 ----------------------------------------------

void Device::advance(Time now, Outbox& out) {
    // Only the peers whose earliest timer is due are visited; an entry of a
    // peer removed since finds no peer (timers/timer_queue.hpp).
    while (const auto entry = timer_queue_.pop_due(now)) {
        const auto it = peers_.find(entry->owner);
        if (it == peers_.end()) continue;
        Peer& p = *it->second;
        p.timers.queue_entry_popped(entry->when);
        while (const auto action = p.timers.take_due(now)) carry_out(p, *action, now, out);
        p.timers.requeue();
    }
}

std::optional<Time> Device::next_deadline() const { return timer_queue_.earliest(); }

/// What each timer asks for (timers.hpp says when each fires).
void Device::carry_out(Peer& p, timers::TimerAction action, Time now, Outbox& out) {
    using timers::TimerAction;
    switch (action) {
// [fire-timer]
        case TimerAction::retry_handshake:
            emit(out, EventKind::handshake_retry, p.id, now);
            return initiate_handshake(p, now, out, /*is_retry=*/true);
        case TimerAction::give_up_handshake:
            // §6.4: after REKEY_ATTEMPT_TIME, stop trying; the packets that
            // waited are dropped, and keys go after 3 x REJECT_AFTER_TIME.
            // (The initiation stays in flight, as in the kernel: a very late
            // response is still taken.)
            for (std::size_t i = waiting_packets(p); i > 0; --i) drop(out, DropReason::handshake_gave_up, now, p.id);
            p.staged.clear();
            return;
        case TimerAction::send_keepalive:
            return send_keepalive(p, now, out);
        case TimerAction::begin_new_handshake:
            // We sent data and heard nothing for KEEPALIVE + REKEY_TIMEOUT.
            return initiate_handshake(p, now, out, /*is_retry=*/false);
        case TimerAction::erase_keys:
            erase_keys(p);
            return emit(out, EventKind::keys_erased, p.id, now);
// [fire-timer]
    }
}

// ---- helpers the paths share ----------------------------------------------

void Device::erase_keys(Peer& p) { p.sessions.erase(); }

std::size_t Device::waiting_packets(const Peer& p) {
    return static_cast<std::size_t>(std::count_if(p.staged.begin(), p.staged.end(), [](const Bytes& b) { return !b.empty(); }));
}

crypto::PrivateKey Device::fresh_ephemeral() {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng_.fill(random);
    crypto::PrivateKey key = crypto::make_private_key(random);
    crypto::wipe(random.data(), random.size());
    return key;
}

Duration Device::jitter() {
    // 1 µs to REKEY_TIMEOUT_JITTER_MAX: never zero, so a retry is always
    // strictly after REKEY_TIMEOUT (initiation_allowed), even in simulated
    // time, where two events can fall on the same instant.
    std::uint32_t r = 0;
    rng_.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    const auto max = std::chrono::duration_cast<std::chrono::microseconds>(wire::kRekeyTimeoutJitterMax).count();
    return std::chrono::microseconds(1 + r % static_cast<std::uint32_t>(max));
}

bool Device::may_send_with(const Keypair& keypair, Time now) const {
    return keypair.may_send && !timers::sending_expired(keypair.age(now));
}

bool Device::may_receive_with(const Keypair& keypair, Time now) const {
    return !timers::receiving_expired(keypair.age(now));
}

crypto::Tai64n Device::next_timestamp(Time now) {
    // §5.1 needs only that our timestamps grow, across restarts too, so they
    // follow the wall clock: protocol time plus the Unix time at its origin
    // (to the nanosecond), which the I/O shell keeps current, whitened as the
    // kernel does (crypto/tai64n.hpp). Two initiations in one 2^24 ns step,
    // or a clock that steps back, still move forward by a step, or the peer
    // would ignore us until the clock caught up. (The kernel does not: after
    // a step back its initiations are refused as replays until its clock
    // passes the last one the peer took. wgref keeps the choice that
    // reconnects at once, which a peer cannot tell from a clock that held.)
    auto candidate = crypto::Tai64n::for_initiation(unix_time(now));
    if (!candidate.is_after(last_timestamp_)) candidate = last_timestamp_.next_whitened();
    last_timestamp_ = candidate;
    return candidate;
}

void Device::drop(Outbox& out, DropReason reason, Time now, std::optional<PeerId> peer) {
    ++drops_[static_cast<std::size_t>(reason)];
    out.events.push_back(Event{EventKind::dropped, peer, reason, now});
}

void Device::emit(Outbox& out, EventKind kind, std::optional<PeerId> peer, Time now) {
    out.events.push_back(Event{kind, peer, DropReason::malformed, now});
}

// ---- names for events ------------------------------------------------------

std::string_view to_string(EventKind kind) {
    switch (kind) {
        case EventKind::initiation_sent: return "handshake initiation sent";
        case EventKind::initiation_received: return "handshake initiation received";
        case EventKind::response_sent: return "handshake response sent";
        case EventKind::response_received: return "handshake response received";
        case EventKind::cookie_reply_sent: return "cookie reply sent";
        case EventKind::cookie_reply_received: return "cookie reply received";
        case EventKind::session_confirmed: return "session confirmed";
        case EventKind::keepalive_sent: return "keepalive sent";
        case EventKind::keepalive_received: return "keepalive received";
        case EventKind::rekey: return "rekey";
        case EventKind::handshake_retry: return "handshake retry";
        case EventKind::endpoint_changed: return "endpoint changed";
        case EventKind::keys_erased: return "key material erased";
        case EventKind::dropped: return "packet dropped";
    }
    return "event";
}

std::string_view paper_section(const Event& event) {
    switch (event.kind) {
        case EventKind::initiation_sent:
        case EventKind::initiation_received: return "5.4.2";
        case EventKind::response_sent:
        case EventKind::response_received: return "5.4.3";
        case EventKind::cookie_reply_sent:
        case EventKind::cookie_reply_received: return "5.4.7";
        case EventKind::session_confirmed: return "5.4.6";
        case EventKind::keepalive_sent:
        case EventKind::keepalive_received: return "6.5";
        case EventKind::rekey: return "6.2";
        case EventKind::handshake_retry: return "6.4";
        case EventKind::endpoint_changed: return "2.1";
        case EventKind::keys_erased: return "6.3";
        case EventKind::dropped: break;
    }
    return wg::paper_section(event.reason);
}

}  // namespace wg::device
