// SPDX-License-Identifier: MIT
// The Device: a WireGuard interface with no I/O in it (the kernel's device.c,
// peer.c, receive.c and send.c). It holds the peers (named by public keys),
// their sessions and timers, and the allowed-IPs table, and it answers three
// kinds of event:
//   - a UDP datagram arrived from an endpoint, at time t   -> receive_datagram (receive.cpp)
//   - a packet came out of the interface, at time t        -> send_packet      (send.cpp)
//   - time advanced to t                                   -> advance          (device.cpp)
// with datagrams to send, packets to hand to the interface, and Events
// (device/outbox.hpp). The first two also come in batches (batch.cpp): the
// same paths, packet by packet, with the crypto of the whole batch spread
// over the cores the I/O shell lends (the kernel's design: parallel
// encryption and decryption, everything else in order, by one owner).
//
// Follow one datagram in receive.cpp, top to bottom: parse by type (wire/),
// then the handshake path (mac1, load and cookies §5.4.7, Noise §5.4.2-5.4.3),
// the cookie-reply path (§5.4.7), or the data path (session lookup by index,
// replay pre-check, decryption, replay window §5.4.6, roaming §2.1,
// cryptokey routing's source check §3) ending at the interface.
#pragma once

#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <unordered_map>
#include <vector>

#include "cookie/cookie_checker.hpp"
#include "crypto/random.hpp"
#include "device/index_table.hpp"
#include "device/outbox.hpp"
#include "device/peer.hpp"
#include "handshake/noise.hpp"
#include "routing/allowed_ips.hpp"

namespace wg::device {

/// Peers by public key in O(1). A public key is 32 uniformly random-looking
/// bytes, so eight of them make a good hash. Only configured keys are ever
/// stored; a key an attacker chooses is only looked up, and meets in its
/// bucket only the few configured keys that share it.
struct PublicKeyHash {
    std::size_t operator()(const crypto::PublicKey& key) const {
        std::uint64_t h = 0;
        std::memcpy(&h, key.data(), sizeof h);
        return static_cast<std::size_t>(h);
    }
};

/// Runs job(0) .. job(count - 1), in any order, on any threads, and returns
/// when all are done. The Device owns no thread: the I/O shell lends its
/// cores this way, for sealing and opening only, which touch nothing shared.
using ParallelFor = std::function<void(std::size_t count, const std::function<void(std::size_t)>& job)>;

/// A datagram as a batch receives it.
struct ReceivedDatagram {
    Endpoint from;
    ByteView bytes;
};

struct PeerConfig {
    crypto::PublicKey public_key{};
    crypto::SymmetricKey preshared_key;
    std::vector<IpPrefix> allowed_ips;
    std::optional<Endpoint> endpoint;
    Duration persistent_keepalive{0};
};

/// The secrets of one handshake, for `--keylog` only: enough for Wireshark
/// to derive the session keys of a capture (its WireGuard key-log format).
struct HandshakeSecrets {
    const crypto::PrivateKey& local_static;
    const crypto::PublicKey& remote_static;
    const crypto::PrivateKey& local_ephemeral;
    const crypto::SymmetricKey& preshared_key;
};

struct DeviceOptions {
    std::size_t mtu = wire::kDefaultMtu;
    int load_threshold = cookie::LoadMeter::kDefaultThreshold;
    std::size_t max_staged_packets = wire::kMaxStagedPackets;
    /// The Unix time (since the epoch, in nanoseconds: no truncation) at
    /// protocol time zero, at the start; set_unix_time_at_origin() moves it
    /// as the wall clock moves. Initiation timestamps (§5.1) follow the wall
    /// clock, so they keep growing across restarts.
    Duration unix_time_at_origin = std::chrono::seconds(1'700'000'000);
    /// Opt-in: called with each handshake's secrets (never set it in production).
    std::function<void(const HandshakeSecrets&)> on_handshake_secrets;
    /// How batches spread their crypto over cores (batch.cpp); empty: on
    /// the caller's thread, one after the other.
    ParallelFor parallel_for;
};

class Device final : private handshake::PeerDirectory {
public:
    Device(const crypto::PrivateKey& private_key, crypto::Rng& rng, DeviceOptions options = {});
    ~Device() override;
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    // ---- configuration (device.cpp) ----
    /// Adds a peer, or replaces the configuration of the peer with that key
    /// (its sessions are kept, as the kernel keeps them when only the PSK changes).
    PeerId set_peer(const PeerConfig& config);
    bool remove_peer(const crypto::PublicKey& public_key);
    std::optional<PeerId> find_peer(const crypto::PublicKey& public_key) const;
    /// Every peer, in the order they were added.
    std::vector<PeerId> peers() const;
    bool has_peer(PeerId id) const { return peers_.count(id) > 0; }

    /// A new identity, clamped (RFC 7748 §5) as the kernel stores it; all
    /// zeros means none. Handshakes in progress end and no key pair made with
    /// the old key sends again (they still receive what is in flight), and a
    /// peer with our own new public key is removed (it could never work).
    void set_private_key(const crypto::PrivateKey& private_key);
    const crypto::PrivateKey& private_key() const { return identity_.private_key; }
    /// The kernel's has_identity: a non-zero private key. Without one, no
    /// handshake is sent or answered.
    bool has_identity() const { return !identity_.private_key.is_zero(); }
    /// The peer with this key, created (with no allowed IPs) if it is new.
    PeerId ensure_peer(const crypto::PublicKey& public_key);
    void set_preshared_key(PeerId peer, const crypto::SymmetricKey& preshared_key);
    void set_endpoint(PeerId peer, const Endpoint& endpoint);
    void set_persistent_keepalive(PeerId peer, Duration interval);
    void add_allowed_ip(PeerId peer, const IpPrefix& prefix) { allowed_ips_.insert(prefix, peer); }
    void clear_allowed_ips(PeerId peer) { allowed_ips_.remove_peer(peer); }
    void remove_all_peers();
    /// Where protocol time zero now falls on the wall clock. Protocol time
    /// never jumps, but the wall clock does (`date -s`, an NTP step, a host
    /// resumed) and slews against it; the kernel reads the wall clock at each
    /// initiation, so the I/O shell says where it stands each time it gives
    /// the Device the time. Only initiation timestamps and the reported time
    /// of the next handshake follow it.
    void set_unix_time_at_origin(Duration unix_time) { options_.unix_time_at_origin = unix_time; }

