// SPDX-License-Identifier: MIT
// Batches: many datagrams or packets per call, with the crypto spread over
// cores. Not in the paper; this is how the kernel's WireGuard is fast
// (wg_packet_encrypt_worker and wg_packet_decrypt_worker on every CPU, fed
// through queueing.c): a packet's encryption or decryption may run on any
// core, because it needs nothing but a key and a counter, while everything else (counters, the replay window, timers, routing, the order
// of a peer's packets) stays with one owner, in order. What to take away:
// both functions below are a loop over the readable one-packet paths of
// send.cpp and receive.cpp, and give exactly their results; only the AEAD
// work moves.
#include "device/device.hpp"

#include "transport/data_message.hpp"

namespace wg::device {

void Device::run_parallel(std::size_t count, const std::function<void(std::size_t)>& job) const {
    if (options_.parallel_for && count > 1) return options_.parallel_for(count, job);
    for (std::size_t i = 0; i < count; ++i) job(i);
}

void Device::send_packets(std::span<const ByteView> ip_packets, Time now, Outbox& out) {
    // 1. Each packet takes the one-packet path (send.cpp) in order, so each
    //    gets its peer, its counter and its place in the Outbox as it would
    //    alone; the Outbox only frames the data messages, holding the sealing back.
    out.hold_seals(true);
    for (const ByteView packet : ip_packets) send_packet(packet, now, out);
    out.hold_seals(false);
    // 2. Then every held message is sealed, in parallel: each with its own
    //    key (a copy, so a rekey in step 1 changes nothing here) and the
    //    counter already in its header.
    const auto held = out.held_seals();
    const auto datagrams = out.datagrams();
    run_parallel(held.size(), [&](std::size_t i) {
        transport::seal_framed_data_message(held[i].key, datagrams[held[i].datagram].bytes);
    });
    out.forget_held_seals();
}

void Device::receive_datagrams(std::span<const ReceivedDatagram> datagrams, Time now, Outbox& out) {
    // 1. A look, changing nothing: which datagrams are data for a session we
    //    hold, at a counter its window may still take, and with which key.
    opened_ahead_count_ = 0;
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
        const auto data = wire::DataMessage::parse(datagrams[i].bytes);
        if (!data) continue;
        const auto owner = indices_.owner(data->receiver());
        const Keypair* keypair = owner ? peer(*owner).sessions.keypair_with_index(data->receiver()) : nullptr;
        if (!keypair || !may_receive_with(*keypair, now) || !keypair->replay.may_accept(data->counter())) continue;
        if (opened_ahead_count_ == opened_ahead_.size()) opened_ahead_.emplace_back();
        OpenedAhead& ahead = opened_ahead_[opened_ahead_count_++];
        ahead.index = i;
        ahead.datagram = datagrams[i].bytes;
        ahead.key = keypair->keys.receiving;
        ahead.plaintext.resize(data->plaintext_size());
    }
    // 2. Open them all, in parallel: the heavy part, and each independent.
    run_parallel(opened_ahead_count_, [&](std::size_t j) {
        OpenedAhead& ahead = opened_ahead_[j];
        const auto opened = transport::open_data_message(ahead.key, *wire::DataMessage::parse(ahead.datagram), ahead.plaintext);
        ahead.failure = opened ? std::nullopt : std::optional<DropReason>(opened.error());
    });
    // 3. Each datagram, in order, takes the one-packet path (receive.cpp),
    //    which finds its plaintext ready if the session it meets there is
    //    still the one it was opened for (a handshake earlier in the batch
    //    may have moved things; then it opens the datagram itself).
    std::size_t next = 0;
    for (std::size_t i = 0; i < datagrams.size(); ++i) {
        const bool ahead = next < opened_ahead_count_ && opened_ahead_[next].index == i;
        opened_ahead_now_ = ahead ? &opened_ahead_[next++] : nullptr;
        receive_datagram(datagrams[i].from, datagrams[i].bytes, now, out);
    }
    opened_ahead_now_ = nullptr;
    for (std::size_t j = 0; j < opened_ahead_count_; ++j) opened_ahead_[j].key = {};  // no key lingers
}

}  // namespace wg::device
