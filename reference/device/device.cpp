// The Device (see device.hpp): peers, sessions, the index table, and the
// path of every packet. Reading order: receive_datagram() and its four
// branches, then send_packet(), then advance() and the timers.
#include "device/device.hpp"

#include <algorithm>

#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "transport/data_message.hpp"

namespace wg::device {

using handshake::MessageType;
using handshake::RejectReason;
using timers::Timer;
namespace layout = handshake::layout;

/// A session's keys and the state that goes with them (§5.4.6).
struct Device::Keypair {
    handshake::TransportKeys keys;
    Time created{};
    std::uint64_t next_send_counter = 0;
    transport::ReplayWindow replay;

    /// §6.2: a key pair is used for at most REJECT_AFTER_TIME and
    /// REJECT_AFTER_MESSAGES, whichever comes first.
    bool expired(Time now) const {
        return now - created >= timers::kRejectAfterTime || next_send_counter >= timers::kRejectAfterMessages;
    }
};

struct Device::Peer {
    PeerId id = 0;
    handshake::RemotePeer remote;
    std::optional<Endpoint> endpoint;

    // Responder side of the handshake (§5.1): replay and flood protection.
    crypto::Tai64n latest_timestamp;
    std::optional<Time> last_initiation_consumed;
    // The last response we sent: an initiator under load may answer it with
    // a cookie reply, encrypted against its mac1 (§5.4.7).
    std::optional<std::uint32_t> last_response_index;
    crypto::Mac last_response_mac1{};

    // Initiator side: the handshake in flight, and when we last started one.
    std::optional<handshake::InitiatorHandshake> handshake;
    std::optional<Time> last_initiation_sent;
    cookie::ReceivedCookie cookie;

    std::unique_ptr<Keypair> current, previous, next;
    std::deque<Bytes> staged;  ///< packets waiting for a session
    timers::PeerTimers timers;
    PeerStats stats;
};

// ---- names for events and drops ----------------------------------------

std::string_view to_string(DropReason reason) {
    static constexpr std::array<std::string_view, kDropReasonCount> kNames{
        "malformed",     "bad_mac1", "handshake_rejected", "handshake_flood", "rate_limited", "cookie_required",
        "unknown_index", "replay",   "decrypt_failed",     "expired_session", "allowed_ips",  "no_route",
        "no_endpoint",   "not_ip",   "queue_full",         "handshake_gave_up"};
    return kNames[static_cast<std::size_t>(reason)];
}

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
    switch (event.reason) {
        case DropReason::bad_mac1: return "5.4.4";
        case DropReason::rate_limited:
        case DropReason::cookie_required: return "5.4.7";
        case DropReason::handshake_rejected:
        case DropReason::handshake_flood: return "5.4.2";
        case DropReason::replay:
        case DropReason::decrypt_failed:
        case DropReason::unknown_index: return "5.4.6";
        case DropReason::expired_session: return "6.2";
        case DropReason::allowed_ips:
        case DropReason::no_route: return "3";
        case DropReason::handshake_gave_up: return "6.4";
        default: return "5.4";
    }
}

// ---- configuration ------------------------------------------------------

Device::Device(const crypto::PrivateKey& private_key, crypto::Rng& rng, DeviceOptions options)
    : identity_(handshake::StaticIdentity::from_private_key(private_key)),
      rng_(rng),
      options_(options),
      cookie_checker_(identity_.mac1_key, identity_.cookie_key),
      load_(options.load_threshold) {}

Device::~Device() = default;

