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
// msg_alpha is every byte before mac1; msg_beta every byte before mac2.
// What to take away: mac1 is cheap (one BLAKE2s) and checked before any
// Curve25519 work; that ordering is the first line of DoS defence.
#pragma once

#include <optional>
#include <span>
#include <string_view>

#include "common/result.hpp"
#include "crypto/aead.hpp"
#include "crypto/secret.hpp"
#include "handshake/messages.hpp"

namespace wg::cookie {

inline constexpr std::string_view kLabelMac1 = "mac1----";
inline constexpr std::string_view kLabelCookie = "cookie--";

/// HASH(Label-Mac1 || public_key): the key of mac1 for messages *to* its owner.
crypto::Hash mac1_key(const crypto::PublicKey& receiver_public_key);

/// HASH(Label-Cookie || public_key): the key that encrypts cookie replies
/// *from* its owner.
crypto::SymmetricKey cookie_encryption_key(const crypto::PublicKey& public_key);

/// Fills in mac1 (the 32nd to 17th last bytes) of a finished handshake message.
void write_mac1(MutableByteView message, const crypto::Hash& key);
/// Fills in mac2 (the last 16 bytes): MAC(cookie, msg_beta), or zeros.
void write_mac2(MutableByteView message, const std::optional<crypto::Mac>& cookie);

bool mac1_is_valid(ByteView message, const crypto::Hash& key);
bool mac2_is_valid(ByteView message, const crypto::Mac& cookie);

/// The mac1 field of a handshake message (associated data of a cookie reply).
crypto::Mac mac1_of(ByteView message);

/// cookie = MAC(R_m, A): `source` is the sender's address bytes followed by
/// its UDP port, big-endian (the Linux kernel's choice; any fixed encoding
/// works, because only the responder ever computes it).
crypto::Mac make_cookie(const crypto::Secret<crypto::kKeySize>& secret, ByteView source);

/// Builds a cookie reply to a message that carried `answered_mac1`, from a
/// responder whose cookie encryption key is `key`, with a random nonce.
void create_cookie_reply(std::uint32_t receiver_index, const crypto::Mac& cookie,
                         const crypto::Mac& answered_mac1, const crypto::XNonce& nonce,
                         const crypto::SymmetricKey& key,
                         std::span<std::uint8_t, handshake::layout::CookieReply::size> out);

/// The initiator's side: decrypts the cookie of a reply to the message we
/// sent with sender index `sent_index` and mac1 `sent_mac1`, to the peer
/// whose cookie encryption key is `key`.
Result<crypto::Mac, handshake::RejectReason> consume_cookie_reply(ByteView reply, std::uint32_t sent_index,
                                                                  const crypto::SymmetricKey& key,
                                                                  const crypto::Mac& sent_mac1);

/// The receiver index named by a cookie reply (to find the handshake it answers).
inline std::uint32_t cookie_reply_receiver(ByteView reply) {
    return load_le32(reply.data() + handshake::layout::CookieReply::receiver);
}

}  // namespace wg::cookie
