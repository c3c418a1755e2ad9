// Noise_IKpsk2 for WireGuard (see noise.hpp). Each step carries the paper's
// formula from §5.4.2 (first message), §5.4.3 (second message) and §5.4.5
// (transport keys); "i" marks the initiator's values, "r" the responder's.
#include "handshake/noise.hpp"

#include <algorithm>

#include "cookie/macs.hpp"
#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/x25519.hpp"

namespace wg::handshake {
namespace {

using crypto::kTagSize;

ByteView field(ByteView message, std::size_t offset, std::size_t size) { return message.subspan(offset, size); }

PublicKey read_key(ByteView message, std::size_t offset) {
    PublicKey key;
    std::copy_n(message.begin() + static_cast<std::ptrdiff_t>(offset), key.size(), key.begin());
    return key;
}

/// ε: the empty plaintext of the response's AEAD.
constexpr ByteView kEmpty{};

/// (T_send_i = T_recv_r, T_recv_i = T_send_r) := KDF2(C_i = C_r, ε)   (§5.4.5)
TransportKeys derive_transport_keys(const NoiseState& state, bool we_initiated, std::uint32_t local_index,
                                    std::uint32_t remote_index) {
    // [transport-keys]
    auto [initiator_send, responder_send] = crypto::kdf<2>(state.chaining_key.view(), kEmpty);
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
    identity.private_key = private_key;
    identity.public_key = crypto::public_key_of(private_key);
    identity.mac1_key = cookie::mac1_key(identity.public_key);
    identity.cookie_key = cookie::cookie_encryption_key(identity.public_key);
    return identity;
}

RemotePeer RemotePeer::make(const PublicKey& public_key, const SymmetricKey& preshared_key) {
    RemotePeer peer;
    peer.public_key = public_key;
    peer.preshared_key = preshared_key;
    peer.mac1_key = cookie::mac1_key(public_key);
    peer.cookie_key = cookie::cookie_encryption_key(public_key);
    return peer;
}

NoiseState NoiseState::initial(const PublicKey& responder_public_key) {
    NoiseState s;
    // C := HASH(Construction)
    const Hash construction = crypto::hash({as_bytes(kConstruction)});
    s.chaining_key = crypto::ChainingKey::from(construction);
    // H := HASH(C || Identifier)
    s.hash = crypto::hash({construction, as_bytes(kIdentifier)});
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

// ---- §5.4.2 First Message: Initiator to Responder --------------------------

std::optional<InitiatorHandshake> InitiatorHandshake::create_initiation(
    const StaticIdentity& self, const RemotePeer& peer, const InitiationParameters& params,
    std::span<std::uint8_t, layout::Initiation::size> out) {
    using L = layout::Initiation;
    std::fill(out.begin(), out.end(), 0);
    write_type(out.data(), MessageType::initiation);
    store_le32(out.data() + L::sender, params.sender_index);

    InitiatorHandshake hs;
    hs.sender_index_ = params.sender_index;
    hs.ephemeral_private_ = params.ephemeral_private;
    // C_i := HASH(Construction); H_i := HASH(HASH(C_i || Identifier) || S_r^pub)
    hs.state_ = NoiseState::initial(peer.public_key);
    NoiseState& s = hs.state_;

    // [initiator-first-message]
    // -> e: msg.ephemeral := E_i^pub; C_i := KDF1(C_i, E_i^pub); H_i := HASH(H_i || msg.ephemeral)
    const PublicKey ephemeral_public = crypto::public_key_of(params.ephemeral_private);
    std::copy(ephemeral_public.begin(), ephemeral_public.end(), out.data() + L::ephemeral);
    s.mix_chain(crypto::view(ephemeral_public));
    s.mix_hash(crypto::view(ephemeral_public));

    // es: (C_i, κ) := KDF2(C_i, DH(E_i^priv, S_r^pub))
    const auto es = crypto::dh(params.ephemeral_private, peer.public_key);
    if (!es) return std::nullopt;
    SymmetricKey key = s.mix_key(es->view());

    // s: msg.static := AEAD(κ, 0, S_i^pub, H_i); H_i := HASH(H_i || msg.static)
    const MutableByteView encrypted_static = out.subspan(L::encrypted_static, crypto::kKeySize + kTagSize);
    crypto::aead_seal(key, 0, crypto::view(self.public_key), s.hash, encrypted_static);
    s.mix_hash(encrypted_static);

    // ss: (C_i, κ) := KDF2(C_i, DH(S_i^priv, S_r^pub))
    const auto ss = crypto::dh(self.private_key, peer.public_key);
    if (!ss) return std::nullopt;
    key = s.mix_key(ss->view());

    // {t}: msg.timestamp := AEAD(κ, 0, TAI64N(), H_i); H_i := HASH(H_i || msg.timestamp)
    const MutableByteView encrypted_timestamp = out.subspan(L::encrypted_timestamp, Tai64n::kSize + kTagSize);
    crypto::aead_seal(key, 0, params.timestamp.view(), s.hash, encrypted_timestamp);
    s.mix_hash(encrypted_timestamp);

    // msg.mac1 := MAC(HASH(Label-Mac1 || S_r^pub), msg_alpha); msg.mac2 from a cookie, or zeros
    cookie::write_mac1(out, peer.mac1_key);
    cookie::write_mac2(out, params.cookie);
    hs.sent_mac1_ = cookie::mac1_of(out);
    // [initiator-first-message]
    return hs;
}

Result<ConsumedInitiation, RejectReason> consume_initiation(ByteView msg, const StaticIdentity& self,
                                                            const PeerDirectory& peers) {
    using L = layout::Initiation;
    if (auto reason = check_header(msg, MessageType::initiation)) return *reason;
    // §5.4.4: mac1 before any Curve25519 work, so junk costs one BLAKE2s.
    if (!cookie::mac1_is_valid(msg, self.mac1_key)) return RejectReason::bad_mac1;

    ConsumedInitiation result;
    result.initiator_index = load_le32(msg.data() + L::sender);
    NoiseState& s = result.state;
    // C_r := HASH(Construction); H_r := HASH(HASH(C_r || Identifier) || S_r^pub)
    s = NoiseState::initial(self.public_key);

    // [responder-consume-first-message]
    // -> e: C_r := KDF1(C_r, msg.ephemeral); H_r := HASH(H_r || msg.ephemeral)
    result.initiator_ephemeral = read_key(msg, L::ephemeral);
    s.mix_chain(crypto::view(result.initiator_ephemeral));
    s.mix_hash(crypto::view(result.initiator_ephemeral));

    // es: (C_r, κ) := KDF2(C_r, DH(S_r^priv, E_i^pub))
    const auto es = crypto::dh(self.private_key, result.initiator_ephemeral);
    if (!es) return RejectReason::low_order_point;
    SymmetricKey key = s.mix_key(es->view());

    // s: S_i^pub := AEAD-open(κ, 0, msg.static, H_r); H_r := HASH(H_r || msg.static)
    const ByteView encrypted_static = field(msg, L::encrypted_static, crypto::kKeySize + kTagSize);
    PublicKey initiator_static;
    if (!crypto::aead_open(key, 0, encrypted_static, s.hash, initiator_static)) return RejectReason::decrypt_failed;
    s.mix_hash(encrypted_static);

    // "If S_i^pub is not a configured peer, the message is dropped" (§5.4.2).
    const std::optional<KnownPeer> known = peers.find(initiator_static);
    if (!known || known->peer == nullptr) return RejectReason::unknown_static_key;
    result.initiator = known->peer;

    // ss: (C_r, κ) := KDF2(C_r, DH(S_r^priv, S_i^pub))
    const auto ss = crypto::dh(self.private_key, initiator_static);
    if (!ss) return RejectReason::low_order_point;
    key = s.mix_key(ss->view());

    // {t}: timestamp := AEAD-open(κ, 0, msg.timestamp, H_r); H_r := HASH(H_r || msg.timestamp)
    const ByteView encrypted_timestamp = field(msg, L::encrypted_timestamp, Tai64n::kSize + kTagSize);
    std::array<std::uint8_t, Tai64n::kSize> timestamp;
    if (!crypto::aead_open(key, 0, encrypted_timestamp, s.hash, timestamp)) return RejectReason::decrypt_failed;
    s.mix_hash(encrypted_timestamp);
    result.timestamp = Tai64n::from_bytes(timestamp);

    // §5.1: an initiation is accepted only with a timestamp newer than the
    // last accepted from this peer, so a captured initiation cannot be replayed.
    if (!result.timestamp.is_after(known->latest_timestamp)) return RejectReason::timestamp_not_newer;
    // [responder-consume-first-message]
    return result;
}

// ---- §5.4.3 Second Message: Responder to Initiator -------------------------

std::optional<TransportKeys> create_response(const ConsumedInitiation& initiation, const ResponseParameters& params,
                                             std::span<std::uint8_t, layout::Response::size> out) {
    using L = layout::Response;
    std::fill(out.begin(), out.end(), 0);
    write_type(out.data(), MessageType::response);
    store_le32(out.data() + L::sender, params.sender_index);
    store_le32(out.data() + L::receiver, initiation.initiator_index);
    const RemotePeer& initiator = *initiation.initiator;
    NoiseState s = initiation.state;

    // [responder-second-message]
    // <- e: msg.ephemeral := E_r^pub; C_r := KDF1(C_r, E_r^pub); H_r := HASH(H_r || msg.ephemeral)
    const PublicKey ephemeral_public = crypto::public_key_of(params.ephemeral_private);
    std::copy(ephemeral_public.begin(), ephemeral_public.end(), out.data() + L::ephemeral);
    s.mix_chain(crypto::view(ephemeral_public));
    s.mix_hash(crypto::view(ephemeral_public));

    // ee: C_r := KDF1(C_r, DH(E_r^priv, E_i^pub))
    const auto ee = crypto::dh(params.ephemeral_private, initiation.initiator_ephemeral);
    if (!ee) return std::nullopt;
    s.mix_chain(ee->view());

    // se: C_r := KDF1(C_r, DH(E_r^priv, S_i^pub))
    const auto se = crypto::dh(params.ephemeral_private, initiator.public_key);
    if (!se) return std::nullopt;
    s.mix_chain(se->view());

    // psk: (C_r, τ, κ) := KDF3(C_r, Q); H_r := HASH(H_r || τ)
    auto [c, tau, key] = crypto::kdf<3>(s.chaining_key.view(), initiator.preshared_key.view());
    s.chaining_key = c;
    s.mix_hash(tau.view());

    // {}: msg.empty := AEAD(κ, 0, ε, H_r); H_r := HASH(H_r || msg.empty)
    const MutableByteView encrypted_nothing = out.subspan(L::encrypted_nothing, kTagSize);
    crypto::aead_seal(key, 0, kEmpty, s.hash, encrypted_nothing);
    s.mix_hash(encrypted_nothing);

    // msg.mac1 := MAC(HASH(Label-Mac1 || S_i^pub), msg_alpha); mac2 as for the initiation
    cookie::write_mac1(out, initiator.mac1_key);
    cookie::write_mac2(out, params.cookie);

    // [responder-second-message]
    return derive_transport_keys(s, /*we_initiated=*/false, params.sender_index, initiation.initiator_index);
}

Result<TransportKeys, RejectReason> InitiatorHandshake::consume_response(ByteView msg, const StaticIdentity& self,
                                                                         const RemotePeer& peer) const {
    using L = layout::Response;
    if (auto reason = check_header(msg, MessageType::response)) return *reason;
    if (!cookie::mac1_is_valid(msg, self.mac1_key)) return RejectReason::bad_mac1;
    if (load_le32(msg.data() + L::receiver) != sender_index_) return RejectReason::unknown_receiver;

    NoiseState s = state_;
    // <- e: C_i := KDF1(C_i, msg.ephemeral); H_i := HASH(H_i || msg.ephemeral)
    const PublicKey responder_ephemeral = read_key(msg, L::ephemeral);
    s.mix_chain(crypto::view(responder_ephemeral));
    s.mix_hash(crypto::view(responder_ephemeral));

    // ee: C_i := KDF1(C_i, DH(E_i^priv, E_r^pub))
    const auto ee = crypto::dh(ephemeral_private_, responder_ephemeral);
    if (!ee) return RejectReason::low_order_point;
    s.mix_chain(ee->view());

    // se: C_i := KDF1(C_i, DH(S_i^priv, E_r^pub))
    const auto se = crypto::dh(self.private_key, responder_ephemeral);
    if (!se) return RejectReason::low_order_point;
    s.mix_chain(se->view());

    // psk: (C_i, τ, κ) := KDF3(C_i, Q); H_i := HASH(H_i || τ)
    auto [c, tau, key] = crypto::kdf<3>(s.chaining_key.view(), peer.preshared_key.view());
    s.chaining_key = c;
    s.mix_hash(tau.view());

    // {}: AEAD-open(κ, 0, msg.empty, H_i) must succeed; H_i := HASH(H_i || msg.empty)
    const ByteView encrypted_nothing = field(msg, L::encrypted_nothing, kTagSize);
    std::array<std::uint8_t, 0> nothing;
    if (!crypto::aead_open(key, 0, encrypted_nothing, s.hash, nothing)) return RejectReason::decrypt_failed;
    s.mix_hash(encrypted_nothing);

    const std::uint32_t responder_index = load_le32(msg.data() + L::sender);
    return derive_transport_keys(s, /*we_initiated=*/true, sender_index_, responder_index);
}

}  // namespace wg::handshake