PeerId Device::set_peer(const PeerConfig& config) {
    Peer* peer = nullptr;
    if (auto existing = find_peer(config.public_key)) {
        peer = peers_.at(*existing).get();
        // A new PSK makes every derived key wrong: start from scratch.
        if (!(peer->remote.preshared_key == config.preshared_key)) erase_keys(*peer);
        allowed_ips_.remove_peer(peer->id);
    } else {
        auto fresh = std::make_unique<Peer>();
        fresh->id = next_peer_id_++;
        peer = fresh.get();
        peer_by_key_[config.public_key] = peer->id;
        peers_[peer->id] = std::move(fresh);
    }
    peer->remote = handshake::RemotePeer::make(config.public_key, config.preshared_key);
    if (config.endpoint) peer->endpoint = config.endpoint;
    peer->timers.set_persistent_keepalive(config.persistent_keepalive);
    for (const auto& prefix : config.allowed_ips) allowed_ips_.insert(prefix, peer->id);
    return peer->id;
}

bool Device::remove_peer(const crypto::PublicKey& public_key) {
    const auto id = find_peer(public_key);
    if (!id) return false;
    // The key may live inside the peer being erased: forget it by id first.
    peer_by_key_.erase(peers_.at(*id)->remote.public_key);
    erase_keys(*peers_.at(*id));
    allowed_ips_.remove_peer(*id);
    peers_.erase(*id);
    return true;
}

void Device::set_private_key(const crypto::PrivateKey& private_key) {
    // `wg syncconf` re-sends the key it read back: the same key changes
    // nothing (as in the kernel and wireguard-go), or no session would survive.
    if (private_key == identity_.private_key) return;
    identity_ = handshake::StaticIdentity::from_private_key(private_key);
    cookie_checker_ = cookie::CookieChecker(identity_.mac1_key, identity_.cookie_key);
    // Sessions were made with the old key: the peers will not recognise us
    // until a new handshake, so drop them now rather than let them time out.
    for (auto& [id, peer] : peers_) erase_keys(*peer);
    remove_peer(identity_.public_key);
}

PeerId Device::ensure_peer(const crypto::PublicKey& public_key) {
    if (auto existing = find_peer(public_key)) return *existing;
    PeerConfig config;
    config.public_key = public_key;
    return set_peer(config);
}

void Device::set_preshared_key(PeerId id, const crypto::SymmetricKey& preshared_key) {
    Peer& peer = *peers_.at(id);
    if (peer.remote.preshared_key == preshared_key) return;  // unchanged: keep the sessions
    erase_keys(peer);
    peer.remote = handshake::RemotePeer::make(peer.remote.public_key, preshared_key);
}

void Device::set_endpoint(PeerId id, const Endpoint& endpoint) { peers_.at(id)->endpoint = endpoint; }

void Device::set_persistent_keepalive(PeerId id, Duration interval) {
    peers_.at(id)->timers.set_persistent_keepalive(interval);
}

void Device::remove_all_peers() {
    while (!peers_.empty()) {
        const crypto::PublicKey key = peers_.begin()->second->remote.public_key;  // a copy: the peer is about to go
        remove_peer(key);
    }
}

Device::PeerInfo Device::peer_info(PeerId id) const {
    const Peer& peer = *peers_.at(id);
    PeerInfo info;
    info.public_key = peer.remote.public_key;
    info.preshared_key = peer.remote.preshared_key;
    info.endpoint = peer.endpoint;
    info.persistent_keepalive = peer.timers.persistent_keepalive();
    info.allowed_ips = allowed_ips_.prefixes_of(id);
    info.stats = peer.stats;
    return info;
}

std::optional<PeerId> Device::find_peer(const crypto::PublicKey& public_key) const {
    const auto it = peer_by_key_.find(public_key);
    if (it == peer_by_key_.end()) return std::nullopt;
    return it->second;
}

std::vector<PeerId> Device::peers() const {
    std::vector<PeerId> ids;
    for (const auto& [id, peer] : peers_) ids.push_back(id);
    return ids;
}

