// Paper §5.4.2–5.4.5: the handshake, Noise_IKpsk2 as WireGuard instantiates
// it. Two messages: the initiator proves its static key and sends a
// timestamp (§5.4.2); the responder answers with an ephemeral key, mixes in
// the pre-shared key, and both derive the transport keys (§5.4.3, §5.4.5).
//
// Noise pattern IKpsk2:   <- s
//                         ...
//                         -> e, es, s, ss, {t}
//                         <- e, ee, se, psk, {}
// The code below marks each block with these tokens and writes the paper's
// formula above the line that computes it, so the two read side by side.
//
// Sans-I/O: ephemeral keys, indices and timestamps are parameters; the
// caller draws them from an Rng and a Clock. Peers are found through a
// PeerDirectory, so this file knows nothing about how peers are stored.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "common/result.hpp"
#include "crypto/secret.hpp"
#include "crypto/tai64n.hpp"
#include "handshake/messages.hpp"

namespace wg::handshake {

/// §5.4: the protocol's name and WireGuard's identifier, hashed into the
/// first chaining key and hash, so a different protocol cannot agree on keys.
inline constexpr std::string_view kConstruction = "Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s";
inline constexpr std::string_view kIdentifier = "WireGuard v1 zx2c4 Jason@zx2c4.com";

using crypto::Hash;
using crypto::Mac;
using crypto::PrivateKey;
using crypto::PublicKey;
using crypto::SymmetricKey;
using crypto::Tai64n;

/// Our long-term key pair, with what every handshake derives from it.
struct StaticIdentity {
    PrivateKey private_key;
    PublicKey public_key;
    Hash mac1_key;              ///< HASH(Label-Mac1 || our public key): checks mac1 sent to us
    SymmetricKey cookie_key;    ///< HASH(Label-Cookie || our public key): seals our cookie replies

    static StaticIdentity from_private_key(const PrivateKey& private_key);
};

/// A remote peer as the handshake sees it: its static key and our PSK with it.
struct RemotePeer {
    PublicKey public_key;
    SymmetricKey preshared_key;  ///< Q; all zeros when no PSK is configured (§5.2)
    Hash mac1_key;               ///< for mac1 on messages we send to it
    SymmetricKey cookie_key;     ///< decrypts cookie replies it sends us

    static RemotePeer make(const PublicKey& public_key, const SymmetricKey& preshared_key = {});
};

/// The result of a handshake: one key pair for transport data (§5.4.5).
struct TransportKeys {
    SymmetricKey sending;
    SymmetricKey receiving;
    std::uint32_t local_index = 0;   ///< receivers put this in messages to us
    std::uint32_t remote_index = 0;  ///< we put this in messages to the peer
    bool we_initiated = false;       ///< §5.4.6: the responder waits for key confirmation
};

/// The Noise symmetric state: chaining key C and hash H.
struct NoiseState {
    crypto::ChainingKey chaining_key;
    Hash hash{};

    /// C := HASH(Construction); H := HASH(HASH(C || Identifier) || S_r^pub)
    static NoiseState initial(const PublicKey& responder_public_key);
    /// H := HASH(H || data)
    void mix_hash(ByteView data);
    /// C := KDF1(C, input)
    void mix_chain(ByteView input);
    /// (C, κ) := KDF2(C, input); returns κ
    SymmetricKey mix_key(ByteView input);
};

// ---- Initiator ------------------------------------------------------------

/// What the initiator draws fresh for each initiation.
struct InitiationParameters {
    PrivateKey ephemeral_private;
    Tai64n timestamp;
    std::uint32_t sender_index = 0;
    std::optional<Mac> cookie;  ///< a cookie younger than 120 s gives mac2 (§5.4.7)
};

/// The initiator between its first message and the response.
class InitiatorHandshake {
public:
    /// §5.4.2: writes the first message into `out`. Fails (nullopt) only if
    /// the peer's static key is a low-order point.
    static std::optional<InitiatorHandshake> create_initiation(
        const StaticIdentity& self, const RemotePeer& peer, const InitiationParameters& params,
        std::span<std::uint8_t, layout::Initiation::size> out);

    /// §5.4.3, §5.4.5: checks and consumes the response; on success the
    /// transport keys. mac2 is not checked here: the initiator never asks
    /// for cookies (only a responder under load does, §5.4.7).
    Result<TransportKeys, RejectReason> consume_response(ByteView response, const StaticIdentity& self,
                                                         const RemotePeer& peer) const;

    std::uint32_t sender_index() const { return sender_index_; }
    /// The mac1 we sent: a cookie reply must be encrypted against it.
    const Mac& sent_mac1() const { return sent_mac1_; }

private:
    NoiseState state_;
    PrivateKey ephemeral_private_;
    std::uint32_t sender_index_ = 0;
    Mac sent_mac1_{};
};

// ---- Responder ------------------------------------------------------------

/// How the responder finds the initiator named by a decrypted static key,
/// and the newest timestamp it has accepted from it (§5.1).
struct KnownPeer {
    const RemotePeer* peer = nullptr;
    Tai64n latest_timestamp;
};

class PeerDirectory {
public:
    virtual ~PeerDirectory() = default;
    virtual std::optional<KnownPeer> find(const PublicKey& initiator_static) const = 0;
};

/// The responder after consuming an initiation, before answering it.
/// `initiator` points into the PeerDirectory that was consulted, which must
/// outlive this value (the Device keeps its peers; tests keep a directory).
struct ConsumedInitiation {
    NoiseState state;
    const RemotePeer* initiator = nullptr;
    PublicKey initiator_ephemeral{};
    Tai64n timestamp;  ///< the caller stores it as the peer's latest (§5.1)
    std::uint32_t initiator_index = 0;
};

/// §5.4.2 from the responder's side: size, type, reserved bytes and mac1
/// first, then the Noise work, then the peer and its timestamp.
Result<ConsumedInitiation, RejectReason> consume_initiation(ByteView initiation, const StaticIdentity& self,
                                                            const PeerDirectory& peers);

/// What the responder draws fresh for each response.
struct ResponseParameters {
    PrivateKey ephemeral_private;
    std::uint32_t sender_index = 0;
    std::optional<Mac> cookie;
};

/// §5.4.3, §5.4.5: writes the second message into `out` and returns the
/// responder's transport keys (nullopt if a DH result is all zeros).
std::optional<TransportKeys> create_response(const ConsumedInitiation& initiation, const ResponseParameters& params,
                                             std::span<std::uint8_t, layout::Response::size> out);

}  // namespace wg::handshake
