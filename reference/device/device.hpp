// The Device: a WireGuard interface with no I/O in it. It holds the peers
// (named by public keys), their sessions and timers, and the allowed-IPs
// table, and it answers three kinds of event:
//   - a UDP datagram arrived from an endpoint, at time t   -> receive_datagram
//   - a packet came out of the interface, at time t        -> send_packet
//   - time advanced to t                                   -> advance
// with datagrams to send, packets to hand to the interface, and Events that
// say what happened and which section of the paper says so.
//
// Follow one datagram in receive_datagram(): classify by type, then the
// handshake path (mac1, load and cookies §5.4.7, Noise §5.4.2-5.4.3), the
// cookie-reply path (§5.4.7), or the data path (session lookup by index,
// replay pre-check, decryption, replay window §5.4.6, roaming §2.1,
// cryptokey routing's source check §3) ending at the interface.
//
// Sessions (§5.4.6, §6): each peer keeps up to three key pairs. `current`
// sends; `previous` still receives packets that were in flight during a
// rekey; `next` is a responder's new key pair waiting for key confirmation:
// the responder may not send with it until the initiator's first data packet
// (or keepalive) arrives, because only then does it know the initiator has
// the same keys.
#pragma once

#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/time.hpp"
#include "cookie/cookie_checker.hpp"
#include "crypto/random.hpp"
#include "device/endpoint.hpp"
#include "handshake/noise.hpp"
#include "routing/allowed_ips.hpp"
#include "timers/timers.hpp"
#include "transport/replay_window.hpp"

namespace wg::device {

using routing::PeerId;

/// Why a packet went no further. Counted per reason (the UAPI exposes them).
enum class DropReason : std::uint8_t {
    malformed,           ///< not a WireGuard message at all (type, size, reserved bytes)
    bad_mac1,            ///< §5.4.4
    handshake_rejected,  ///< decryption, unknown key, stale timestamp... (the event says which)
    handshake_flood,     ///< a second initiation within 20 ms from one peer (kernel rule)
    rate_limited,        ///< §5.4.7: valid mac2 under load, but over the per-source rate
    cookie_required,     ///< §5.4.7: under load without a valid mac2; a cookie reply was sent
    unknown_index,       ///< no handshake or session has that receiver index
    replay,              ///< §5.4.6: counter already seen or behind the window
    decrypt_failed,      ///< §5.4.6: tag did not verify
    expired_session,     ///< §6.2: key pair past REJECT_AFTER_TIME or REJECT_AFTER_MESSAGES
    allowed_ips,         ///< §3: inner source not in the sending peer's allowed IPs
    no_route,            ///< §3: no peer's allowed IPs contain the destination
    no_endpoint,         ///< the peer's endpoint is unknown: nowhere to send
    not_ip,              ///< interface packet or decrypted payload is not a whole IP packet
    queue_full,          ///< a packet waiting for a handshake was pushed out by newer ones
    handshake_gave_up,   ///< §6.4: REKEY_ATTEMPT_TIME passed; waiting packets dropped
};
inline constexpr std::size_t kDropReasonCount = 16;
std::string_view to_string(DropReason reason);

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

/// One protocol event, for `--trace` and for tests that want to see inside.
struct Event {
    EventKind kind;
    std::optional<PeerId> peer;
    DropReason reason = DropReason::malformed;  ///< meaningful for `dropped`
    std::optional<handshake::RejectReason> handshake_reason;
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
    std::span<Datagram> datagrams() { return {datagram_slots_.data(), datagram_count_}; }
    std::span<Bytes> to_interface() { return {packet_slots_.data(), packet_count_}; }
    std::vector<Event> events;