std::optional<handshake::KnownPeer> Device::find(const crypto::PublicKey& initiator_static) const {
    auto id = find_peer(initiator_static);
    if (!id && options_.flaws.accept_unknown_peers) id = const_cast<Device*>(this)->ensure_peer(initiator_static);
    if (!id) return std::nullopt;
    const Peer& peer = *peers_.at(*id);
    if (options_.flaws.accept_old_timestamps) return handshake::KnownPeer{&peer.remote, crypto::Tai64n{}};
    return handshake::KnownPeer{&peer.remote, peer.latest_timestamp};
}

const PeerStats& Device::peer_stats(PeerId peer) const { return peers_.at(peer)->stats; }

std::optional<Endpoint> Device::endpoint(PeerId peer) const { return peers_.at(peer)->endpoint; }

bool Device::has_sending_session(PeerId id, Time now) const {
    const Peer& peer = *peers_.at(id);
    return peer.current && !peer.current->expired(now);
}

// ---- receiving: one datagram from the network ---------------------------

void Device::receive_datagram(const Endpoint& from, ByteView datagram, Time now, Outbox& out) {
    const auto type = handshake::classify(datagram);
    if (!type) return drop(out, DropReason::malformed, now);
    switch (*type) {
        case MessageType::initiation:
        case MessageType::response: return receive_handshake(from, datagram, *type, now, out);
        case MessageType::cookie_reply: return receive_cookie_reply(datagram, now, out);
        case MessageType::transport_data: return receive_data(from, datagram, now, out);
    }
}

void Device::receive_handshake(const Endpoint& from, ByteView message, MessageType type, Time now, Outbox& out) {
    if (handshake::check_header(message, type)) return drop(out, DropReason::malformed, now);
    // [handshake-defences]
    // §5.4.4: mac1 first. Without our public key nobody can make it, so a
    // scanner costs us one BLAKE2s and learns nothing (silence).
    if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now);

    // §5.4.7: under load, only senders that prove their address with mac2
    // get Curve25519 work, and each address only at a bounded rate.
    if (under_load_for_handshake(now)) {
        std::size_t length = 0;
        const auto source = from.cookie_source(length);
        if (!cookie_checker_.mac2_is_valid(message, {source.data(), length}, now) || options_.flaws.ignore_mac2) {
            const std::uint32_t sender = load_le32(message.data() + layout::Initiation::sender);
            std::array<std::uint8_t, layout::CookieReply::size> reply{};
            cookie_checker_.create_reply(message, sender, {source.data(), length}, now, rng_, reply);
            out.add_datagram(from, reply);
            ++cookies_sent_;
            out.events.push_back(Event{EventKind::cookie_reply_sent, std::nullopt, {}, {}, now});
            return drop(out, DropReason::cookie_required, now);
        }
        if (!rate_limiter_.allow(from.address_bytes(), now)) return drop(out, DropReason::rate_limited, now);
    }
    // [handshake-defences]
    if (type == MessageType::initiation) return receive_initiation(from, message, now, out);
    receive_response(from, message, now, out);
}

void Device::receive_initiation(const Endpoint& from, ByteView message, Time now, Outbox& out) {
    auto consumed = handshake::consume_initiation(message, identity_, *this);
    if (!consumed) return drop(out, DropReason::handshake_rejected, now, std::nullopt, consumed.error());
    const PeerId id = *find_peer(consumed.value().initiator->public_key);
    Peer& peer = *peers_.at(id);
    // The Linux kernel also refuses a second initiation within 1/50 s of the
    // last one it consumed from a peer, bounding the CPU a peer can demand.
    if (peer.last_initiation_consumed && now - *peer.last_initiation_consumed < std::chrono::milliseconds(20)) {
        return drop(out, DropReason::handshake_flood, now, id);
    }
    peer.latest_timestamp = consumed.value().timestamp;  // §5.1: replays of this one now fail
    peer.last_initiation_consumed = now;
    emit(out, EventKind::initiation_received, id, now);

    handshake::ResponseParameters params;
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng_.fill(random);
    params.ephemeral_private = crypto::make_private_key(random);
    crypto::wipe(random.data(), random.size());
    params.sender_index = new_index(id);
    params.cookie = peer.cookie.for_mac2(now);
    if (options_.on_handshake_secrets) {
        options_.on_handshake_secrets({identity_.private_key, peer.remote.public_key, params.ephemeral_private,
                                       peer.remote.preshared_key});
    }
    std::array<std::uint8_t, layout::Response::size> response{};
    auto keys = handshake::create_response(consumed.value(), params, response);
    if (!keys) {
        release_index(params.sender_index);
        return drop(out, DropReason::handshake_rejected, now, id, RejectReason::low_order_point);
    }
    update_endpoint(peer, from, now, out);
    install_keypair(peer, std::move(*keys), now);
    peer.last_response_index = params.sender_index;
    peer.last_response_mac1 = cookie::mac1_of(response);
    peer.stats.tx_bytes += response.size();
    out.add_datagram(from, response);
    emit(out, EventKind::response_sent, id, now);
    peer.timers.any_authenticated_packet_received();
    peer.timers.any_authenticated_packet_traversal(now);
    peer.timers.any_authenticated_packet_sent();
}

