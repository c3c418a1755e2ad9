#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Writes every mutant's patch (conformance/mutants/NAME.patch) from its
definition below: a header (what it breaks, which paper section, which case
should catch it) and a unified diff of reference/ made by replacing exact
pieces of the current source. When a change to reference/ moves the lines a
mutant touches, the build says the patch no longer applies: fix the piece
here if its text changed, then run this again (no argument) to write them all.
A piece must occur exactly once in its file, or this stops and says which.
"""
import difflib
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "conformance" / "mutants"


def make(name, section, flaw, caught, real, edits):
    out = ["SPDX-License-Identifier: MIT\n", f"Mutant: {name}\n", f"Section: {section}\n", f"Flaw: {flaw}\n",
           f"Caught-by: {caught}\n", f"Real: {real}\n", "\n"]
    by_file = {}
    for f, old, new in edits:
        by_file.setdefault(f, []).append((old, new))
    for f, pairs in by_file.items():
        text = (ROOT / f).read_text()
        new_text = text
        for old, new in pairs:
            count = new_text.count(old)
            if count != 1:
                raise SystemExit(f"mutant {name}: {f}: the piece starting {old[:60]!r} occurs {count} times, not once")
            new_text = new_text.replace(old, new)
        out.extend(difflib.unified_diff(text.splitlines(True), new_text.splitlines(True), f"a/{f}", f"b/{f}", n=3))
    (OUT / f"{name}.patch").write_text("".join(out))

R='reference/device/receive.cpp'; S='reference/device/send.cpp'; D='reference/device/device.cpp'
M = []
def m(name, section, flaw, caught, real, *edits):
    M.append((name, section, flaw, caught, real, list(edits)))

# ---- the former DeviceFlaws ----
m('replay_window_skipped', '5.4.6', 'no replay window: a replayed data packet is delivered again',
  'transport.replay transport.old_counter', 'yes',
  (R, '''    if (!keypair->replay.may_accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
''', ''),
  (R, '''    if (!keypair->replay.accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
''', '''    (void)keypair->replay.accept(message.counter());
'''))
m('window_moved_before_authentication', '5.4.6', 'the replay window takes a counter before the packet authenticates: one forged packet uses up a genuine counter',
  'transport.tampered', 'no',
  (R, '''    if (!keypair->replay.may_accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
''', '''    if (!keypair->replay.accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
'''),
  (R, '''    if (!keypair->replay.accept(message.counter())) return drop(out, DropReason::replay, now, p.id);

''', '''
'''))
m('inner_source_unchecked', '3', 'no allowed-IPs check of the inner source: a peer can send as any address',
  'routing.outside_dropped', 'yes',
  (R, '''    if (allowed_ips_.lookup_packet_source(inner) != p.id) return drop(out, DropReason::allowed_ips, now, p.id);
''', ''))
m('timestamp_unchecked', '5.1', 'no TAI64N check: a replayed or older initiation is answered again',
  'handshake.replayed_initiation handshake.old_timestamp', 'no',
  ('reference/handshake/noise.cpp', '''    if (!result.timestamp.is_after(known->latest_timestamp)) return DropReason::timestamp_not_newer;
''', ''))
m('unknown_peer_answered', '5.4.2', 'an initiation from any static key is answered, the key taken as a new peer',
  'handshake.unknown_key', 'no',
  (D, '''    const auto id = find_peer(initiator_static);
    if (!id) return std::nullopt;''', '''    auto id = find_peer(initiator_static);
    if (!id) id = const_cast<Device*>(this)->ensure_peer(initiator_static);'''))
m('always_under_load', '5.4.7', 'always "under load": every handshake gets a cookie reply first',
  'cookie.none_when_idle', 'no',
  (R, '''    if (load_.record_handshake(now)) {''', '''    if (load_.record_handshake(now) || true) {'''))
m('never_under_load', '5.4.7', 'never under load: no cookie reply, whatever the flood',
  'cookie.reply_under_load', 'no',
  (R, '''    if (load_.record_handshake(now)) {''', '''    if (load_.record_handshake(now) && false) {'''))
m('mac2_ignored', '5.4.7', 'under load a valid mac2 does not help: a cookie reply every time',
  'cookie.mac2_retry cookie.flood_spares_session', 'no',
  (R, '''        if (!cookie_checker_.mac2_is_valid(message, from, now)) {''', '''        if (!cookie_checker_.mac2_is_valid(message, from, now) || true) {'''))
m('no_source_rate_limit', '5.4.7', 'under load, initiations with a valid mac2 from one source are answered without a rate limit',
  'cookie.flood_spares_session', 'no',
  (R, '''        if (!rate_limiter_.allow(from.address, now)) return drop(out, DropReason::rate_limited, now), false;
''', ''))
m('sends_before_confirmation', '5.4.6', 'the responder sends on its new keys before key confirmation',
  'transport.key_confirmation', 'no',
  (R, '''    p.sessions.response_sent(std::move(*keys), now);''', '''    p.sessions.key_confirmed(p.sessions.response_sent(std::move(*keys), now));'''))
m('no_passive_keepalive', '6.5', 'data that nothing answers never earns a keepalive',
  'timers.passive_keepalive', 'no',
  (R, '''    p.timers.data_received(now);
''', ''))
m('keys_never_expire', '6.2', 'keys are used past REJECT_AFTER_TIME',
  'timers.reject_after_time', 'no',
  (D, '''    return keypair.may_send && !timers::sending_expired(keypair.age(now));''', '''    return keypair.may_send;'''),
  (D, '''    return !timers::receiving_expired(keypair.age(now));''', '''    return true;'''))
m('no_rekey_after_time', '6.2', 'the initiator keeps its keys past REKEY_AFTER_TIME',
  'timers.rekey_after_time', 'no',
  (S, '''    if (timers::rekey_after_send(keypair->age(now))) {''', '''    if (false && timers::rekey_after_send(keypair->age(now))) {'''))

# ---- the former TargetFlaws ----
m('mac1_unchecked', '5.4.4', 'mac1 is not checked: a handshake with a wrong mac1 is answered',
  'handshake.bad_mac1 cookie.bad_mac1_under_load', 'no',
  (R, '''    if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;
''', ''))
m('reserved_bytes_ignored', '5.4', 'only the type byte is read: messages with non-zero reserved bytes are taken',
  'handshake.reserved_bytes', 'no',
  ('reference/wire/messages.cpp', '''    return datagram.size() >= kTypeWord.size && load_le32(datagram.data()) == static_cast<std::uint32_t>(type);''',
   '''    return datagram.size() >= kTypeWord.size && datagram[0] == static_cast<std::uint8_t>(type);'''))
m('response_bad_mac1', '5.4.4', 'responses leave with a wrong mac1',
  'handshake.valid_initiation', 'no',
  (R, '''    p.cookie.message_sent(cookie::add_macs(response, p.macs.mac1_key, p.cookie.for_mac2(now)));''',
   '''    p.cookie.message_sent(cookie::add_macs(response, p.macs.mac1_key, p.cookie.for_mac2(now)));
    response[wire::Response::mac1.offset] ^= 1;'''))
m('cookie_reply_damaged', '5.4.7', 'cookie replies leave with a damaged cookie',
  'cookie.decrypts', 'no',
  ('reference/cookie/cookie_checker.cpp', '''    create_cookie_reply(sender_index, make_cookie(secret_, cookie_source(from).view()), mac1_of(message), nonce,
                        keys_.cookie_key, out);''', '''    create_cookie_reply(sender_index, make_cookie(secret_, cookie_source(from).view()), mac1_of(message), nonce,
                        keys_.cookie_key, out);
    out[wire::CookieReply::encrypted_cookie.offset] ^= 1;'''))
m('stops_after_malformed', '5.4', 'one malformed datagram and the device answers nothing more',
  'handshake.malformed', 'no',
  (R, '''    // [receive-datagram]
    // Data first: it is nearly every datagram.''', '''    // [receive-datagram]
    static bool stopped = false;
    if (stopped) return;
    // Data first: it is nearly every datagram.'''),
  (R, '''    drop(out, DropReason::malformed, now);
    // [receive-datagram]''', '''    stopped = true;
    drop(out, DropReason::malformed, now);
    // [receive-datagram]'''))
m('data_dropped', '5.4.6', 'transport data is never delivered',
  'transport.delivered routing.inside_delivered', 'no',
  (R, '''    // [receive-data]
    const auto owner = indices_.owner(message.receiver());''', '''    // [receive-data]
    return;  // the flaw: nothing below runs
    const auto owner = indices_.owner(message.receiver());'''))
m('keepalives_dropped_unauthenticated', '5.4.6', 'keepalives are thrown away by their size, before authentication',
  'transport.keepalive', 'no',
  (R, '''    if (const auto data = wire::DataMessage::parse(datagram)) return receive_data(from, *data, now, out);''',
   '''    if (const auto data = wire::DataMessage::parse(datagram)) {
        if (data->plaintext_size() == 0) return;
        return receive_data(from, *data, now, out);
    }'''))
m('no_roaming', '2.1', 'the endpoint never follows authenticated data',
  'routing.roaming', 'no',
  (R, '''    // The packet is authentic and fresh: the endpoint follows it (§2.1), before
    // anything is sent in answer, so what we send goes where the peer now is.
    update_endpoint(p, from, now, out);
''', ''))
m('window_of_one', '5.4.6', 'any counter not above the newest is refused: reordered packets are lost',
  'transport.out_of_order', 'no',
  ('reference/transport/replay_window.cpp', '''    if (is_newer(counter)) return true;''', '''    if (is_newer(counter)) return true;
    return false;'''))


# ---- issue 10: the kernel's rules, each with the case that sees it broken ----
N='reference/handshake/noise.cpp'; T='reference/crypto/tai64n.cpp'; K='reference/device/key_slots.cpp'
U='reference/io/uapi.cpp'; W='reference/transport/replay_window.cpp'; TM='reference/timers/timers.cpp'
m('flood_check_removed', '5.4.7', 'every initiation is consumed, however fast they come from one peer',
  'handshake.initiation_flood', 'no',
  (R, '''    if (p.timers.initiation_flood(now)) return drop(out, DropReason::handshake_flood, now, p.id);
''', ''))
m('low_order_unchecked', '5.4.2', 'an all-zero DH result (a low-order ephemeral key) is used as a secret',
  'handshake.low_order_ephemeral', 'no',
  (N, '''    const auto es = crypto::dh(self.private_key, result.initiator_ephemeral);
    if (!es) return DropReason::low_order_point;
    SymmetricKey key = s.mix_key(es->view());''', '''    const auto es = crypto::dh(self.private_key, result.initiator_ephemeral);
    const crypto::SharedSecret zeros;
    SymmetricKey key = s.mix_key(es ? es->view() : zeros.view());'''))
m('zero_key_is_a_key', '5.4.2', 'a private key of zeros is clamped and used, as wireguard-go does, instead of meaning no key',
  'handshake.zero_private_key', 'no',
  (N, '''    if (private_key.is_zero()) return identity;
''', ''))
m('tai64n_label_without_10', '5.1', 'the TAI64 label is 2^62 + Unix seconds, 10 s behind the kernel and wireguard-go',
  'initiator.timestamp_label', 'no',
  (T, '''constexpr std::uint64_t kUnixEpochLabel = wire::kTai64Base + wire::kTaiMinusUnixSeconds;''',
   '''constexpr std::uint64_t kUnixEpochLabel = wire::kTai64Base;'''))
m('tai64n_label_with_leap_seconds', '5.1', 'the TAI64 label is 2^62 + 37 + Unix seconds (TAI with the leap seconds to 2017), 27 s ahead of the kernel and wireguard-go',
  'initiator.timestamp_label', 'no',
  (T, '''constexpr std::uint64_t kUnixEpochLabel = wire::kTai64Base + wire::kTaiMinusUnixSeconds;''',
   '''constexpr std::uint64_t kUnixEpochLabel = wire::kTai64Base + 37;'''))
m('tai64n_not_whitened', '5.1', 'initiation timestamps carry the clock to the nanosecond',
  'initiator.timestamp_whitened', 'no',
  (T, '''                     nanoseconds / wire::kTimestampWhitening * wire::kTimestampWhitening);''',
   '''                     nanoseconds | 1);'''))
m('timestamp_reused', '5.1', 'every initiation carries the first one\'s timestamp',
  'initiator.timestamps_increase', 'no',
  (D, '''    auto candidate = crypto::Tai64n::for_initiation(unix_time(now));
    if (!candidate.is_after(last_timestamp_)) candidate = last_timestamp_.next_whitened();
    last_timestamp_ = candidate;
    return candidate;''', '''    static std::optional<crypto::Tai64n> first;  // one timestamp, ever
    if (!first) first = crypto::Tai64n::for_initiation(unix_time(now));
    return *first;'''))
m('ephemeral_reused', '5.4.2', 'every handshake message uses the same ephemeral key',
  'initiator.retry_fresh', 'no',
  (D, '''    rng_.fill(random);
    crypto::PrivateKey key = crypto::make_private_key(random);''', '''    rng_.fill(random);
    random.fill(7);
    crypto::PrivateKey key = crypto::make_private_key(random);'''))
m('retry_every_10s', '6.4', 'retries wait twice REKEY_TIMEOUT',
  'initiator.retry_spacing', 'no',
  (TM, '''    arm(Timer::retransmit_handshake, now + kRekeyTimeout + jitter);''',
   '''    arm(Timer::retransmit_handshake, now + 2 * kRekeyTimeout + jitter);'''))
m('retries_without_cookie', '5.4.7', 'initiations never carry mac2, whatever cookie is held',
  'initiator.cookie_mac2', 'no',
  (S, '''    p.cookie.message_sent(cookie::add_macs(initiation, p.macs.mac1_key, p.cookie.for_mac2(now)));''',
   '''    p.cookie.message_sent(cookie::add_macs(initiation, p.macs.mac1_key, std::nullopt));'''))
m('cookie_reply_twice', '5.4.7', 'a second cookie reply to the same message replaces the first, as wireguard-go allows',
  'initiator.cookie_once', 'no',
  (R, '''    p.cookie.store(cookie.value(), now);''', '''    const crypto::Mac answered = *answered_mac1;
    p.cookie.store(cookie.value(), now);
    p.cookie.message_sent(answered);'''))
m('response_no_rekey_timeout', '6.4', 'a response does not count toward the one-per-REKEY_TIMEOUT limit',
  'initiator.response_holds_initiations', 'no',
  (R, '''    p.timers.response_sent(now);  // §6.4: no initiation of ours for REKEY_TIMEOUT now
''', ''))
m('crossed_initiation_kept', '5.4.3', 'answering the peer\'s initiation keeps ours in flight',
  'initiator.crossed_initiations', 'no',
  (K, '''    initiation_abandoned();
    // The responder waits''', '''    // The responder waits'''))
m('endpoint_after_staged', '2.1', 'on key confirmation, what waited is sent before the endpoint moves',
  'initiator.staged_to_new_endpoint', 'no',
  (R, '''    update_endpoint(p, from, now, out);
    // Key confirmation:''', '''    // Key confirmation:'''),
  (R, '''        send_staged_packets(p, now, out);
    }
''', '''        send_staged_packets(p, now, out);
    }
    update_endpoint(p, from, now, out);
'''))
m('keepalive_not_staged', '6.5', 'a keepalive without keys is dropped, not kept for the handshake',
  'initiator.staged_to_new_endpoint', 'no',
  (S, '''    if (p.staged.empty()) p.staged.emplace_back();
    send_staged_packets(p, now, out);''', '''    if (p.staged.empty()) {
        if (!encrypt_and_send(p, {}, now, out)) initiate_handshake(p, now, out, false);
        return;
    }
    send_staged_packets(p, now, out);'''))
m('keepalive_after_inner_checks', '6.5', 'data whose inner packet is dropped does not arm the passive keepalive',
  'timers.keepalive_after_disallowed_source', 'no',
  (R, '''    p.timers.data_received(now);
    const auto length''', '''    const auto length'''),
  (R, '''    out.add_to_interface(inner);
    // [receive-data]''', '''    p.timers.data_received(now);
    out.add_to_interface(inner);
    // [receive-data]'''))
m('reject_after_messages_paper', '6.1', 'REJECT_AFTER_MESSAGES is the paper\'s 2^64 - 2^13 - 1, as wireguard-go has it',
  'transport.reject_after_messages', 'no',
  (W, '''    if (counter >= wire::kRejectAfterMessages) return false;''',
   '''    if (counter >= ~std::uint64_t{0} - 8192) return false;'''))
m('window_too_small', '5.4.6', 'the replay window judges 64 counters fewer than 8,128 behind the newest',
  'transport.window_edge', 'no',
  (W, '''    if (newest_ - counter > kWindowSize) return false;''', '''    if (newest_ - counter > kWindowSize - 64) return false;'''))
m('window_too_large', '5.4.6', 'the replay window takes counters up to 8,192 behind the newest',
  'transport.window_edge', 'no',
  (W, '''    if (newest_ - counter > kWindowSize) return false;''', '''    if (newest_ - counter > kWindowSize + 63) return false;'''))
m('responder_keeps_previous', '5.4.6', 'a responder\'s new keys leave the previous ones in place: three sessions live at once',
  'transport.third_session', 'no',
  (K, '''    retire(next_);
    retire(previous_);
    next_ = make_keypair''', '''    retire(next_);
    next_ = make_keypair'''))
m('no_padding', '5.4.6', 'data goes out unpadded: its length shows the inner packet\'s',
  'transport.padding', 'no',
  (S, '''    const std::size_t padded = transport::padded_length(packet.size(), options_.mtu);''',
   '''    const std::size_t padded = packet.size();'''))
m('inner_padded_out', '5.4.6', 'a packet whose header claims more than the plaintext holds is padded out with zeros and delivered',
  'transport.inner_length', 'no',
  (R, '''    const auto length = transport::inner_packet_length(padded);
    if (!length) return drop(out, DropReason::not_ip, now, p.id);
    const ByteView inner = padded.first(*length);''', '''    const auto length = transport::inner_packet_length(padded);
    thread_local std::array<std::uint8_t, 65536> padded_out;
    ByteView inner = length ? padded.first(length ? *length : 0) : ByteView{};
    if (!length) {
        const auto header = read_ip_header(padded);
        if (!header || header->claimed_length > padded_out.size()) return drop(out, DropReason::not_ip, now, p.id);
        std::copy(padded.begin(), padded.end(), padded_out.begin());
        std::fill(padded_out.begin() + static_cast<std::ptrdiff_t>(padded.size()), padded_out.begin() + static_cast<std::ptrdiff_t>(header->claimed_length), 0);
        inner = ByteView(padded_out.data(), header->claimed_length);
    }'''),
  (R, '''#include "cookie/macs.hpp"''', '''#include "common/ip_header.hpp"
#include "cookie/macs.hpp"'''))
m('endpoint_before_authentication', '2.1', 'the endpoint follows any data message naming a session, before it is authenticated',
  'initiator.roaming_authenticated_only', 'yes',
  (R, '''    Keypair* keypair = p.sessions.keypair_with_index(message.receiver());''', '''    update_endpoint(p, from, now, out);
    Keypair* keypair = p.sessions.keypair_with_index(message.receiver());'''))
m('endpoint_before_replay_check', '2.1', 'the endpoint follows an authentic data message before the replay check: a replay moves it',
  'initiator.roaming_authenticated_only', 'no',
  (R, '''    if (!keypair->replay.may_accept(message.counter())) return drop(out, DropReason::replay, now, p.id);
''', ''),
  (R, '''    // ...and the real update only now''', '''    update_endpoint(p, from, now, out);
    // ...and the real update only now'''))
m('initiation_bad_mac1', '5.4.4', 'initiations leave with a wrong mac1',
  'initiator.initiation_verifies', 'no',
  (S, '''    p.sessions.initiation_sent(std::move(*started));''', '''    initiation[wire::Initiation::mac1.offset] ^= 1;
    p.sessions.initiation_sent(std::move(*started));'''))
m('response_consumed_twice', '5.4.3', 'a response leaves its initiation in flight: the same response again makes a second session',
  'initiator.response_once', 'no',
  (K, '''    initiation_.reset();
    // The initiator may send at once.''', '''    // The initiator may send at once.'''))
m('response_index_ignored', '5.4.3', 'a response is matched to the handshake in flight by its sender\'s address, whatever index it names',
  'initiator.unknown_index_response', 'no',
  (R, '''    const auto owner = indices_.owner(message.receiver());
    if (!owner) return drop(out, DropReason::unknown_index, now);
    Peer& p = peer(*owner);
    const handshake::InitiatorHandshake* initiation''', '''    auto owner = indices_.owner(message.receiver());
    for (const PeerId id : peers()) {
        if (!owner && peer(id).endpoint == from) owner = id;
    }
    if (!owner) return drop(out, DropReason::unknown_index, now);
    Peer& p = peer(*owner);
    const handshake::InitiatorHandshake* initiation'''),
  (K, '''    return initiation_ && initiation_->sender_index() == index ? &*initiation_ : nullptr;''',
   '''    return initiation_ ? &*initiation_ : nullptr;'''),
  (N, '''    if (msg.receiver() != sender_index_) return DropReason::unknown_index;
''', ''))
m('uapi_errno_positive', 'xplatform', 'a refused request ends with a positive errno',
  'uapi.errno_negative', 'no',
  (U, '''std::to_string(error == 0 ? 0 : -error)''', '''std::to_string(error)'''))
m('uapi_key_unclamped', 'xplatform', 'the private key is stored and shown as given, unclamped',
  'uapi.get_shape', 'no',
  (N, '''    identity.private_key = crypto::make_private_key(private_key.span());''', '''    identity.private_key = private_key;'''))
m('uapi_no_zero_psk', 'xplatform', 'a peer without a preshared key has no preshared_key line',
  'uapi.get_shape', 'no',
  (U, '''        out << "preshared_key=" << to_hex(info.preshared_key.view()) << "\\n";''',
   '''        if (!info.preshared_key.is_zero()) out << "preshared_key=" << to_hex(info.preshared_key.view()) << "\\n";'''))
m('uapi_lines_not_in_order', 'xplatform', 'replace_allowed_ips applies first, wherever it stands: allowed_ip lines before it survive',
  'uapi.lines_in_order', 'no',
  (U, '''        peer->allowed_ips.clear();
''', ''))
m('uapi_port_zero_refused', 'xplatform', 'an endpoint with port 0 is refused',
  'uapi.endpoint_port_zero', 'no',
  (U, '''        if (!peer->endpoint) return bad''', '''        if (!peer->endpoint || peer->endpoint->port == 0) return bad'''))
m('uapi_psk_ends_sessions', 'xplatform', 'changing a peer\'s preshared key ends its sessions',
  'uapi.psk_change_keeps_session', 'no',
  (D, '''    peer(id).remote.preshared_key = preshared_key;''', '''    peer(id).remote.preshared_key = preshared_key;
    peer(id).sessions.erase();'''))


# ---- so that (nearly) every case alone catches some mutant ----
m('mac1_checked_only_under_load', '5.4.4', 'mac1 is checked only under load: an idle target answers a bad mac1',
  'handshake.bad_mac1', 'no',
  (R, '''    if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;
''', ''),
  (R, '''    if (load_.record_handshake(now)) {
        if (!cookie_checker_.mac2_is_valid''', '''    if (load_.record_handshake(now)) {
        if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;
        if (!cookie_checker_.mac2_is_valid'''))
m('mac1_unchecked_under_load', '5.4.4', 'under load, mac1 is not checked: a bad mac1 earns a cookie reply',
  'cookie.bad_mac1_under_load', 'no',
  (R, '''    if (!cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;''',
   '''    if (!load_.under_load(now) && !cookie_checker_.mac1_is_valid(message)) return drop(out, DropReason::bad_mac1, now), false;'''))
m('equal_timestamp_accepted', '5.1', 'a timestamp equal to the newest accepted passes: a replayed initiation is answered again',
  'handshake.replayed_initiation', 'no',
  (N, '''    if (!result.timestamp.is_after(known->latest_timestamp)) return DropReason::timestamp_not_newer;''',
   '''    if (known->latest_timestamp.is_after(result.timestamp)) return DropReason::timestamp_not_newer;'''))
m('only_identical_timestamp_refused', '5.1', 'only a timestamp identical to the newest is refused: older ones pass',
  'handshake.old_timestamp', 'no',
  (N, '''    if (!result.timestamp.is_after(known->latest_timestamp)) return DropReason::timestamp_not_newer;''',
   '''    if (result.timestamp == known->latest_timestamp) return DropReason::timestamp_not_newer;'''))
m('junk_echoed', '5.4', 'a datagram of no known type is sent back to its sender',
  'handshake.malformed', 'no',
  (R, '''    drop(out, DropReason::malformed, now);
    // [receive-datagram]''', '''    if (datagram.empty() || datagram[0] == 0 || datagram[0] > 4) out.add_datagram(from, datagram);
    drop(out, DropReason::malformed, now);
    // [receive-datagram]'''))
m('ipv6_inner_dropped', '3', 'inner IPv6 packets are never delivered',
  'routing.inside_delivered', 'no',
  (R, '''    const ByteView inner = padded.first(*length);''', '''    const ByteView inner = padded.first(*length);
    if ((inner[0] >> 4) == 6) return drop(out, DropReason::not_ip, now, p.id);'''))
m('counter_zero_not_marked', '5.4.6', 'counter 0 is never marked as seen: the first message of a session can be replayed',
  'transport.keepalive', 'no',
  (W, '''    seen_[word_of(counter)] |= bit_of(counter);''', '''    if (counter != 0) seen_[word_of(counter)] |= bit_of(counter);'''))
m('roaming_on_keepalives_only', '2.1', 'only keepalives move the endpoint, not data',
  'routing.roaming', 'no',
  (R, '''    // The packet is authentic and fresh: the endpoint follows it (§2.1), before
    // anything is sent in answer, so what we send goes where the peer now is.
    update_endpoint(p, from, now, out);''', '''    // The packet is authentic and fresh: the endpoint follows it (§2.1), before
    // anything is sent in answer, so what we send goes where the peer now is.
    if (opened.value().empty()) update_endpoint(p, from, now, out);'''))
m('keys_never_age', '6.2', 'keys are used past REJECT_AFTER_TIME (the message limits still hold)',
  'timers.reject_after_time', 'no',
  (D, '''    return keypair.may_send && !timers::sending_expired(keypair.age(now));''', '''    auto age = keypair.age(now);
    age.age = Duration{0};
    return keypair.may_send && !timers::sending_expired(age);'''),
  (D, '''    return !timers::receiving_expired(keypair.age(now));''', '''    auto age = keypair.age(now);
    age.age = Duration{0};
    return !timers::receiving_expired(age);'''))
m('receive_expiry_by_count_removed', '6.1', 'keys go on receiving after the receive counter reaches REJECT_AFTER_MESSAGES',
  'transport.reject_after_messages', 'no',
  (D, '''    return !timers::receiving_expired(keypair.age(now));''', '''    auto age = keypair.age(now);
    age.messages_received = 0;
    return !timers::receiving_expired(age);'''))
m('response_mac1_unchecked_when_idle', '5.4.4', 'an idle initiator takes a response whose mac1 is wrong',
  'initiator.response_bad_mac1', 'yes',
  (R, '''    if (!admit_handshake(from, message.bytes(), message.sender(), now, out)) return;
    const auto owner = indices_.owner(message.receiver());''', '''    if (load_.under_load(now) && !admit_handshake(from, message.bytes(), message.sender(), now, out)) return;
    const auto owner = indices_.owner(message.receiver());'''))
m('initiation_mac1_unchecked_when_idle', '5.4.4', 'an idle responder answers an initiation whose mac1 is wrong',
  'handshake.bad_mac1', 'yes',
  (R, '''    if (!admit_handshake(from, message.bytes(), message.sender(), now, out)) return;
    auto consumed = handshake::consume_initiation(message, identity_, *this);''', '''    if (!load_.under_load(now)) {
        load_.record_handshake(now);  // the load is still counted; only mac1 goes unchecked
    } else if (!admit_handshake(from, message.bytes(), message.sender(), now, out)) {
        return;
    }
    auto consumed = handshake::consume_initiation(message, identity_, *this);'''))
if __name__ == '__main__':
    for mm in M:
        make(*mm[:5], mm[5])
    print(len(M), 'mutants written')
