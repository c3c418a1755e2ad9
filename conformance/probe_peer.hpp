// SPDX-License-Identifier: MIT
// The probe peer: one identity of the harness, a WireGuard peer of the
// target built from the same message code as wgref (reference/handshake,
// reference/cookie, reference/transport). What makes it a probe is that it
// hands the caller the exact bytes of every message before they are sent,
// so a case can resend them (replay), rewind a counter, flip a bit, change a
// reserved byte or forge an inner source address, and then look at what the
// target does, from outside, with bounded waits.
#pragma once

#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "cookie/macs.hpp"
#include "crypto/random.hpp"
#include "handshake/noise.hpp"
#include "inner_packets.hpp"
#include "probe_network.hpp"

namespace wg::conformance {

/// The target as the harness knows it.
struct TargetDescription {
    crypto::PublicKey public_key{};
    crypto::SymmetricKey preshared_key;        ///< zeros: no PSK
    std::vector<IpAddress> tunnel_ips;     ///< the target's inner addresses, one per family
};

/// A session the probe completed as initiator (§5.4.5).
struct Session {
    handshake::TransportKeys keys;
    std::uint64_t next_counter = 0;
    Port port = 0;  ///< where the handshake was done from
};

/// One ICMP echo request, sealed and ready to (re)send.
struct Echo {
    IpAddress source, destination;
    EchoId id;
    Bytes payload;
    std::uint64_t counter = 0;
    Bytes datagram;  ///< the whole transport data message (§5.4.6)
};

/// A transport data message opened with one session's keys.
struct OpenedData {
    std::uint64_t counter = 0;
    Bytes inner;  ///< empty for a keepalive
};

/// Opens `datagram` with `session`'s receiving key, if it is data to it.
std::optional<OpenedData> open_data(const Session& session, ByteView datagram);

class ProbePeer {
public:
    ProbePeer(ProbeNetwork& network, const crypto::PrivateKey& private_key, const TargetDescription& target,
              crypto::Rng& rng, std::vector<IpAddress> tunnel_ips = {});

    const handshake::StaticIdentity& identity() const { return self_; }
    const handshake::RemotePeer& target() const { return target_; }
    /// mac1 of what the target sends us is keyed by these (§5.4.4)...
    const cookie::MacKeys& own_mac_keys() const { return own_macs_; }
    /// ...and of what we send it by these; its cookie replies too (§5.4.7).
    const cookie::MacKeys& target_mac_keys() const { return target_macs_; }
    const std::vector<IpAddress>& tunnel_ips() const { return tunnel_ips_; }
    /// The timestamp of the newest initiation this identity made.
    const crypto::Tai64n& last_timestamp() const { return last_timestamp_; }
    /// Our inner address of `family`, and the target's (nullopt if either is missing).
    std::optional<std::pair<IpAddress, IpAddress>> addresses(IpFamily family) const;

    struct Initiation {
        std::array<std::uint8_t, wire::Initiation::kSize> bytes{};
        handshake::InitiatorHandshake state;
        crypto::Mac sent_mac1{};  ///< a cookie reply to it is sealed against this (§5.4.7)
    };
    /// A fresh, valid initiation (§5.4.2): new ephemeral key and index, and a
    /// timestamp later than any this identity sent, unless one is given.
    Initiation initiate(std::optional<crypto::Mac> cookie = std::nullopt,
                        std::optional<crypto::Tai64n> timestamp = std::nullopt);
    /// Sends bytes that carry this identity's initiation, never less than
    /// 50 ms after its previous one: the kernel silently drops a second
    /// initiation from one peer within 20 ms, which would fail a good target.
    /// Returns the time just before it went out: the target cannot have
    /// taken it earlier.
    Duration send_initiation(Port port, ByteView bytes);

    /// What came back to an initiation.
    struct Answer {
        enum class Kind { silence, response, cookie_reply, other } kind = Kind::silence;
        std::optional<handshake::TransportKeys> keys;     ///< a response that verified
        std::optional<crypto::Mac> cookie;                ///< a cookie reply that decrypted
        std::string detail;                               ///< what was wrong, if anything
        Bytes message;                                    ///< the bytes received
    };
    /// Waits for the answer to `initiation` (messages for other indices are skipped).
    Answer await_answer(Port port, const Initiation& initiation, Duration wait);

    /// A whole handshake from `port`: up to three initiations, using a cookie
    /// if the target sends one. On failure, the reason.
    std::optional<Session> handshake(Port port, Duration wait, std::string& why);

    /// A handshake initiation the target sent this identity (§5.4.2), opened
    /// whatever its timestamp.
    struct TargetInitiation {
        Bytes bytes;
        bool mac1_valid = false;                 ///< §5.4.4, keyed by our public key
        handshake::ConsumedInitiation consumed;  ///< sender index, ephemeral, timestamp, Noise state
    };
    /// nullopt when `datagram` is not an initiation to us that decrypts.
    std::optional<TargetInitiation> open_initiation(ByteView datagram) const;

    /// The responder's side (§5.4.3): answers `initiation` from `port`. With
    /// `receiver`, the response names that index instead of the initiator's
    /// (an index the target never used); with Mac1::wrong, its mac1 has one
    /// bit flipped (§5.4.4). The session and the bytes sent.
    struct Responded {
        Session session;
        Bytes response;
    };
    enum class Mac1 { right, wrong };
    std::optional<Responded> respond(Port port, const TargetInitiation& initiation,
                                     std::optional<std::uint32_t> receiver = std::nullopt, Mac1 mac1 = Mac1::right);
    /// The usual responder: opens `initiation`, requires a newer timestamp
    /// than the last one answered (§5.1), answers, returns the session.
    std::optional<Session> respond(Port port, ByteView initiation);

    /// Transport data with `counter` carrying `inner` (empty: a keepalive).
    Bytes seal(const Session& session, ByteView inner, std::uint64_t counter) const;
    /// An echo request through `session`, from `source` to `destination`,
    /// with the session's next counter unless `counter` is given.
    Echo echo(Session& session, const IpAddress& source, const IpAddress& destination,
              std::optional<std::uint64_t> counter = std::nullopt);

private:
    ProbeNetwork& network_;
    handshake::StaticIdentity self_;
    handshake::RemotePeer target_;
    cookie::MacKeys own_macs_, target_macs_;
    TargetDescription description_;
    crypto::Rng& rng_;
    std::vector<IpAddress> tunnel_ips_;
    crypto::Tai64n last_timestamp_;
    crypto::Tai64n latest_target_timestamp_;  ///< as responder (§5.1)
    std::optional<Duration> last_initiation_sent_;
    std::uint16_t next_echo_ = 1;
};

/// Waits on `port` for the reply to `echo`, opening data with each of
/// `sessions`; the index of the session that carried it, or nullopt.
/// Handshake initiations seen meanwhile are counted in `initiations_seen`.
std::optional<std::size_t> await_echo_reply(ProbeNetwork& network, Port port, const Echo& echo,
                                            std::span<const Session* const> sessions, Duration wait,
                                            int* initiations_seen = nullptr);

}  // namespace wg::conformance