void Device::receive_response(const Endpoint& from, ByteView message, Time now, Outbox& out) {
    const std::uint32_t receiver = load_le32(message.data() + layout::Response::receiver);
    const auto owner = index_table_.find(receiver);
    if (owner == index_table_.end()) return drop(out, DropReason::unknown_index, now);
    Peer& peer = *peers_.at(owner->second);
    if (!peer.handshake || peer.handshake->sender_index() != receiver) {
        return drop(out, DropReason::unknown_index, now, peer.id);
    }
    auto keys = peer.handshake->consume_response(message, identity_, peer.remote);
    if (!keys) return drop(out, DropReason::handshake_rejected, now, peer.id, keys.error());
    peer.handshake.reset();  // a response is consumed once
    emit(out, EventKind::response_received, peer.id, now);
    peer.stats.rx_bytes += message.size();
    update_endpoint(peer, from, now, out);
    install_keypair(peer, std::move(keys).value(), now);
    peer.timers.handshake_complete();
    peer.timers.any_authenticated_packet_received();
    peer.timers.any_authenticated_packet_traversal(now);
    ++peer.stats.handshakes_completed;
    peer.stats.last_handshake = now;
    // The initiator speaks first on a new session: the packets that waited,
    // or else a keepalive, which confirms the keys to the responder (§5.4.6).
    if (peer.staged.empty()) {
        send_keepalive(peer, now, out);
    } else {
        send_staged_packets(peer, now, out);
    }
}

void Device::receive_cookie_reply(ByteView message, Time now, Outbox& out) {
    if (handshake::check_header(message, MessageType::cookie_reply)) return drop(out, DropReason::malformed, now);
    const std::uint32_t receiver = cookie::cookie_reply_receiver(message);
    const auto owner = index_table_.find(receiver);
    if (owner == index_table_.end()) return drop(out, DropReason::unknown_index, now);
    Peer& peer = *peers_.at(owner->second);
    // §5.4.7: a cookie reply is only accepted for a handshake message we
    // sent: our pending initiation, or the last response we gave.
    const crypto::Mac* answered_mac1 = nullptr;
    if (peer.handshake && peer.handshake->sender_index() == receiver) {
        answered_mac1 = &peer.handshake->sent_mac1();
    } else if (peer.last_response_index == receiver) {
        answered_mac1 = &peer.last_response_mac1;
    }
    if (!answered_mac1) return drop(out, DropReason::unknown_index, now, peer.id);
    auto cookie = cookie::consume_cookie_reply(message, receiver, peer.remote.cookie_key, *answered_mac1);
    if (!cookie) return drop(out, DropReason::handshake_rejected, now, peer.id, cookie.error());
    peer.cookie.store(cookie.value(), now);
    ++peer.stats.cookies_received;
    emit(out, EventKind::cookie_reply_received, peer.id, now);
    // No immediate resend: the initiator's retransmit timer will send again,
    // now with mac2 (and our next response will carry it too), so a cookie
    // reply can never make us send faster.
}