    /// Everything `wg show` reports about a peer.
    struct PeerInfo {
        crypto::PublicKey public_key{};
        crypto::SymmetricKey preshared_key;
        std::optional<Endpoint> endpoint;
        Duration persistent_keepalive{0};
        std::vector<IpPrefix> allowed_ips;
        PeerStats stats;
    };
    PeerInfo peer_info(PeerId peer) const;

    // ---- the three inputs ----
    void receive_datagram(const Endpoint& from, ByteView datagram, Time now, Outbox& out);  // receive.cpp
    void send_packet(ByteView ip_packet, Time now, Outbox& out);                           // send.cpp
    void advance(Time now, Outbox& out);                                                   // device.cpp
    /// When advance() next has something to do (for the I/O shell's timerfd).
    std::optional<Time> next_deadline() const;

    // ---- the same inputs in batches (batch.cpp): exactly the results of
    // one call per packet, in the same order, with the crypto done in parallel ----
    void receive_datagrams(std::span<const ReceivedDatagram> datagrams, Time now, Outbox& out);
    void send_packets(std::span<const ByteView> ip_packets, Time now, Outbox& out);

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
    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& initiator_static) const override;

    // receive.cpp: the paths of a datagram
    bool admit_handshake(const Endpoint& from, ByteView message, std::uint32_t sender, Time now, Outbox& out);
    void receive_initiation(const Endpoint& from, const wire::InitiationMessage& message, Time now, Outbox& out);
    void receive_response(const Endpoint& from, const wire::ResponseMessage& message, Time now, Outbox& out);
    void receive_cookie_reply(const wire::CookieReplyMessage& message, Time now, Outbox& out);
    void receive_data(const Endpoint& from, const wire::DataMessage& message, Time now, Outbox& out);
    Result<ByteView, DropReason> open_data(const Keypair& keypair, const wire::DataMessage& message);
    void update_endpoint(Peer& peer, const Endpoint& from, Time now, Outbox& out);

    // send.cpp: what leaves
    void initiate_handshake(Peer& peer, Time now, Outbox& out, bool is_retry);
    void send_staged_packets(Peer& peer, Time now, Outbox& out);
    bool encrypt_and_send(Peer& peer, ByteView packet, Time now, Outbox& out);
    void send_keepalive(Peer& peer, Time now, Outbox& out);

    // device.cpp: timers and helpers
    void carry_out(Peer& peer, timers::TimerAction action, Time now, Outbox& out);
    void erase_keys(Peer& peer);
    /// Packets in the staged queue, not counting a keepalive waiting there.
    static std::size_t waiting_packets(const Peer& peer);
    Peer& peer(PeerId id) { return *peers_.at(id); }
    const Peer& peer(PeerId id) const { return *peers_.at(id); }
    crypto::PrivateKey fresh_ephemeral();
    Duration jitter();
    bool may_send_with(const Keypair& keypair, Time now) const;
    bool may_receive_with(const Keypair& keypair, Time now) const;
    crypto::Tai64n next_timestamp(Time now);
    Duration unix_time(Time now) const { return options_.unix_time_at_origin + now; }
    void drop(Outbox& out, DropReason reason, Time now, std::optional<PeerId> peer = std::nullopt);
    static void emit(Outbox& out, EventKind kind, std::optional<PeerId> peer, Time now);

    handshake::StaticIdentity identity_;
    crypto::Rng& rng_;
    DeviceOptions options_;
    cookie::CookieChecker cookie_checker_;
    cookie::RateLimiter rate_limiter_;
    cookie::LoadMeter load_;
    routing::AllowedIps allowed_ips_;
    IndexTable indices_;
    /// Every peer's earliest timer (timers/timer_queue.hpp): advance() and
    /// next_deadline() never look at an idle peer.
    timers::TimerQueue timer_queue_;
    std::unordered_map<PeerId, std::unique_ptr<Peer>> peers_;
    std::unordered_map<crypto::PublicKey, PeerId, PublicKeyHash> peer_by_key_;
    PeerId next_peer_id_ = 1;
    std::array<std::uint64_t, kDropReasonCount> drops_{};
    std::uint64_t cookies_sent_ = 0;
    crypto::Tai64n last_timestamp_;

    // batch.cpp: data messages a batch opened ahead, in parallel
    struct OpenedAhead {
        std::size_t index = 0;               ///< which datagram of the batch
        ByteView datagram;
        crypto::SymmetricKey key;            ///< opened with this key...
        Bytes plaintext;
        std::optional<DropReason> failure;   ///< ...to this end
    };
    void run_parallel(std::size_t count, const std::function<void(std::size_t)>& job) const;
    std::vector<OpenedAhead> opened_ahead_;
    std::size_t opened_ahead_count_ = 0;
    const OpenedAhead* opened_ahead_now_ = nullptr;  ///< for the datagram receive_datagram is on
};

}  // namespace wg::device