    void clear() {
        datagram_count_ = 0;
        packet_count_ = 0;
        events.clear();
    }

private:
    std::vector<Datagram> datagram_slots_;
    std::size_t datagram_count_ = 0;
    std::vector<Bytes> packet_slots_;
    std::size_t packet_count_ = 0;
};

struct PeerConfig {
    crypto::PublicKey public_key{};
    crypto::SymmetricKey preshared_key;
    std::vector<routing::IpPrefix> allowed_ips;
    std::optional<Endpoint> endpoint;
    Duration persistent_keepalive{0};
};

struct PeerStats {
    std::uint64_t rx_bytes = 0;  ///< UDP payload bytes of authenticated packets received
    std::uint64_t tx_bytes = 0;
    std::uint64_t handshakes_initiated = 0;
    std::uint64_t handshakes_completed = 0;
    std::uint64_t cookies_received = 0;
    std::uint64_t keepalives_received = 0;
    std::optional<Time> last_handshake;
};

/// The secrets of one handshake, for `--keylog` only: enough for Wireshark
/// to derive the session keys of a capture (its WireGuard key-log format).
struct HandshakeSecrets {
    const crypto::PrivateKey& local_static;
    const crypto::PublicKey& remote_static;
    const crypto::PrivateKey& local_ephemeral;
    const crypto::SymmetricKey& preshared_key;
};

/// Deliberate protocol violations, for wgconform's self-tests only: a
/// conformance case that cannot fail proves nothing, so each case is run
/// against a Device with the flaw it looks for, and must say FAIL. (Flaws
/// that only change bytes on the wire live in wgconform's LoopbackTarget.)
/// Never set any of these outside a test.
struct DeviceFlaws {
    bool accept_replayed_data = false;         ///< no replay window (§5.4.6)
    bool update_window_before_auth = false;    ///< a forged packet can use up a counter (§5.4.6)
    bool accept_any_inner_source = false;      ///< no allowed-IPs source check (§3)
    bool accept_old_timestamps = false;        ///< no TAI64N replay check (§5.1)
    bool accept_unknown_peers = false;         ///< answers any static key, adding it as a peer (§5.4.2)
    bool always_under_load = false;            ///< sends cookies when not under load (§5.4.7)
    bool never_under_load = false;             ///< never asks for mac2, whatever the load (§5.4.7)
    bool ignore_mac2 = false;                  ///< under load, a valid mac2 does not help (§5.4.7)
    bool send_before_confirmation = false;     ///< responder sends on new keys at once (§5.4.6)
    bool no_passive_keepalive = false;         ///< never answers data with a keepalive (§6.5)
    bool no_session_expiry = false;            ///< keys never expire (§6.2 REJECT_AFTER_TIME)
    bool no_rekey_after_time = false;          ///< an initiator keeps old keys (§6.2 REKEY_AFTER_TIME)
};

struct DeviceOptions {
    std::size_t mtu = 1420;
    int load_threshold = cookie::LoadMeter::kDefaultThreshold;
    /// Packets kept per peer while a handshake is under way (kernel: 128).
    std::size_t max_staged_packets = 128;
    /// Unix seconds at protocol time zero: initiation timestamps (§5.1) must
    /// follow the wall clock so they keep growing across restarts.
    std::uint64_t unix_time_at_origin = 1'700'000'000;
    /// Opt-in: called with each handshake's secrets (never set it in production).
    std::function<void(const HandshakeSecrets&)> on_handshake_secrets;
    DeviceFlaws flaws;
};

class Device final : private handshake::PeerDirectory {
public:
    Device(const crypto::PrivateKey& private_key, crypto::Rng& rng, DeviceOptions options = {});
    ~Device() override;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    /// Adds a peer, or replaces the configuration of the peer with that key
    /// (its sessions are kept only if its PSK is unchanged).
    PeerId set_peer(const PeerConfig& config);
    bool remove_peer(const crypto::PublicKey& public_key);
    std::optional<PeerId> find_peer(const crypto::PublicKey& public_key) const;
    std::vector<PeerId> peers() const;

    // ---- field-by-field configuration, as `wg set` and the UAPI speak it ----
    /// A new identity: every session and handshake in progress is dropped,
    /// and a peer with our own new public key is removed (it could never work).
    void set_private_key(const crypto::PrivateKey& private_key);
    const crypto::PrivateKey& private_key() const { return identity_.private_key; }
    /// The peer with this key, created (with no allowed IPs) if it is new.
    PeerId ensure_peer(const crypto::PublicKey& public_key);
    void set_preshared_key(PeerId peer, const crypto::SymmetricKey& preshared_key);
    void set_endpoint(PeerId peer, const Endpoint& endpoint);
    void set_persistent_keepalive(PeerId peer, Duration interval);
    void add_allowed_ip(PeerId peer, const routing::IpPrefix& prefix) { allowed_ips_.insert(prefix, peer); }
    void clear_allowed_ips(PeerId peer) { allowed_ips_.remove_peer(peer); }
    void remove_all_peers();