void Device::receive_data(const Endpoint& from, ByteView message, Time now, Outbox& out) {
    auto header = transport::read_data_header(message);
    if (!header) return drop(out, DropReason::malformed, now);
    // [receive-data]
    const auto owner = index_table_.find(header.value().receiver_index);
    if (owner == index_table_.end()) return drop(out, DropReason::unknown_index, now);
    Peer& peer = *peers_.at(owner->second);
    Keypair* keypair = nullptr;
    for (Keypair* k : {peer.current.get(), peer.next.get(), peer.previous.get()}) {
        if (k && k->keys.local_index == header.value().receiver_index) keypair = k;
    }
    if (!keypair) return drop(out, DropReason::unknown_index, now, peer.id);
    if (keypair->expired(now) && !options_.flaws.no_session_expiry) return drop(out, DropReason::expired_session, now, peer.id);
    // A cheap look at the window before the expensive decryption...
    const bool check_replay = !options_.flaws.accept_replayed_data;
    if (check_replay && !keypair->replay.may_accept(header.value().counter)) return drop(out, DropReason::replay, now, peer.id);

    const bool flawed_window = options_.flaws.update_window_before_auth;
    if (check_replay && flawed_window) (void)keypair->replay.accept(header.value().counter);

    thread_local std::array<std::uint8_t, 65536> plaintext;
    auto opened = transport::open_data_message(keypair->keys.receiving, message, plaintext);
    if (!opened) return drop(out, DropReason::decrypt_failed, now, peer.id);
    // ...and the real update only now that the packet is authentic, so a
    // forged counter can never move the window (§5.4.6).
    if (check_replay && !flawed_window && !keypair->replay.accept(header.value().counter)) {
        return drop(out, DropReason::replay, now, peer.id);
    }

    // Key confirmation: the initiator used the responder's new keys, so
    // the responder may now send with them.
    if (keypair == peer.next.get()) {
        retire(peer.previous);
        peer.previous = std::move(peer.current);
        peer.current = std::move(peer.next);
        // For the responder, this is when the handshake is complete (as in
        // the kernel): both sides have now shown they hold the same keys.
        peer.timers.handshake_complete();
        ++peer.stats.handshakes_completed;
        peer.stats.last_handshake = now;
        emit(out, EventKind::session_confirmed, peer.id, now);
        send_staged_packets(peer, now, out);
    }
    peer.stats.rx_bytes += message.size();
    update_endpoint(peer, from, now, out);
    peer.timers.any_authenticated_packet_received();
    peer.timers.any_authenticated_packet_traversal(now);
    // §6.2: a receiver whose own (initiated) keys near REJECT_AFTER_TIME asks
    // for fresh ones, in case it has nothing to send that would trigger it.
    if (peer.current && peer.current->keys.we_initiated && now - peer.current->created >= timers::kRekeyOnReceiveAge) {
        initiate_handshake(peer, now, out, /*is_retry=*/false);
    }

    const ByteView padded{plaintext.data(), opened.value()};
    if (padded.empty()) {
        ++peer.stats.keepalives_received;
        return emit(out, EventKind::keepalive_received, peer.id, now);
    }
    const auto length = transport::inner_packet_length(padded);
    if (!length) return drop(out, DropReason::not_ip, now, peer.id);
    const ByteView inner = padded.first(*length);
    // §3: "the source IP of the decrypted packet is checked against the
    // allowed IPs of the peer that sent it".
    if (allowed_ips_.lookup_packet_source(inner) != peer.id && !options_.flaws.accept_any_inner_source) {
        return drop(out, DropReason::allowed_ips, now, peer.id);
    }
    out.add_to_interface(inner);
    // [receive-data]
    if (!options_.flaws.no_passive_keepalive) peer.timers.data_received(now);
}

