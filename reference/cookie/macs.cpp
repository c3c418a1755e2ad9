// mac1, mac2 and cookie replies (see macs.hpp).
#include "cookie/macs.hpp"

#include <algorithm>

#include "crypto/blake2s.hpp"

namespace wg::cookie {

using crypto::kMacSize;
using handshake::RejectReason;
namespace layout = handshake::layout;

crypto::Hash mac1_key(const crypto::PublicKey& receiver_public_key) {
    return crypto::hash({as_bytes(kLabelMac1), crypto::view(receiver_public_key)});
}

crypto::SymmetricKey cookie_encryption_key(const crypto::PublicKey& public_key) {
    const crypto::Hash h = crypto::hash({as_bytes(kLabelCookie), crypto::view(public_key)});
    return crypto::SymmetricKey::from(h);
}

// mac1 and mac2 are the last 32 bytes of both handshake messages.
static std::size_t mac1_offset(ByteView message) { return message.size() - 2 * kMacSize; }
static std::size_t mac2_offset(ByteView message) { return message.size() - kMacSize; }

void write_mac1(MutableByteView message, const crypto::Hash& key) {
    const crypto::Mac m = crypto::mac(key, ByteView{message}.first(mac1_offset(message)));
    std::copy(m.begin(), m.end(), message.begin() + static_cast<std::ptrdiff_t>(mac1_offset(message)));
}

void write_mac2(MutableByteView message, const std::optional<crypto::Mac>& cookie) {
    crypto::Mac m{};  // §5.4.4: "if Lm = ε or Lm ≥ 120 seconds, msg.mac2 := 0^16"
    if (cookie) m = crypto::mac(crypto::view(*cookie), ByteView{message}.first(mac2_offset(message)));
    std::copy(m.begin(), m.end(), message.begin() + static_cast<std::ptrdiff_t>(mac2_offset(message)));
}

bool mac1_is_valid(ByteView message, const crypto::Hash& key) {
    if (message.size() < 2 * kMacSize) return false;
    const crypto::Mac expected = crypto::mac(key, message.first(mac1_offset(message)));
    return crypto::equal_constant_time(expected, message.subspan(mac1_offset(message), kMacSize));
}

bool mac2_is_valid(ByteView message, const crypto::Mac& cookie) {
    if (message.size() < 2 * kMacSize) return false;
    const crypto::Mac expected = crypto::mac(crypto::view(cookie), message.first(mac2_offset(message)));
    return crypto::equal_constant_time(expected, message.subspan(mac2_offset(message), kMacSize));
}

crypto::Mac mac1_of(ByteView message) {
    crypto::Mac m{};
    if (message.size() >= 2 * kMacSize) {
        std::copy_n(message.begin() + static_cast<std::ptrdiff_t>(mac1_offset(message)), kMacSize, m.begin());
    }
    return m;
}

crypto::Mac make_cookie(const crypto::Secret<crypto::kKeySize>& secret, ByteView source) {
    return crypto::mac(secret.view(), source);
}

void create_cookie_reply(std::uint32_t receiver_index, const crypto::Mac& cookie,
                         const crypto::Mac& answered_mac1, const crypto::XNonce& nonce,
                         const crypto::SymmetricKey& key,
                         std::span<std::uint8_t, layout::CookieReply::size> out) {
    handshake::write_type(out.data(), handshake::MessageType::cookie_reply);
    store_le32(out.data() + layout::CookieReply::receiver, receiver_index);
    std::copy(nonce.begin(), nonce.end(), out.data() + layout::CookieReply::nonce);
    // msg.cookie := XAEAD(HASH(Label-Cookie || Sm_pub), msg.nonce, τ, M)
    crypto::xaead_seal(key, nonce, crypto::view(cookie), crypto::view(answered_mac1),
                       MutableByteView{out}.subspan(layout::CookieReply::encrypted_cookie));
}

Result<crypto::Mac, RejectReason> consume_cookie_reply(ByteView reply, std::uint32_t sent_index,
                                                       const crypto::SymmetricKey& key, const crypto::Mac& sent_mac1) {
    if (auto reason = handshake::check_header(reply, handshake::MessageType::cookie_reply)) return *reason;
    // §5.4.7: the initiator accepts a cookie reply only for a message it sent.
    if (cookie_reply_receiver(reply) != sent_index) return RejectReason::unknown_receiver;
    crypto::XNonce nonce;
    std::copy_n(reply.begin() + layout::CookieReply::nonce, nonce.size(), nonce.begin());
    crypto::Mac cookie;
    if (!crypto::xaead_open(key, nonce, reply.subspan(layout::CookieReply::encrypted_cookie),
                            crypto::view(sent_mac1), cookie)) {
        return RejectReason::decrypt_failed;
    }
    return cookie;
}

}  // namespace wg::cookie
