// SPDX-License-Identifier: MIT
// mac1, mac2 and cookie replies (see macs.hpp).
#include "cookie/macs.hpp"

#include <algorithm>

#include "crypto/blake2s.hpp"

namespace wg::cookie {

using crypto::kMacSize;

MacKeys MacKeys::of(const crypto::PublicKey& public_key) {
    MacKeys keys;
    keys.mac1_key = crypto::hash({as_bytes(wire::kLabelMac1), crypto::view(public_key)});
    keys.cookie_key = crypto::SymmetricKey::from(crypto::hash({as_bytes(wire::kLabelCookie), crypto::view(public_key)}));
    return keys;
}

namespace {
/// msg_alpha (before mac1) or msg_beta (before mac2).
ByteView covered_by(ByteView message, const wire::Field& mac) { return message.first(mac.offset); }
}  // namespace

crypto::Mac add_macs(MutableByteView message, const crypto::Hash& mac1_key, const std::optional<crypto::Mac>& cookie) {
    const wire::Field mac1 = wire::mac1_field(message.size()), mac2 = wire::mac2_field(message.size());
    // msg.mac1 := MAC(HASH(Label-Mac1 || Sm'_pub), msg_alpha)
    const crypto::Mac m1 = crypto::mac(mac1_key, covered_by(message, mac1));
    std::copy(m1.begin(), m1.end(), mac1.in(message).begin());
    // msg.mac2 := MAC(Lm, msg_beta) with a cookie, else 0^16
    crypto::Mac m2{};
    if (cookie) m2 = crypto::mac(crypto::view(*cookie), covered_by(message, mac2));
    std::copy(m2.begin(), m2.end(), mac2.in(message).begin());
    return m1;
}

bool mac1_is_valid(ByteView message, const crypto::Hash& key) {
    if (message.size() < 2 * kMacSize) return false;
    const wire::Field mac1 = wire::mac1_field(message.size());
    return crypto::equal_constant_time(crypto::mac(key, covered_by(message, mac1)), mac1.in(message));
}

bool mac2_is_valid(ByteView message, const crypto::Mac& cookie) {
    if (message.size() < 2 * kMacSize) return false;
    const wire::Field mac2 = wire::mac2_field(message.size());
    return crypto::equal_constant_time(crypto::mac(crypto::view(cookie), covered_by(message, mac2)), mac2.in(message));
}

crypto::Mac mac1_of(ByteView message) {
    crypto::Mac m{};
    if (message.size() >= 2 * kMacSize) {
        const ByteView field = wire::mac1_field(message.size()).in(message);
        std::copy(field.begin(), field.end(), m.begin());
    }
    return m;
}

CookieSource cookie_source(const Endpoint& from) {
    CookieSource source;
    const ByteView address = from.address.view();
    std::copy(address.begin(), address.end(), source.bytes.begin());
    store_be16(&source.bytes[address.size()], from.port);
    source.size = address.size() + 2;
    return source;
}

crypto::Mac make_cookie(const crypto::Secret<crypto::kKeySize>& secret, ByteView source) {
    return crypto::mac(secret.view(), source);
}

void create_cookie_reply(std::uint32_t receiver_index, const crypto::Mac& cookie,
                         const crypto::Mac& answered_mac1, const crypto::XNonce& nonce,
                         const crypto::SymmetricKey& key, std::span<std::uint8_t, wire::CookieReply::kSize> out) {
    using L = wire::CookieReply;
    wire::write_type(out, L::kType);
    store_le32(L::receiver.in(out).data(), receiver_index);
    std::copy(nonce.begin(), nonce.end(), L::nonce.in(out).begin());
    // msg.cookie := XAEAD(HASH(Label-Cookie || Sm_pub), msg.nonce, τ, M)
    crypto::xaead_seal(key, nonce, crypto::view(cookie), crypto::view(answered_mac1), L::encrypted_cookie.in(out));
}

Result<crypto::Mac, DropReason> consume_cookie_reply(const wire::CookieReplyMessage& reply, std::uint32_t sent_index,
                                                     const crypto::SymmetricKey& key, const crypto::Mac& sent_mac1) {
    // §5.4.7: the initiator accepts a cookie reply only for a message it sent.
    if (reply.receiver() != sent_index) return DropReason::unknown_index;
    crypto::XNonce nonce;
    std::copy(reply.nonce().begin(), reply.nonce().end(), nonce.begin());
    crypto::Mac cookie;
    if (!crypto::xaead_open(key, nonce, reply.encrypted_cookie(), crypto::view(sent_mac1), cookie)) {
        return DropReason::decrypt_failed;
    }
    return cookie;
}

}  // namespace wg::cookie