// ---- sending: one packet from the interface -----------------------------

void Device::send_packet(ByteView ip_packet, Time now, Outbox& out) {
    // [send-packet]
    const auto length = transport::inner_packet_length(ip_packet);
    if (!length || *length != ip_packet.size()) return drop(out, DropReason::not_ip, now);
    // §3: the destination address picks the peer.
    const auto id = allowed_ips_.lookup_packet_destination(ip_packet);
    if (!id) return drop(out, DropReason::no_route, now);
    Peer& peer = *peers_.at(*id);
    if (encrypt_and_send(peer, ip_packet, now, out)) return;
    // No usable session: keep the packet for when the handshake completes.
    if (peer.staged.size() >= options_.max_staged_packets) {
        peer.staged.pop_front();
        drop(out, DropReason::queue_full, now, peer.id);
    }
    peer.staged.emplace_back(ip_packet.begin(), ip_packet.end());
    initiate_handshake(peer, now, out, /*is_retry=*/false);
}
    // [send-packet]

bool Device::encrypt_and_send(Peer& peer, ByteView packet, Time now, Outbox& out) {
    Keypair* keypair = peer.current.get();
    if (!keypair || (keypair->expired(now) && !options_.flaws.no_session_expiry)) return false;
    if (!peer.endpoint) {
        drop(out, DropReason::no_endpoint, now, peer.id);
        return true;  // nowhere to send; waiting for a handshake will not help
    }
    const std::size_t padded = transport::padded_length(packet.size(), options_.mtu);
    Datagram& d = out.add_datagram(*peer.endpoint, transport::message_size(padded));
    transport::seal_data_message(keypair->keys.sending, keypair->keys.remote_index, keypair->next_send_counter++,
                                 packet, padded, d.bytes);
    peer.stats.tx_bytes += d.bytes.size();
    if (!packet.empty()) peer.timers.data_sent(now, jitter());
    peer.timers.any_authenticated_packet_sent();
    peer.timers.any_authenticated_packet_traversal(now);
    // §6.2: the initiator of the current session rekeys when it grows old.
    if (keypair->keys.we_initiated && !options_.flaws.no_rekey_after_time &&
        (now - keypair->created >= timers::kRekeyAfterTime || keypair->next_send_counter >= timers::kRekeyAfterMessages)) {
        if (!peer.handshake) emit(out, EventKind::rekey, peer.id, now);
        initiate_handshake(peer, now, out, /*is_retry=*/false);
    }
    return true;
}

void Device::send_staged_packets(Peer& peer, Time now, Outbox& out) {
    while (!peer.staged.empty()) {
        const Bytes packet = std::move(peer.staged.front());
        peer.staged.pop_front();
        if (!encrypt_and_send(peer, packet, now, out)) {
            peer.staged.push_front(packet);
            return;
        }
    }
}

void Device::send_keepalive(Peer& peer, Time now, Outbox& out) {
    if (!peer.endpoint) return;
    // A keepalive is a packet like any other: with no usable session it
    // waits for a handshake, and the initiator's first message after the
    // response is a keepalive anyway (receive_response).
    if (!encrypt_and_send(peer, {}, now, out)) return initiate_handshake(peer, now, out, /*is_retry=*/false);
    emit(out, EventKind::keepalive_sent, peer.id, now);
}

