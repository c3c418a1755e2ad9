// SPDX-License-Identifier: MIT
// Noise_IKpsk2 for WireGuard (see noise.hpp). Each step carries the paper's
// formula from §5.4.2 (first message), §5.4.3 (second message) and §5.4.5
// (transport keys); "i" marks the initiator's values, "r" the responder's.
// The `// [lab-5]` and `// [lab-6]` lines mark what labs 5 and 6 ask a
// student to write (tools/lab, docs/course/lab5.md and lab6.md).
#include "handshake/noise.hpp"

#include <algorithm>

#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/x25519.hpp"

namespace wg::handshake {
namespace {

PublicKey to_key(ByteView bytes) {
    PublicKey key;
    std::copy_n(bytes.begin(), key.size(), key.begin());
    return key;
}

/// ε: the empty plaintext of the response's AEAD.
constexpr ByteView kEmpty{};

TransportKeys transport_keys(const NoiseState& state, bool we_initiated, std::uint32_t local_index,
                             std::uint32_t remote_index) {
    // [transport-keys]
    // (T_send_i = T_recv_r, T_recv_i = T_send_r) := KDF2(C_i = C_r, ε)
    auto [initiator_send, responder_send] = state.split();
    TransportKeys keys;
    keys.sending = we_initiated ? initiator_send : responder_send;
    keys.receiving = we_initiated ? responder_send : initiator_send;
    // [transport-keys]
    keys.local_index = local_index;
    keys.remote_index = remote_index;
    keys.we_initiated = we_initiated;
    return keys;
}

}  // namespace

StaticIdentity StaticIdentity::from_private_key(const PrivateKey& private_key) {
    StaticIdentity identity;
    // All zeros means no key (the kernel's has_identity is false); any other
    // key is clamped (RFC 7748 §5), as the kernel stores it and shows it.
    if (private_key.is_zero()) return identity;
    identity.private_key = crypto::make_private_key(private_key.span());
    identity.public_key = crypto::public_key_of(identity.private_key);
    return identity;
}

// ---- the Noise operations --------------------------------------------------

NoiseState NoiseState::initial(const PublicKey& responder_public_key) {
    NoiseState s;
    // C := HASH(Construction)
    const Hash construction = crypto::hash({as_bytes(wire::kConstruction)});
    s.chaining_key = crypto::ChainingKey::from(construction);
    // H := HASH(C || Identifier)
    s.hash = crypto::hash({construction, as_bytes(wire::kIdentifier)});
    // H := HASH(H || S_r^pub)
    s.mix_hash(crypto::view(responder_public_key));
    return s;
}

void NoiseState::mix_hash(ByteView data) { hash = crypto::hash({hash, data}); }

void NoiseState::mix_chain(ByteView input) {
    auto [c] = crypto::kdf<1>(chaining_key.view(), input);
    chaining_key = c;
}

SymmetricKey NoiseState::mix_key(ByteView input) {
    auto [c, key] = crypto::kdf<2>(chaining_key.view(), input);
    chaining_key = c;
    return key;
}

void NoiseState::mix_ephemeral(const PublicKey& ephemeral_public) {
    mix_chain(crypto::view(ephemeral_public));
    mix_hash(crypto::view(ephemeral_public));
}

SymmetricKey NoiseState::mix_preshared_key(const SymmetricKey& preshared_key) {
    auto [c, tau, key] = crypto::kdf<3>(chaining_key.view(), preshared_key.view());
    chaining_key = c;
    mix_hash(tau.view());
    return key;
}

void NoiseState::seal_and_hash(const SymmetricKey& key, ByteView plaintext, MutableByteView field) {
    crypto::aead_seal(key, 0, plaintext, hash, field);
    mix_hash(field);
}

bool NoiseState::open_and_hash(const SymmetricKey& key, ByteView field, MutableByteView plaintext) {
    if (!crypto::aead_open(key, 0, field, hash, plaintext)) return false;
    mix_hash(field);
    return true;
}

std::pair<SymmetricKey, SymmetricKey> NoiseState::split() const {
    auto [initiator_send, responder_send] = crypto::kdf<2>(chaining_key.view(), kEmpty);
    return {initiator_send, responder_send};
}

// ---- §5.4.2 First Message: Initiator to Responder --------------------------

std::optional<InitiatorHandshake> InitiatorHandshake::create_initiation(
    const StaticIdentity& self, const RemotePeer& peer, const InitiationParameters& params,
    std::span<std::uint8_t, wire::Initiation::kSize> out) {
    using L = wire::Initiation;
    std::fill(out.begin(), out.end(), 0);
    wire::write_type(out, L::kType);
    store_le32(L::sender.in(out).data(), params.sender_index);

    InitiatorHandshake hs;
    hs.sender_index_ = params.sender_index;
    hs.ephemeral_private_ = params.ephemeral_private;
    // C_i := HASH(Construction); H_i := HASH(HASH(C_i || Identifier) || S_r^pub)
    hs.state_ = NoiseState::initial(peer.public_key);
    NoiseState& s = hs.state_;

    // [lab-5]
    // [initiator-first-message]
    // -> e: msg.ephemeral := E_i^pub; C_i := KDF1(C_i, E_i^pub); H_i := HASH(H_i || msg.ephemeral)
    const PublicKey ephemeral_public = crypto::public_key_of(params.ephemeral_private);
    std::copy(ephemeral_public.begin(), ephemeral_public.end(), L::ephemeral.in(out).begin());
    s.mix_ephemeral(ephemeral_public);

    // es: (C_i, κ) := KDF2(C_i, DH(E_i^priv, S_r^pub))
    const auto es = crypto::dh(params.ephemeral_private, peer.public_key);
    if (!es) return std::nullopt;
    SymmetricKey key = s.mix_key(es->view());

    // s: msg.static := AEAD(κ, 0, S_i^pub, H_i); H_i := HASH(H_i || msg.static)
    s.seal_and_hash(key, crypto::view(self.public_key), L::encrypted_static.in(out));

    // ss: (C_i, κ) := KDF2(C_i, DH(S_i^priv, S_r^pub))
    const auto ss = crypto::dh(self.private_key, peer.public_key);
    if (!ss) return std::nullopt;
    key = s.mix_key(ss->view());

    // {t}: msg.timestamp := AEAD(κ, 0, TAI64N(), H_i); H_i := HASH(H_i || msg.timestamp)
    s.seal_and_hash(key, params.timestamp.view(), L::encrypted_timestamp.in(out));
    // [initiator-first-message]
    // [lab-5]
    // msg.mac1 and msg.mac2 follow (§5.4.4): the sender adds them (cookie/macs.hpp).
    return hs;
}

Result<ConsumedInitiation, DropReason> consume_initiation(const wire::InitiationMessage& msg,
                                                          const StaticIdentity& self, const PeerDirectory& peers) {
    ConsumedInitiation result;
    result.initiator_index = msg.sender();
    NoiseState& s = result.state;
    // C_r := HASH(Construction); H_r := HASH(HASH(C_r || Identifier) || S_r^pub)
    s = NoiseState::initial(self.public_key);

    // [lab-6]
    // [responder-consume-first-message]
    // -> e: C_r := KDF1(C_r, msg.ephemeral); H_r := HASH(H_r || msg.ephemeral)
    result.initiator_ephemeral = to_key(msg.ephemeral());
    s.mix_ephemeral(result.initiator_ephemeral);

    // es: (C_r, κ) := KDF2(C_r, DH(S_r^priv, E_i^pub))
    const auto es = crypto::dh(self.private_key, result.initiator_ephemeral);
    if (!es) return DropReason::low_order_point;
    SymmetricKey key = s.mix_key(es->view());

    // s: S_i^pub := AEAD-open(κ, 0, msg.static, H_r); H_r := HASH(H_r || msg.static)
    PublicKey initiator_static;
    if (!s.open_and_hash(key, msg.encrypted_static(), initiator_static)) return DropReason::decrypt_failed;

    // "If S_i^pub is not a configured peer, the message is dropped" (§5.4.2).
    const std::optional<KnownPeer> known = peers.find(initiator_static);
    if (!known || known->peer == nullptr) return DropReason::unknown_static_key;
    result.initiator = known->peer;

    // ss: (C_r, κ) := KDF2(C_r, DH(S_r^priv, S_i^pub))
    const auto ss = crypto::dh(self.private_key, initiator_static);
    if (!ss) return DropReason::low_order_point;
    key = s.mix_key(ss->view());

    // {t}: timestamp := AEAD-open(κ, 0, msg.timestamp, H_r); H_r := HASH(H_r || msg.timestamp)
    std::array<std::uint8_t, Tai64n::kSize> timestamp;
    if (!s.open_and_hash(key, msg.encrypted_timestamp(), timestamp)) return DropReason::decrypt_failed;
    result.timestamp = Tai64n::from_bytes(timestamp);

    // §5.1: an initiation is accepted only with a timestamp newer than the
    // last accepted from this peer, so a captured initiation cannot be replayed.
    if (!result.timestamp.is_after(known->latest_timestamp)) return DropReason::timestamp_not_newer;
    // [responder-consume-first-message]
    // [lab-6]
    return result;
}

// ---- §5.4.3 Second Message: Responder to Initiator -------------------------

std::optional<TransportKeys> create_response(const ConsumedInitiation& initiation, const ResponseParameters& params,
                                             std::span<std::uint8_t, wire::Response::kSize> out) {
    using L = wire::Response;
    std::fill(out.begin(), out.end(), 0);
    wire::write_type(out, L::kType);
    store_le32(L::sender.in(out).data(), params.sender_index);
    store_le32(L::receiver.in(out).data(), initiation.initiator_index);
    const RemotePeer& initiator = *initiation.initiator;
    NoiseState s = initiation.state;

    // [lab-6]
    // [responder-second-message]
    // <- e: msg.ephemeral := E_r^pub; C_r := KDF1(C_r, E_r^pub); H_r := HASH(H_r || msg.ephemeral)
    const PublicKey ephemeral_public = crypto::public_key_of(params.ephemeral_private);
    std::copy(ephemeral_public.begin(), ephemeral_public.end(), L::ephemeral.in(out).begin());
    s.mix_ephemeral(ephemeral_public);

    // ee: C_r := KDF1(C_r, DH(E_r^priv, E_i^pub))
    const auto ee = crypto::dh(params.ephemeral_private, initiation.initiator_ephemeral);
    if (!ee) return std::nullopt;
    s.mix_chain(ee->view());

    // se: C_r := KDF1(C_r, DH(E_r^priv, S_i^pub))
    const auto se = crypto::dh(params.ephemeral_private, initiator.public_key);
    if (!se) return std::nullopt;
    s.mix_chain(se->view());

    // psk: (C_r, τ, κ) := KDF3(C_r, Q); H_r := HASH(H_r || τ)
    const SymmetricKey key = s.mix_preshared_key(initiator.preshared_key);

    // {}: msg.empty := AEAD(κ, 0, ε, H_r); H_r := HASH(H_r || msg.empty)
    s.seal_and_hash(key, kEmpty, L::encrypted_nothing.in(out));
    // [responder-second-message]
    // [lab-6]
    // msg.mac1 and msg.mac2 follow, as for the first message.
    return transport_keys(s, /*we_initiated=*/false, params.sender_index, initiation.initiator_index);
}

Result<TransportKeys, DropReason> InitiatorHandshake::consume_response(const wire::ResponseMessage& msg,
                                                                       const StaticIdentity& self,
                                                                       const RemotePeer& peer) const {
    // "msg.receiver must be I_i": a response answers one initiation only.
    if (msg.receiver() != sender_index_) return DropReason::unknown_index;

    NoiseState s = state_;
    // <- e: C_i := KDF1(C_i, msg.ephemeral); H_i := HASH(H_i || msg.ephemeral)
    const PublicKey responder_ephemeral = to_key(msg.ephemeral());
    s.mix_ephemeral(responder_ephemeral);

    // ee: C_i := KDF1(C_i, DH(E_i^priv, E_r^pub))
    const auto ee = crypto::dh(ephemeral_private_, responder_ephemeral);
    if (!ee) return DropReason::low_order_point;
    s.mix_chain(ee->view());

    // se: C_i := KDF1(C_i, DH(S_i^priv, E_r^pub))
    const auto se = crypto::dh(self.private_key, responder_ephemeral);
    if (!se) return DropReason::low_order_point;
    s.mix_chain(se->view());

    // psk: (C_i, τ, κ) := KDF3(C_i, Q); H_i := HASH(H_i || τ)
    const SymmetricKey key = s.mix_preshared_key(peer.preshared_key);

    // {}: AEAD-open(κ, 0, msg.empty, H_i) must succeed; H_i := HASH(H_i || msg.empty)
    std::array<std::uint8_t, 0> nothing;
    if (!s.open_and_hash(key, msg.encrypted_nothing(), nothing)) return DropReason::decrypt_failed;

    return transport_keys(s, /*we_initiated=*/true, sender_index_, msg.sender());
}

}  // namespace wg::handshake
