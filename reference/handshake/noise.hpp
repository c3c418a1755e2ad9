// SPDX-License-Identifier: MIT
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
// The messages it writes end in mac1 and mac2 left at zero: those belong to
// the DoS defence (cookie/macs.hpp), which the sender applies last, and a
// received message reaches this file only after its mac1 was checked.
#pragma once

#include <optional>
#include <utility>
#include <span>
#include <string_view>

#include "common/drop_reason.hpp"
#include "common/result.hpp"
#include "crypto/secret.hpp"
#include "crypto/tai64n.hpp"
#include "wire/messages.hpp"

namespace wg::handshake {

using crypto::Hash;
using crypto::Mac;
using crypto::PrivateKey;
using crypto::PublicKey;
using crypto::SymmetricKey;
using crypto::Tai64n;

/// Our long-term key pair: both all zeros when no private key is configured.
struct StaticIdentity {
    PrivateKey private_key;
    PublicKey public_key;

    static StaticIdentity from_private_key(const PrivateKey& private_key);
};

/// A remote peer as the handshake sees it: its static key and our PSK with it.
struct RemotePeer {
    PublicKey public_key;
    SymmetricKey preshared_key;  ///< Q; all zeros when no PSK is configured (§5.2)
};

/// The result of a handshake: one key pair for transport data (§5.4.5).
struct TransportKeys {
    SymmetricKey sending;
    SymmetricKey receiving;
    std::uint32_t local_index = 0;   ///< receivers put this in messages to us
    std::uint32_t remote_index = 0;  ///< we put this in messages to the peer
    bool we_initiated = false;       ///< §5.4.6: the responder waits for key confirmation
};

/// The Noise symmetric state: chaining key C and hash H, and the operations
/// of the Noise specification (§5.2, "SymmetricState") that the handshake is
/// built from, each named after what it does to C and H.
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
    /// The `e` token: C := KDF1(C, E^pub); H := HASH(H || E^pub)
    void mix_ephemeral(const PublicKey& ephemeral_public);
    /// The `psk` token: (C, τ, κ) := KDF3(C, Q); H := HASH(H || τ); returns κ
    SymmetricKey mix_preshared_key(const SymmetricKey& preshared_key);
    /// A sealed field: msg.field := AEAD(κ, 0, plaintext, H); H := HASH(H || msg.field)
    void seal_and_hash(const SymmetricKey& key, ByteView plaintext, MutableByteView field);
    /// Its mirror: plaintext := AEAD-open(κ, 0, msg.field, H); H := HASH(H || msg.field).
    /// False (H unchanged) when the tag does not verify.
    [[nodiscard]] bool open_and_hash(const SymmetricKey& key, ByteView field, MutableByteView plaintext);
    /// §5.4.5: (T_initiator→responder, T_responder→initiator) := KDF2(C, ε)
    std::pair<SymmetricKey, SymmetricKey> split() const;
};

// ---- Initiator ------------------------------------------------------------

/// What the initiator draws fresh for each initiation.
struct InitiationParameters {
    PrivateKey ephemeral_private;
    Tai64n timestamp;
    std::uint32_t sender_index = 0;
};

/// The initiator between its first message and the response.
class InitiatorHandshake {
public:
    /// §5.4.2: writes the first message, mac1 and mac2 still zero, into
    /// `out`. Fails (nullopt) only if the peer's static key is a low-order point.
    static std::optional<InitiatorHandshake> create_initiation(
        const StaticIdentity& self, const RemotePeer& peer, const InitiationParameters& params,
        std::span<std::uint8_t, wire::Initiation::kSize> out);

    /// §5.4.3, §5.4.5: consumes the response to this initiation; on success
    /// the transport keys. Its mac1 was checked by the caller; mac2 is never
    /// checked by an initiator (only a responder under load asks for cookies, §5.4.7).
    Result<TransportKeys, DropReason> consume_response(const wire::ResponseMessage& response,
                                                       const StaticIdentity& self, const RemotePeer& peer) const;

    std::uint32_t sender_index() const { return sender_index_; }

private:
    NoiseState state_;
    PrivateKey ephemeral_private_;
    std::uint32_t sender_index_ = 0;
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

/// §5.4.2 from the responder's side, for an initiation whose mac1 the
/// caller checked: the Noise work, then the peer and its timestamp.
Result<ConsumedInitiation, DropReason> consume_initiation(const wire::InitiationMessage& initiation,
                                                          const StaticIdentity& self, const PeerDirectory& peers);

/// What the responder draws fresh for each response.
struct ResponseParameters {
    PrivateKey ephemeral_private;
    std::uint32_t sender_index = 0;
};

/// §5.4.3, §5.4.5: writes the second message, mac1 and mac2 still zero, into
/// `out` and returns the responder's transport keys (nullopt if a DH result
/// is all zeros).
std::optional<TransportKeys> create_response(const ConsumedInitiation& initiation, const ResponseParameters& params,
                                             std::span<std::uint8_t, wire::Response::kSize> out);

}  // namespace wg::handshake