void Device::initiate_handshake(Peer& peer, Time now, Outbox& out, bool is_retry) {
    // §6.4: at most one initiation per REKEY_TIMEOUT, retries excepted (their
    // timer already waited that long).
    if (!is_retry && peer.last_initiation_sent && now - *peer.last_initiation_sent < timers::kRekeyTimeout) return;
    if (!peer.endpoint) return drop(out, DropReason::no_endpoint, now, peer.id);
    if (peer.handshake) release_index(peer.handshake->sender_index());

    handshake::InitiationParameters params;
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng_.fill(random);
    params.ephemeral_private = crypto::make_private_key(random);
    crypto::wipe(random.data(), random.size());
    params.sender_index = new_index(peer.id);
    params.cookie = peer.cookie.for_mac2(now);
    params.timestamp = next_timestamp(now);
    if (options_.on_handshake_secrets) {
        options_.on_handshake_secrets({identity_.private_key, peer.remote.public_key, params.ephemeral_private,
                                       peer.remote.preshared_key});
    }
    std::array<std::uint8_t, layout::Initiation::size> initiation{};
    auto started = handshake::InitiatorHandshake::create_initiation(identity_, peer.remote, params, initiation);
    if (!started) {
        // A low-order peer key: configured, but never sent anything (kernel rule).
        release_index(params.sender_index);
        peer.handshake.reset();
        return;
    }
    peer.handshake = std::move(started);
    peer.last_initiation_sent = now;
    peer.stats.tx_bytes += initiation.size();
    ++peer.stats.handshakes_initiated;
    out.add_datagram(*peer.endpoint, initiation);
    emit(out, EventKind::initiation_sent, peer.id, now);
    peer.timers.handshake_initiated(now, jitter());
    peer.timers.any_authenticated_packet_sent();
    peer.timers.any_authenticated_packet_traversal(now);
}

crypto::Tai64n Device::next_timestamp(Time now) {
    // §5.1 needs only that our timestamps grow, across restarts too, so they
    // follow the wall clock: protocol time plus the Unix time at its origin,
    // which the I/O shell supplies. If the clock steps back we still move
    // forward by a nanosecond, or the peer would ignore us until it caught up.
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now);
    auto candidate = crypto::Tai64n::from_unix(options_.unix_time_at_origin + static_cast<std::uint64_t>(seconds.count()),
                                               static_cast<std::uint32_t>((now - seconds).count()));
    if (!candidate.is_after(last_timestamp_)) {
        const ByteView last = last_timestamp_.view();
        std::uint64_t s = load_be64(last.data()) - crypto::Tai64n::kEpochOffset;
        std::uint32_t ns = load_be32(last.data() + 8) + 1;
        if (ns >= 1'000'000'000) {
            ns = 0;
            ++s;
        }
        candidate = crypto::Tai64n::from_unix(s, ns);
    }
    last_timestamp_ = candidate;
    return candidate;
}

// ---- sessions, endpoints and indices ------------------------------------

void Device::retire(std::unique_ptr<Keypair>& slot) {
    if (!slot) return;
    release_index(slot->keys.local_index);
    slot.reset();  // the Secrets in it wipe themselves
}

void Device::install_keypair(Peer& peer, handshake::TransportKeys keys, Time now) {
    auto keypair = std::make_unique<Keypair>();
    keypair->keys = std::move(keys);
    keypair->created = now;
// [install-keypair]
    if (keypair->keys.we_initiated) {
        // The initiator may send at once. If a responder-side `next` was
        // waiting, it becomes `previous` (the peer may still use it); the
        // old `current` goes.
        if (peer.next) {
            retire(peer.previous);
            peer.previous = std::move(peer.next);
            retire(peer.current);
        } else {
            retire(peer.previous);
            peer.previous = std::move(peer.current);
        }
        peer.current = std::move(keypair);
    } else if (options_.flaws.send_before_confirmation) {
        retire(peer.previous);
        peer.previous = std::move(peer.current);
        peer.current = std::move(keypair);
    } else {
        // The responder waits for key confirmation (§5.4.6).
        retire(peer.next);
        peer.next = std::move(keypair);
    }
// [install-keypair]
    peer.timers.session_derived(now);
}

void Device::erase_keys(Peer& peer) {
    retire(peer.current);
    retire(peer.previous);
    retire(peer.next);
    if (peer.handshake) release_index(peer.handshake->sender_index());
    peer.handshake.reset();
}

