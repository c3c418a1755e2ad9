// SPDX-License-Identifier: MIT
// One datagram from the network, top to bottom, in the order the rules apply
// (the kernel's receive.c). receive_datagram() parses it by type (wire/) and
// hands the view to one of four paths:
//   initiation    mac1, load and cookies (§5.4.4, §5.4.7), Noise (§5.4.2),
//                 answer with a response (§5.4.3)
//   response      mac1, load and cookies, Noise (§5.4.3), first data or a keepalive
//   cookie reply  store the cookie for our next mac2 (§5.4.7)
//   data          session by index, replay window, decryption (§5.4.6),
//                 key confirmation, roaming (§2.1), allowed IPs (§3), interface
#include "device/device.hpp"

#include "cookie/macs.hpp"
#include "transport/data_message.hpp"

namespace wg::device {

void Device::receive_datagram(const Endpoint& from, ByteView datagram, Time now, Outbox& out) {
    // [receive-datagram]
    // Data first: it is nearly every datagram.
    if (const auto data = wire::DataMessage::parse(datagram)) return receive_data(from, *data, now, out);
    if (const auto initiation = wire::InitiationMessage::parse(datagram)) return receive_initiation(from, *initiation, now, out);
    if (const auto response = wire::ResponseMessage::parse(datagram)) return receive_response(from, *response, now, out);
    if (const auto reply = wire::CookieReplyMessage::parse(datagram)) return receive_cookie_reply(*reply, now, out);
    drop(out, DropReason::malformed, now);
    // [receive-datagram]
}

/// The defences in front of every handshake message: true when the message
/// may go on to the Noise work; otherwise it was dropped (or answered with a
/// cookie reply) here.
bool Device::admit_handshake(const Endpoint& from, ByteView message, std::uint32_t sender, Time now, Outbox& out) {
    // [handshake-defences]
    // §5.4.4: mac1 first. Without our public key nobody can make it, so a
    // scanner costs us one BLAKE2s and learns nothing (silence).
    if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;

    // §5.4.7: under load, only senders that prove their address with mac2
    // get Curve25519 work, and each address only at a bounded rate.
    if (load_.record_handshake(now)) {
        if (!cookie_checker_.mac2_is_valid(message, from, now)) {
            std::array<std::uint8_t, wire::CookieReply::kSize> reply{};
            cookie_checker_.create_reply(message, sender, from, now, rng_, reply);
            out.add_datagram(from, reply);
            ++cookies_sent_;
            emit(out, EventKind::cookie_reply_sent, std::nullopt, now);
            return drop(out, DropReason::cookie_required, now), false;
        }
        if (!rate_limiter_.allow(from.address, now)) return drop(out, DropReason::rate_limited, now), false;
    }
    // [handshake-defences]
    return true;
}

void Device::receive_initiation(const Endpoint& from, const wire::InitiationMessage& message, Time now, Outbox& out) {
    if (!has_identity()) return drop(out, DropReason::no_identity, now);
    if (!admit_handshake(from, message.bytes(), message.sender(), now, out)) return;
    auto consumed = handshake::consume_initiation(message, identity_, *this);
    if (!consumed) return drop(out, consumed.error(), now);
    Peer& p = peer(*find_peer(consumed.value().initiator->public_key));
    if (p.timers.initiation_flood(now)) return drop(out, DropReason::handshake_flood, now, p.id);
    p.latest_timestamp = consumed.value().timestamp;  // §5.1: replays of this one now fail
    p.timers.initiation_consumed(now);
    emit(out, EventKind::initiation_received, p.id, now);
    update_endpoint(p, from, now, out);

    // §5.4.3: answer with a fresh ephemeral key and a fresh index.
    handshake::ResponseParameters params;
    params.ephemeral_private = fresh_ephemeral();
    params.sender_index = p.sessions.new_index();
    if (options_.on_handshake_secrets) {
        options_.on_handshake_secrets({identity_.private_key, p.remote.public_key, params.ephemeral_private,
                                       p.remote.preshared_key});
    }
    std::array<std::uint8_t, wire::Response::kSize> response{};
    auto keys = handshake::create_response(consumed.value(), params, response);
    if (!keys) {
        p.sessions.release_unused(params.sender_index);
        return drop(out, DropReason::low_order_point, now, p.id);
    }
    p.cookie.message_sent(cookie::add_macs(response, p.macs.mac1_key, p.cookie.for_mac2(now)));
    p.sessions.response_sent(std::move(*keys), now);
    p.timers.session_derived(now);
    p.timers.any_authenticated_packet_traversal(now);
    p.timers.any_authenticated_packet_sent();
    p.timers.response_sent(now);  // §6.4: no initiation of ours for REKEY_TIMEOUT now
    p.stats.tx_bytes += response.size();
    out.add_datagram(from, response);
    emit(out, EventKind::response_sent, p.id, now);
    p.timers.any_authenticated_packet_received();
    p.timers.any_authenticated_packet_traversal(now);
}

void Device::receive_response(const Endpoint& from, const wire::ResponseMessage& message, Time now, Outbox& out) {
    if (!has_identity()) return drop(out, DropReason::no_identity, now);
    if (!admit_handshake(from, message.bytes(), message.sender(), now, out)) return;
    const auto owner = indices_.owner(message.receiver());
    if (!owner) return drop(out, DropReason::unknown_index, now);
    Peer& p = peer(*owner);
    const handshake::InitiatorHandshake* initiation = p.sessions.initiation_with_index(message.receiver());
    if (!initiation) return drop(out, DropReason::unknown_index, now, p.id);
    auto keys = initiation->consume_response(message, identity_, p.remote);
    if (!keys) return drop(out, keys.error(), now, p.id);
    emit(out, EventKind::response_received, p.id, now);
    update_endpoint(p, from, now, out);
    p.sessions.response_consumed(std::move(keys).value(), now);  // a response is consumed once
    p.timers.session_derived(now);
    p.timers.handshake_complete();
    ++p.stats.handshakes_completed;
    p.stats.last_handshake_unix_time = unix_time(now);
    // The initiator speaks first on a new session: the packets that waited,
    // or else a keepalive, which confirms the keys to the responder (§5.4.6).
    send_keepalive(p, now, out);
    p.stats.rx_bytes += message.bytes().size();
    p.timers.any_authenticated_packet_received();
    p.timers.any_authenticated_packet_traversal(now);
}

void Device::receive_cookie_reply(const wire::CookieReplyMessage& message, Time now, Outbox& out) {
    // The reply names one of our indices (a handshake's or a key pair's), and
    // so the peer whose message it answers.
    const auto owner = indices_.owner(message.receiver());
    if (!owner) return drop(out, DropReason::unknown_index, now);
    Peer& p = peer(*owner);
    // §5.4.7: it must answer the last handshake message we sent that peer,
    // and only once: one message, one cookie.
    const auto& answered_mac1 = p.cookie.awaited_reply();
    if (!answered_mac1) return drop(out, DropReason::unsolicited_cookie, now, p.id);
    auto cookie = cookie::consume_cookie_reply(message, message.receiver(), p.macs.cookie_key, *answered_mac1);
    if (!cookie) return drop(out, cookie.error(), now, p.id);
    p.cookie.store(cookie.value(), now);
    ++p.stats.cookies_received;
    emit(out, EventKind::cookie_reply_received, p.id, now);
    // No immediate resend: the initiator's retransmit timer will send again,
    // now with mac2 (and our next response will carry it too), so a cookie
    // reply can never make us send faster.
}

void Device::receive_data(const Endpoint& from, const wire::DataMessage& message, Time now, Outbox& out) {
    // [receive-data]
    const auto owner = indices_.owner(message.receiver());
    if (!owner) return drop(out, DropReason::unknown_index, now);
    Peer& p = peer(*owner);
    Keypair* keypair = p.sessions.keypair_with_index(message.receiver());
    if (!keypair) return drop(out, DropReason::unknown_index, now, p.id);
    if (!may_receive_with(*keypair, now)) return drop(out, DropReason::expired_session, now, p.id);
    // A cheap look at the window before the expensive decryption...
    if (!keypair->replay.may_accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
    const auto opened = open_data(*keypair, message);
    if (!opened) return drop(out, opened.error(), now, p.id);
    // ...and the real update only now that the packet is authentic, so a
    // forged counter can never move the window (§5.4.6).
    if (!keypair->replay.accept(message.counter())) return drop(out, DropReason::replay, now, p.id);

    // The packet is authentic and fresh: the endpoint follows it (§2.1), before
    // anything is sent in answer, so what we send goes where the peer now is.
    update_endpoint(p, from, now, out);
    // Key confirmation: the initiator used the responder's new keys, so the
    // responder may now send with them, starting with what waited.
    if (p.sessions.key_confirmed(*keypair)) {
        // For the responder, this is when the handshake is complete (as in
        // the kernel): both sides have now shown they hold the same keys.
        p.timers.handshake_complete();
        ++p.stats.handshakes_completed;
        p.stats.last_handshake_unix_time = unix_time(now);
        emit(out, EventKind::session_confirmed, p.id, now);
        send_staged_packets(p, now, out);
    }
    // §6.2: a receiver whose own (initiated) keys near REJECT_AFTER_TIME asks
    // for fresh ones, once, in case it has nothing to send that would.
    if (const Keypair* current = p.sessions.current(); current && current->may_send &&
                                                       p.timers.rekey_on_receive(current->age(now))) {
        initiate_handshake(p, now, out, /*is_retry=*/false);
    }
    p.stats.rx_bytes += message.bytes().size();
    p.timers.any_authenticated_packet_received();
    p.timers.any_authenticated_packet_traversal(now);

    const ByteView padded = opened.value();
    if (padded.empty()) {
        ++p.stats.keepalives_received;
        return emit(out, EventKind::keepalive_received, p.id, now);
    }
    // §6.5: data arrived, so a keepalive is due if we send nothing back,
    // whatever the inner packet turns out to be (as the kernel arms it).
    p.timers.data_received(now);
    const auto length = transport::inner_packet_length(padded);
    if (!length) return drop(out, DropReason::not_ip, now, p.id);
    const ByteView inner = padded.first(*length);
    // §3: "the source IP of the decrypted packet is checked against the
    // allowed IPs of the peer that sent it".
    if (allowed_ips_.lookup_packet_source(inner) != p.id) return drop(out, DropReason::allowed_ips, now, p.id);
    out.add_to_interface(inner);
    // [receive-data]
}

/// §5.4.6: P := AEAD-open(T_recv, counter, msg.packet, ε). Here, or already,
/// with the rest of a batch on every core (batch.cpp), with the same key.
Result<ByteView, DropReason> Device::open_data(const Keypair& keypair, const wire::DataMessage& message) {
    if (const OpenedAhead* ahead = opened_ahead_now_;
        ahead && ahead->datagram.data() == message.bytes().data() && ahead->key == keypair.keys.receiving) {
        if (ahead->failure) return *ahead->failure;
        return ByteView(ahead->plaintext);
    }
    thread_local std::array<std::uint8_t, 65536> plaintext;
    const auto opened = transport::open_data_message(keypair.keys.receiving, message, plaintext);
    if (!opened) return opened.error();
    return ByteView(plaintext.data(), opened.value());
}

void Device::update_endpoint(Peer& p, const Endpoint& from, Time now, Outbox& out) {
    // §2.1 roaming: the endpoint follows the most recent authenticated packet.
    if (p.endpoint == from) return;
    p.endpoint = from;
    emit(out, EventKind::endpoint_changed, p.id, now);
}

}  // namespace wg::device
