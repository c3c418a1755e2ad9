// SPDX-License-Identifier: MIT
// Paper §5.4.4 and §5.4.7: the two MACs at the end of every handshake
// message, and the cookie reply that hands out the key for the second one.
//
//   mac1 = MAC(HASH(Label-Mac1 || Sm'_pub), msg_alpha)   always; proves the
//          sender knows the receiver's public key, so a scanner gets silence.
//   mac2 = MAC(cookie, msg_beta)   only with a cookie less than 2 minutes old,
//          else zeros; proves the sender owns its IP address when the
//          receiver is under load.
//   cookie = MAC(R_m, A_m')   a random secret R_m (replaced every 2 minutes)
//          over the sender's source address and port.
//   The cookie travels encrypted: XAEAD(HASH(Label-Cookie || Sm_pub), nonce,
//          cookie, M), where M is the mac1 of the message being answered, so
//          only the peer that sent that message can use the reply.
//
// msg_alpha is every byte before mac1; msg_beta every byte before mac2
// (wire::mac1_field, wire::mac2_field). The handshake writes its messages
// with both MACs zero; the sender applies them last, with add_macs().
// What to take away: mac1 is cheap (one BLAKE2s) and checked before any
// Curve25519 work; that ordering is the first line of DoS defence.
#pragma once

#include <optional>
#include <span>

#include "common/address.hpp"
#include "common/drop_reason.hpp"
#include "common/result.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "wire/messages.hpp"

namespace wg::cookie {

/// The two keys §5.4.4 and §5.4.7 derive from one public key Sm_pub.
struct MacKeys {
    crypto::Hash mac1_key;            ///< HASH(Label-Mac1 || Sm_pub): mac1 of messages *to* Sm
    crypto::SymmetricKey cookie_key;  ///< HASH(Label-Cookie || Sm_pub): cookie replies *from* Sm

    static MacKeys of(const crypto::PublicKey& public_key);
};

/// Fills in mac1 and mac2 of a finished handshake message for the receiver
/// whose mac1 key is `mac1_key`: mac2 from `cookie`, or zeros without one
/// (§5.4.4: "if Lm = ε or Lm ≥ 120 seconds, msg.mac2 := 0^16"). Returns the
/// mac1 written, which a cookie reply to this message will be sealed against.
crypto::Mac add_macs(MutableByteView message, const crypto::Hash& mac1_key, const std::optional<crypto::Mac>& cookie);

bool mac1_is_valid(ByteView message, const crypto::Hash& key);
bool mac2_is_valid(ByteView message, const crypto::Mac& cookie);

/// The mac1 field of a handshake message (associated data of a cookie reply).
crypto::Mac mac1_of(ByteView message);

/// The bytes A a cookie is computed over: the source address, then its UDP
/// port big-endian (the Linux kernel's choice; any fixed encoding works,
/// because only the responder ever computes it).
struct CookieSource {
    std::array<std::uint8_t, 18> bytes{};
    std::size_t size = 0;
    ByteView view() const { return {bytes.data(), size}; }
};
CookieSource cookie_source(const Endpoint& from);

/// cookie = MAC(R_m, A).
crypto::Mac make_cookie(const crypto::Secret<crypto::kKeySize>& secret, ByteView source);

/// Builds a cookie reply to a message that carried `answered_mac1`, from a
/// responder whose cookie encryption key is `key`, with a random nonce.
void create_cookie_reply(std::uint32_t receiver_index, const crypto::Mac& cookie,
                         const crypto::Mac& answered_mac1, const crypto::XNonce& nonce,
                         const crypto::SymmetricKey& key, std::span<std::uint8_t, wire::CookieReply::kSize> out);

/// The initiator's side: decrypts the cookie of a reply to the message we
/// sent with sender index `sent_index` and mac1 `sent_mac1`, to the peer
/// whose cookie encryption key is `key`.
Result<crypto::Mac, DropReason> consume_cookie_reply(const wire::CookieReplyMessage& reply, std::uint32_t sent_index,
                                                     const crypto::SymmetricKey& key, const crypto::Mac& sent_mac1);

}  // namespace wg::cookie