void Device::update_endpoint(Peer& peer, const Endpoint& from, Time now, Outbox& out) {
    // §2.1 roaming: the endpoint follows the most recent authenticated packet.
    if (peer.endpoint == from) return;
    peer.endpoint = from;
    emit(out, EventKind::endpoint_changed, peer.id, now);
}

std::uint32_t Device::new_index(PeerId peer) {
    // Random 32-bit indices (§5.4.2, "I_i is a randomly generated 32-bit
    // integer"), so that an observer cannot link sessions by counting.
    while (true) {
        std::uint32_t index = 0;
        rng_.fill({reinterpret_cast<std::uint8_t*>(&index), sizeof index});
        if (index_table_.emplace(index, peer).second) return index;
    }
}

void Device::release_index(std::uint32_t index) { index_table_.erase(index); }

Duration Device::jitter() {
    std::uint32_t r = 0;
    rng_.fill({reinterpret_cast<std::uint8_t*>(&r), sizeof r});
    const auto max = std::chrono::duration_cast<std::chrono::microseconds>(timers::kRekeyTimeoutJitterMax).count();
    return std::chrono::microseconds(r % static_cast<std::uint32_t>(max + 1));
}

// ---- deliberate flaws, for wgconform's self-tests (DeviceFlaws) ----------

bool Device::under_load_for_handshake(Time now) {
    const bool loaded = load_.record_handshake(now);
    if (options_.flaws.never_under_load) return false;
    return loaded || options_.flaws.always_under_load;
}

void Device::drop(Outbox& out, DropReason reason, Time now, std::optional<PeerId> peer,
                  std::optional<handshake::RejectReason> why) {
    ++drops_[static_cast<std::size_t>(reason)];
    out.events.push_back(Event{EventKind::dropped, peer, reason, why, now});
}

void Device::emit(Outbox& out, EventKind kind, PeerId peer, Time now) {
    out.events.push_back(Event{kind, peer, DropReason::malformed, std::nullopt, now});
}

// ---- time: the timers of §6 ----------------------------------------------

void Device::advance(Time now, Outbox& out) {
    for (auto& [id, peer] : peers_) {
        while (const auto timer = peer->timers.take_due(now)) fire_timer(*peer, *timer, now, out);
    }
}

std::optional<Time> Device::next_deadline() const {
    std::optional<Time> earliest;
    for (const auto& [id, peer] : peers_) {
        const auto d = peer->timers.next_deadline();
        if (d && (!earliest || *d < *earliest)) earliest = d;
    }
    return earliest;
}

void Device::fire_timer(Peer& peer, Timer timer, Time now, Outbox& out) {
    switch (timer) {
// [fire-timer]
        case Timer::retransmit_handshake:
            if (!peer.timers.retry_allowed()) {
                // §6.4: after REKEY_ATTEMPT_TIME, stop trying; the packets
                // that waited are dropped, and keys go after 3 x REJECT.
                for (std::size_t i = 0; i < peer.staged.size(); ++i) drop(out, DropReason::handshake_gave_up, now, peer.id);
                peer.staged.clear();
                if (peer.handshake) release_index(peer.handshake->sender_index());
                peer.handshake.reset();
                peer.timers.handshake_gave_up(now);
                return;
            }
            emit(out, EventKind::handshake_retry, peer.id, now);
            return initiate_handshake(peer, now, out, /*is_retry=*/true);
        case Timer::send_keepalive:
        case Timer::persistent_keepalive:
            return send_keepalive(peer, now, out);
        case Timer::new_handshake:
            // We sent data and heard nothing for KEEPALIVE + REKEY_TIMEOUT.
            return initiate_handshake(peer, now, out, /*is_retry=*/false);
        case Timer::zero_key_material:
            erase_keys(peer);
            return emit(out, EventKind::keys_erased, peer.id, now);
// [fire-timer]
    }
}

}  // namespace wg::device
