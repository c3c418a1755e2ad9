// SPDX-License-Identifier: MIT
// What leaves the Device (the kernel's send.c): a packet from the interface
// goes to the peer its destination names (§3), sealed with the current keys
// (§5.4.6), or waits while a handshake is started (§5.4.2); keepalives and
// initiations go out the same way.
#include "device/device.hpp"

#include "cookie/macs.hpp"
#include "transport/data_message.hpp"

namespace wg::device {

void Device::send_packet(ByteView ip_packet, Time now, Outbox& out) {
    // [send-packet]
    const auto length = transport::inner_packet_length(ip_packet);
    if (!length || *length != ip_packet.size()) return drop(out, DropReason::not_ip, now);
    // §3: the destination address picks the peer.
    const auto id = allowed_ips_.lookup_packet_destination(ip_packet);
    if (!id) return drop(out, DropReason::no_route, now);
    Peer& p = peer(*id);
    // The usual case: nothing is waiting and the keys are good, so seal it now.
    if (p.staged.empty() && encrypt_and_send(p, ip_packet, now, out)) return;
    // Otherwise it waits behind the others (the kernel's staged queue, bounded
    // by dropping the oldest), and they all go when keys allow.
    if (p.staged.size() >= options_.max_staged_packets) {
        if (!p.staged.front().empty()) drop(out, DropReason::queue_full, now, p.id);  // (empty: a keepalive)
        p.staged.pop_front();
    }
    p.staged.emplace_back(ip_packet.begin(), ip_packet.end());
    send_staged_packets(p, now, out);
    // [send-packet]
}

bool Device::encrypt_and_send(Peer& p, ByteView packet, Time now, Outbox& out) {
    Keypair* keypair = p.sessions.current();
    if (!keypair || !may_send_with(*keypair, now)) return false;
    if (!p.endpoint) {
        drop(out, DropReason::no_endpoint, now, p.id);
        return true;  // nowhere to send; waiting for a handshake will not help
    }
    const std::size_t padded = transport::padded_length(packet.size(), options_.mtu);
    Datagram& d = out.add_datagram(*p.endpoint, wire::TransportData::size_for(padded));
    // Sealed now, or with the rest of a batch on every core (batch.cpp).
    out.seal_data(d, keypair->keys.sending, keypair->keys.remote_index, keypair->next_send_counter++, packet, padded);
    p.stats.tx_bytes += d.bytes.size();
    p.timers.any_authenticated_packet_traversal(now);
    p.timers.any_authenticated_packet_sent();
    if (!packet.empty()) p.timers.data_sent(now, [this] { return jitter(); });
    if (packet.empty()) emit(out, EventKind::keepalive_sent, p.id, now);
    // §6.2: old keys, or many messages on them, ask for a new handshake.
    if (timers::rekey_after_send(keypair->age(now))) {
        if (p.sessions.handshake_state() == KeySlots::HandshakeState::none) emit(out, EventKind::rekey, p.id, now);
        initiate_handshake(p, now, out, /*is_retry=*/false);
    }
    return true;
}

void Device::send_staged_packets(Peer& p, Time now, Outbox& out) {
    while (!p.staged.empty()) {
        if (!encrypt_and_send(p, p.staged.front(), now, out)) {
            // No keys to send with: the packets keep waiting, and a handshake
            // is asked for (the kernel's send_staged_packets, out_nokey).
            return initiate_handshake(p, now, out, /*is_retry=*/false);
        }
        p.staged.pop_front();
    }
}

void Device::send_keepalive(Peer& p, Time now, Outbox& out) {
    // A keepalive is an empty data packet, sent only when nothing else is
    // about to be: if packets wait, they go instead (or wait for a handshake
    // together); the kernel's wg_packet_send_keepalive.
    if (p.staged.empty()) p.staged.emplace_back();
    send_staged_packets(p, now, out);
}

void Device::initiate_handshake(Peer& p, Time now, Outbox& out, bool is_retry) {
    p.timers.handshake_wanted(is_retry);
    if (!p.timers.initiation_allowed(now)) return;  // §6.4: one per REKEY_TIMEOUT
    if (!has_identity()) return;  // no private key: nothing to initiate with
    if (!p.endpoint) return drop(out, DropReason::no_endpoint, now, p.id);

    // §5.4.2: a fresh ephemeral key, index and timestamp for every initiation.
    handshake::InitiationParameters params;
    params.ephemeral_private = fresh_ephemeral();
    params.sender_index = p.sessions.new_index();
    params.timestamp = next_timestamp(now);
    if (options_.on_handshake_secrets) {
        options_.on_handshake_secrets({identity_.private_key, p.remote.public_key, params.ephemeral_private,
                                       p.remote.preshared_key});
    }
    std::array<std::uint8_t, wire::Initiation::kSize> initiation{};
    auto started = handshake::InitiatorHandshake::create_initiation(identity_, p.remote, params, initiation);
    if (!started) {
        // A low-order peer key: configured, but never sent anything (kernel rule).
        p.sessions.release_unused(params.sender_index);
        return p.sessions.initiation_abandoned();
    }
    p.cookie.message_sent(cookie::add_macs(initiation, p.macs.mac1_key, p.cookie.for_mac2(now)));
    p.sessions.initiation_sent(std::move(*started));
    p.timers.any_authenticated_packet_traversal(now);
    p.timers.any_authenticated_packet_sent();
    p.stats.tx_bytes += initiation.size();
    ++p.stats.handshakes_initiated;
    out.add_datagram(*p.endpoint, initiation);
    emit(out, EventKind::initiation_sent, p.id, now);
    p.timers.handshake_initiated(now, jitter());
}

}  // namespace wg::device