    /// Everything `wg show` reports about a peer.
    struct PeerInfo {
        crypto::PublicKey public_key{};
        crypto::SymmetricKey preshared_key;
        std::optional<Endpoint> endpoint;
        Duration persistent_keepalive{0};
        std::vector<routing::IpPrefix> allowed_ips;
        PeerStats stats;
    };
    PeerInfo peer_info(PeerId peer) const;

    // ---- the three inputs ----
    void receive_datagram(const Endpoint& from, ByteView datagram, Time now, Outbox& out);
    void send_packet(ByteView ip_packet, Time now, Outbox& out);
    void advance(Time now, Outbox& out);
    /// When advance() next has something to do (for the I/O shell's timerfd).
    std::optional<Time> next_deadline() const;

    // ---- inspection ----
    const crypto::PublicKey& public_key() const { return identity_.public_key; }
    const PeerStats& peer_stats(PeerId peer) const;
    std::optional<Endpoint> endpoint(PeerId peer) const;
    bool has_sending_session(PeerId peer, Time now) const;
    const routing::AllowedIps& allowed_ips() const { return allowed_ips_; }
    std::uint64_t drops(DropReason reason) const { return drops_[static_cast<std::size_t>(reason)]; }
    std::uint64_t cookies_sent() const { return cookies_sent_; }
    bool under_load(Time now) const { return load_.under_load(now); }

private:
    struct Keypair;
    struct Peer;

    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& initiator_static) const override;

    void receive_handshake(const Endpoint& from, ByteView message, handshake::MessageType type, Time now, Outbox& out);
    void receive_initiation(const Endpoint& from, ByteView message, Time now, Outbox& out);
    void receive_response(const Endpoint& from, ByteView message, Time now, Outbox& out);
    void receive_cookie_reply(ByteView message, Time now, Outbox& out);
    void receive_data(const Endpoint& from, ByteView message, Time now, Outbox& out);

    void initiate_handshake(Peer& peer, Time now, Outbox& out, bool is_retry);
    void send_staged_packets(Peer& peer, Time now, Outbox& out);
    bool encrypt_and_send(Peer& peer, ByteView packet, Time now, Outbox& out);
    void send_keepalive(Peer& peer, Time now, Outbox& out);
    void fire_timer(Peer& peer, timers::Timer timer, Time now, Outbox& out);
    void erase_keys(Peer& peer);
    void retire(std::unique_ptr<Keypair>& slot);
    void install_keypair(Peer& peer, handshake::TransportKeys keys, Time now);
    void update_endpoint(Peer& peer, const Endpoint& from, Time now, Outbox& out);

    std::uint32_t new_index(PeerId peer);
    void release_index(std::uint32_t index);
    Duration jitter();
    bool under_load_for_handshake(Time now);
    crypto::Tai64n next_timestamp(Time now);
    void drop(Outbox& out, DropReason reason, Time now, std::optional<PeerId> peer = std::nullopt,
              std::optional<handshake::RejectReason> why = std::nullopt);
    static void emit(Outbox& out, EventKind kind, PeerId peer, Time now);

    handshake::StaticIdentity identity_;
    crypto::Rng& rng_;
    DeviceOptions options_;
    cookie::CookieChecker cookie_checker_;
    cookie::RateLimiter rate_limiter_;
    cookie::LoadMeter load_;
    routing::AllowedIps allowed_ips_;
    std::map<PeerId, std::unique_ptr<Peer>> peers_;
    std::map<crypto::PublicKey, PeerId> peer_by_key_;
    std::unordered_map<std::uint32_t, PeerId> index_table_;  ///< our session indices -> their peer
    PeerId next_peer_id_ = 1;
    std::array<std::uint64_t, kDropReasonCount> drops_{};
    std::uint64_t cookies_sent_ = 0;
    crypto::Tai64n last_timestamp_;
};

}  // namespace wg::device
