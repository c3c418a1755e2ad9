// SPDX-License-Identifier: MIT
// Turns one record of vectors/handshake_oracle.txt (written by the
// independent Python oracle in tools/oracle/) into the C++ values a test
// needs: both identities, both peers as the other sees them, and the inputs
// each side draws fresh. Tests then compare our bytes with the oracle's.
#pragma once

#include <map>
#include <optional>

#include "crypto/x25519.hpp"
#include "handshake/noise.hpp"
#include "vector_file.hpp"

namespace wg::test {

/// A PeerDirectory of one peer, remembering the newest accepted timestamp.
class OnePeerDirectory final : public handshake::PeerDirectory {
public:
    explicit OnePeerDirectory(handshake::RemotePeer peer) : peer_(std::move(peer)) {}
    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& key) const override {
        if (key != peer_.public_key) return std::nullopt;
        return handshake::KnownPeer{&peer_, latest};
    }
    crypto::Tai64n latest;

private:
    handshake::RemotePeer peer_;
};

inline crypto::PublicKey public_key(const Bytes& b) {
    crypto::PublicKey k{};
    if (b.size() == k.size()) std::copy(b.begin(), b.end(), k.begin());
    return k;
}

inline std::optional<crypto::Mac> optional_mac(const Bytes& b) {
    if (b.empty()) return std::nullopt;
    crypto::Mac m{};
    std::copy(b.begin(), b.end(), m.begin());
    return m;
}

struct OracleCase {
    explicit OracleCase(const vectors::Record& r)
        : record(r),
          initiator(handshake::StaticIdentity::from_private_key(
              crypto::PrivateKey::from(r.bytes("initiator_static_private")))),
          responder(handshake::StaticIdentity::from_private_key(
              crypto::PrivateKey::from(r.bytes("responder_static_private")))),
          psk(crypto::SymmetricKey::from(r.bytes("psk"))),
          responder_as_seen_by_initiator{responder.public_key, psk},
          directory(handshake::RemotePeer{initiator.public_key, psk}) {
        initiation_params.ephemeral_private = crypto::PrivateKey::from(r.bytes("initiator_ephemeral_private"));
        initiation_params.timestamp = crypto::Tai64n::from_unix(
            r.number("tai64n_seconds"), static_cast<std::uint32_t>(r.number("tai64n_nanoseconds")));
        initiation_params.sender_index = static_cast<std::uint32_t>(r.number("initiator_index"));
        initiation_cookie = optional_mac(r.bytes("initiation_cookie"));
        response_params.ephemeral_private = crypto::PrivateKey::from(r.bytes("responder_ephemeral_private"));
        response_params.sender_index = static_cast<std::uint32_t>(r.number("responder_index"));
        response_cookie = optional_mac(r.bytes("response_cookie"));
    }

    const vectors::Record& record;
    handshake::StaticIdentity initiator;
    handshake::StaticIdentity responder;
    crypto::SymmetricKey psk;
    handshake::RemotePeer responder_as_seen_by_initiator;
    OnePeerDirectory directory;  ///< the responder's view: knows the initiator
    handshake::InitiationParameters initiation_params;
    handshake::ResponseParameters response_params;
    std::optional<crypto::Mac> initiation_cookie;  ///< the cookie each side held for mac2, if any
    std::optional<crypto::Mac> response_cookie;
};

inline std::vector<vectors::Record> oracle_records() { return vectors::load("handshake_oracle.txt"); }

}  // namespace wg::test
