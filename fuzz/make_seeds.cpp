// SPDX-License-Identifier: MIT
// Writes the seed corpora in fuzz/corpus/<target>/: real messages from the
// oracle (vectors/handshake_oracle.txt) and from the committed captures
// (pcaps/), UAPI requests, configuration files, keys, prefixes, endpoints,
// and scripts for the Device and session targets. Run it after changing a
// target's input format (fuzz/README.md):
//   cmake --build build-fuzz --target wgref_fuzz_seeds
//   build-fuzz/fuzz/wgref_fuzz_seeds fuzz/corpus
#include <pcap/pcap.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cookie/macs.hpp"
#include "crypto/key_text.hpp"
#include "device/simulated_network.hpp"
#include "wire/messages.hpp"
#include "oracle.hpp"
#include "inner_packets.hpp"
#include "pcap_file.hpp"

using namespace wg;
namespace fs = std::filesystem;

namespace {

fs::path corpus;

void seed(const std::string& target, const std::string& name, ByteView bytes) {
    const fs::path dir = corpus / target;
    fs::create_directories(dir);
    std::ofstream(dir / name, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                      static_cast<std::streamsize>(bytes.size()));
}
void seed(const std::string& target, const std::string& name, std::string_view text) {
    seed(target, name, as_bytes(text));
}

Bytes with_control(std::uint8_t control, ByteView message) {
    Bytes out{control};
    out.insert(out.end(), message.begin(), message.end());
    return out;
}

std::string read_text(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

/// Builds input for a target that reads it with FuzzedDataProvider: strings
/// come from the front (ended by a backslash and another character),
/// integers from the back, most significant byte first.
class Script {
public:
    void integer(std::uint64_t range, std::uint64_t value) {
        int bytes = 0;
        while (bytes < 8 && (range >> (8 * bytes)) > 0) ++bytes;
        for (int i = bytes - 1; i >= 0; --i) back_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
    void boolean(bool value) { integer(255, value ? 1 : 0); }
    void string(ByteView s) {
        for (std::uint8_t b : s) {
            front_.push_back(b);
            if (b == '\\') front_.push_back(b);
        }
        front_.push_back('\\');
        front_.push_back('.');
    }
    /// Bytes taken as they are from the front (ConsumeBytes).
    void raw(ByteView s) { front_.insert(front_.end(), s.begin(), s.end()); }
    /// ConsumeIntegralInRange(min, max) returning `value`.
    void in_range(std::int64_t min, std::int64_t max, std::int64_t value) {
        integer(static_cast<std::uint64_t>(max - min), static_cast<std::uint64_t>(value - min));
    }
    Bytes finish() const {
        Bytes out = front_;
        out.insert(out.end(), back_.rbegin(), back_.rend());
        return out;
    }

private:
    Bytes front_, back_;
};

void message_seeds() {
    const auto& cases = fuzz::oracle_cases();
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const auto& r = cases[i].record;
        const auto n = static_cast<std::uint8_t>(i);
        const std::string suffix = "-case" + std::to_string(i + 1);
        seed("initiation", "oracle" + suffix, with_control(n, r.bytes("initiation")));
        seed("response", "oracle" + suffix, with_control(n, r.bytes("response")));
        seed("cookie_reply", "oracle" + suffix, with_control(n, r.bytes("cookie_reply")));
        seed("data_message", "oracle" + suffix, with_control(n, r.bytes("transport_message")));
        if (i == 0) {
            seed("initiation", "oracle-case1-fix-mac1", with_control(4, r.bytes("initiation")));
            seed("initiation", "oracle-case1-replayed", with_control(8, r.bytes("initiation")));
            seed("response", "oracle-case1-fix-mac1", with_control(4, r.bytes("response")));
            seed("message_header", "initiation", r.bytes("initiation"));
            seed("message_header", "response", r.bytes("response"));
            seed("message_header", "cookie-reply", r.bytes("cookie_reply"));
            seed("message_header", "data", r.bytes("transport_message"));
            Bytes keepalive = r.bytes("transport_message");
            keepalive.resize(wire::TransportData::kMinSize);
            seed("message_header", "keepalive-size", keepalive);
            Bytes reserved = r.bytes("initiation");
            reserved[2] = 1;
            seed("message_header", "reserved-not-zero", reserved);
        }
    }
}

void inner_packet_seeds() {
    const Bytes v4 = device::make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, as_bytes("ping"));
    seed("inner_packet", "ipv4", v4);
    Bytes padded = v4;
    padded.resize(32, 0);
    seed("inner_packet", "ipv4-padded", padded);
    Bytes v6(40 + 8, 0);
    v6[0] = 0x60;
    v6[5] = 8;     // payload length
    v6[6] = 17;    // UDP
    v6[7] = 64;
    v6[8] = 0x20, v6[9] = 0x01, v6[10] = 0x0d, v6[11] = 0xb8, v6[23] = 1;  // 2001:db8::1
    v6[24] = 0xfe, v6[25] = 0x80, v6[39] = 2;                               // fe80::2
    seed("inner_packet", "ipv6-udp", v6);
    Bytes v6_padded = v6;
    v6_padded.resize(64, 0);
    seed("inner_packet", "ipv6-padded", v6_padded);
}

/// An echo seed: flags (bit 0: IPv6), the host's own address, the packet.
Bytes echo_input(const IpAddress& own, ByteView packet) {
    Bytes input{static_cast<std::uint8_t>(own.is_v6() ? 1 : 0)};
    input.insert(input.end(), own.view().begin(), own.view().end());
    input.insert(input.end(), packet.begin(), packet.end());
    return input;
}

void echo_seeds() {
    const auto a4 = *IpAddress::parse("203.0.113.1"), b4 = *IpAddress::parse("203.0.113.2");
    const auto a6 = *IpAddress::parse("2001:db8::1"), b6 = *IpAddress::parse("2001:db8::2");
    const Bytes request4 = conformance::make_echo_request(a4, b4, {0x1234, 1}, as_bytes("wgconform"));
    seed("echo", "request-ipv4", echo_input(b4, request4));
    seed("echo", "request-ipv6", echo_input(b6, conformance::make_echo_request(a6, b6, {0x1234, 2}, as_bytes("wgconform"))));
    Bytes padded = request4;  // as a tunnel delivers it: padded to 16 bytes (5.4.6), trimmed by the header's length
    padded.resize(padded.size() + 15, 0);
    seed("echo", "request-ipv4-padded", echo_input(b4, padded));
    seed("echo", "reply-ipv4", echo_input(b4, conformance::make_echo_reply(a4, b4, {0x1234, 1}, as_bytes("wgconform"))));
    seed("echo", "request-to-another", echo_input(a4, request4));
}

void device_seeds() {
    const auto& r = fuzz::oracle_cases()[0].record;
    // Replays of the setup's own messages: initiation, response, data both ways.
    for (std::uint64_t k = 0; k < 4; ++k) {
        Script s;
        s.integer(255, 0);   // setting
        s.integer(6, 2);     // replay
        s.integer(255, k);   // wire-log entry (a handful exist)
        s.boolean(true);     // from its original endpoint
        s.integer(3, 0);     // no flips
        s.boolean(false);    // keep mac1
        s.integer(6, 5);     // deliver
        s.integer(2000, 100);
        seed("device", "replay-" + std::to_string(k), s.finish());
    }
    {   // b under load: a mutated initiation with a good mac1 from a stranger
        Script s;
        s.integer(255, 1);
        s.integer(6, 3);
        s.integer(255, 0);
        s.boolean(false);
        s.integer(3, 2);  // stranger
        s.integer(3, 1);
        s.integer(255, 20);
        s.integer(255, 0x5a);
        s.boolean(true);  // fix mac1
        s.integer(6, 5);
        s.integer(2000, 50);
        seed("device", "under-load-initiation", s.finish());
    }
    {   // data both ways with a PSK and keepalives, then time passes (§6)
        Script s;
        s.integer(255, 6);
        s.integer(6, 4);
        s.integer(1, 0);  // from a
        s.string(as_bytes("payload for b"));
        s.boolean(false);  // as an IPv4 payload
        s.integer(6, 5);
        s.integer(2000, 100);
        s.integer(6, 4);
        s.integer(1, 1);  // from b
        s.string(as_bytes("payload for a"));
        s.boolean(false);
        s.integer(6, 6);
        s.integer(300, 130);  // past REKEY_AFTER_TIME
        s.integer(6, 6);
        s.integer(300, 200);  // past REJECT_AFTER_TIME
        seed("device", "data-then-time", s.finish());
    }
    {   // raw datagrams of each type, from a's endpoint and from an IPv6 stranger
        Script s;
        s.integer(255, 0);
        const char* fields[] = {"initiation", "response", "cookie_reply", "transport_message"};
        for (int i = 0; i < 4; ++i) {
            s.integer(6, 0);
            s.integer(3, 1);                        // to b
            s.integer(3, i % 2 == 0 ? 0 : 3);       // from a, or the IPv6 stranger
            s.string(r.bytes(fields[i]));
        }
        seed("device", "raw-messages", s.finish());
    }
    {   // an inner IPv6 packet from a, whole bytes
        Bytes v6(48, 0);
        v6[0] = 0x60, v6[5] = 8, v6[6] = 17, v6[7] = 64;
        v6[8] = 0x20, v6[9] = 0x01, v6[10] = 0x0d, v6[11] = 0xb8, v6[13] = 0x0a, v6[23] = 1;  // 2001:db8:a::1
        v6[24] = 0x20, v6[25] = 0x01, v6[26] = 0x0d, v6[27] = 0xb8, v6[29] = 0x0b, v6[39] = 1;  // 2001:db8:b::1
        Script s;
        s.integer(255, 0);
        s.integer(6, 4);
        s.integer(1, 0);
        s.string(v6);
        s.boolean(true);  // the whole packet
        s.integer(6, 5);
        s.integer(2000, 100);
        seed("device", "inner-ipv6", s.finish());
    }
}

/// Scripts for session.cpp, one feature of the protocol each. Every choice
/// is written as session.cpp reads it (the step's number, then its fields
/// in order); a range of one value reads nothing, so the number of known
/// sessions and logged initiations at that point matters.
class SessionScript {
public:
    explicit SessionScript(std::uint8_t setting) { s_.integer(255, setting); }
    enum Step { kData = 0, kInitiation = 2, kResponse = 3, kCookieReply = 4, kReplay = 5, kSend = 6, kWire = 7, kTime = 8 };
    enum Counter { rewind = 0, jump = 1, reject_after_messages = 2, far_future = 3, window_edge = 4, any = 5, next = 7 };
    /// A data message from host x on the newest of `sessions` known sessions.
    SessionScript& data_message(int x, Counter counter, std::int64_t amount = 0, int sessions = 1, int inner = 2) {
        s_.in_range(0, 9, kData);
        if (sessions > 1) s_.in_range(0, sessions - 1, 0);
        s_.in_range(0, 1, x);
        s_.in_range(0, 7, counter);
        if (counter == rewind) s_.in_range(0, 2 * 8128, amount);
        if (counter == jump) s_.in_range(1, std::int64_t{1} << 20, amount);
        if (counter == reject_after_messages) s_.in_range(0, 3, amount);
        if (counter == far_future) s_.in_range(0, 2, amount);
        if (counter == window_edge) s_.in_range(0, 3, amount);
        s_.in_range(0, 5, inner);  // 0 keepalive, 1 spoofed source, 2 honest
        s_.in_range(0, 5, 5);      // receiver index kept
        s_.in_range(0, 3, 0);      // no change after sealing
        s_.in_range(0, 5, 5);      // from the sender's endpoint
        return *this;
    }
    /// An initiation from host x, timestamp "now", honest MACs (with a cookie if one is held).
    SessionScript& initiation(int x, std::uint8_t ephemeral_fill, std::uint32_t sender) {
        s_.in_range(0, 9, kInitiation);
        s_.in_range(0, 1, x);
        s_.raw(Bytes(32, ephemeral_fill));
        s_.in_range(0, 4, 3);  // now
        s_.in_range(0, 2, 1);  // one whitened step later
        s_.integer(0xffffffff, sender);
        s_.in_range(0, 7, 1);  // the right PSK
        s_.in_range(0, 5, 5);  // from x's endpoint
        s_.in_range(0, 5, 3);  // honest MACs
        s_.in_range(0, 2, 1);  // no field changed
        return *this;
    }
    /// A response, forged as host 1-x would write it, to the one initiation Device x sent.
    SessionScript& response(int x, std::uint8_t ephemeral_fill, std::uint32_t sender) {
        s_.in_range(0, 9, kResponse);
        s_.in_range(0, 1, x);
        s_.raw(Bytes(32, ephemeral_fill));
        s_.integer(0xffffffff, sender);
        s_.in_range(0, 5, 5);  // receiver index kept
        s_.in_range(0, 5, 5);  // from the other host's endpoint
        s_.in_range(0, 5, 3);  // honest MACs
        s_.in_range(0, 2, 1);  // no field changed
        return *this;
    }
    /// A cookie reply to Device x's last handshake message, cookie bytes all `fill`.
    SessionScript& cookie(int x, std::uint8_t fill) {
        s_.in_range(0, 9, kCookieReply);
        s_.in_range(0, 1, x);
        s_.in_range(0, 4, 1);  // answers the right mac1
        s_.raw(Bytes(16, fill));
        s_.integer(255, 7);    // nonce
        s_.in_range(0, 5, 5);
        s_.in_range(0, 3, 1);  // not changed
        s_.in_range(0, 5, 5);
        return *this;
    }
    /// The newest-but-`back` datagram of the wire log (of `logged`), again, with its
    /// field number `field` changed and mac1 recomputed.
    SessionScript& replay(int logged, int back, int to_sender, int field) {
        s_.in_range(0, 9, kReplay);
        s_.in_range(0, logged - 1, back);
        s_.in_range(0, 4, to_sender ? 0 : 1);
        s_.in_range(0, 2, 0);  // change a field
        s_.in_range(0, 4, field);
        s_.in_range(0, 31, 0);
        s_.integer(255, 0x40);
        s_.boolean(true);      // fresh mac1
        s_.boolean(true);      // from its original endpoint
        return *this;
    }
    SessionScript& wire_ms(int ms) {
        s_.in_range(0, 9, kWire);
        s_.in_range(0, 100, ms);
        return *this;
    }
    /// Time passes to `offset_ms` around timer number `timer` of session.cpp's list.
    SessionScript& around_timer(int timer, int offset_ms) {
        s_.in_range(0, 9, kTime);
        s_.in_range(0, 2, 2);
        s_.in_range(0, 9, timer);
        s_.in_range(-1000, 1000, offset_ms);
        return *this;
    }
    SessionScript& send_packet(int x) {
        s_.in_range(0, 9, kSend);
        s_.in_range(0, 1, x);
        s_.in_range(0, 5, 5);
        return *this;
    }
    Bytes finish() const { return s_.finish(); }

private:
    Script s_;
};

/// Stories for batch.cpp, written as it reads them. A batch arriving reads
/// one choice per datagram on the wire to that host, so each `arrive` below
/// names exactly as many as the story has put there.
class BatchScript {
public:
    explicit BatchScript(std::uint8_t setting) { s_.integer(255, setting); }
    enum Twist { as_sent = 0, twice = 4, from_elsewhere = 6, junk_first = 7 };
    /// Host x sends one packet per payload, each to the peer.
    BatchScript& send(int x, const std::vector<std::string>& payloads) {
        s_.in_range(0, 6, 0);
        s_.in_range(0, 1, x);
        s_.in_range(1, 16, static_cast<std::int64_t>(payloads.size()));
        for (const auto& payload : payloads) {
            s_.in_range(0, 3, 0);
            s_.string(as_bytes(payload));
        }
        return *this;
    }
    /// The datagrams on the wire to host x arrive as one batch, each with its twist.
    BatchScript& arrive(int x, const std::vector<Twist>& twists) {
        s_.in_range(0, 6, 2);
        s_.in_range(0, 1, x);
        s_.in_range(1, 16, static_cast<std::int64_t>(twists.size()));
        for (const Twist t : twists) {
            s_.in_range(0, 7, t);
            if (t == from_elsewhere) s_.in_range(0, 3, 3);  // a stranger
            if (t == junk_first) s_.string(as_bytes("not a message"));
        }
        return *this;
    }
    BatchScript& seconds(int n) {
        s_.in_range(0, 6, 5);
        s_.boolean(false);
        s_.in_range(0, 300, n);
        return *this;
    }
    BatchScript& psk(int which, std::uint8_t fill) {
        s_.in_range(0, 6, 6);
        s_.in_range(0, 6, 0);
        s_.in_range(1, 3, which);
        s_.integer(255, fill);
        return *this;
    }
    BatchScript& readd_peer() {
        s_.in_range(0, 6, 6);
        s_.in_range(0, 6, 2);
        return *this;
    }
    BatchScript& new_identity(std::uint8_t fill) {
        s_.in_range(0, 6, 6);
        s_.in_range(0, 6, 3);
        s_.raw(Bytes(32, fill));
        s_.in_range(0, 7, 1);  // a key, not none
        s_.boolean(true);      // b learns it
        return *this;
    }
    Bytes finish() const { return s_.finish(); }

private:
    Script s_;
};

void batch_seeds() {
    using B = BatchScript;
    // Data both ways in batches: one datagram twice (a replay inside the batch), junk among them.
    seed("batch", "data-both-ways",
         B(0).send(0, {"one", "two", "three", "four"})
             .arrive(1, {B::as_sent, B::twice, B::junk_first, B::as_sent})
             .send(1, {"five", "six", "seven"})
             .arrive(0, {B::as_sent, B::as_sent, B::twice})
             .finish());
    // Past REKEY_AFTER_TIME (§6.2): a's next batch carries data and a new
    // initiation; b's response and a's keepalive follow; parallel jobs odd first.
    seed("batch", "rekey-inside-a-batch",
         B(8).seconds(125)
             .send(0, {"after", "two", "minutes"})
             .arrive(1, {B::as_sent, B::as_sent, B::as_sent, B::as_sent})
             .arrive(0, {B::as_sent})
             .arrive(1, {B::as_sent})
             .send(0, {"on the new keys"})
             .arrive(1, {B::twice})
             .finish());
    // Under load from the start (§5.4.7): the first handshake meets a cookie
    // reply; a retries after REKEY_TIMEOUT with mac2.
    seed("batch", "under-load", B(1).arrive(0, {B::as_sent}).seconds(6).arrive(1, {B::as_sent}).arrive(0, {B::as_sent}).finish());
    // Reconfiguration between batches: a PSK on both (§5.2), a removed from b
    // and added again (b's sessions gone), a new identity for a that b learns,
    // then a handshake on a's next packet.
    seed("batch", "reconfigured",
         B(4).psk(3, 9)
             .readd_peer()
             .send(0, {"to a b that forgot us"})
             .arrive(1, {B::as_sent})
             .new_identity(0x31)
             .send(0, {"with a new key"})
             .arrive(1, {B::as_sent})
             .arrive(0, {B::as_sent})
             .arrive(1, {B::as_sent, B::from_elsewhere})
             .finish());
}

/// Scripts for allowed_ips.cpp: a table big enough for its shortcut, then
/// single changes and lookups; and a small mixed IPv4/IPv6 one.
class TableScript {
public:
    TableScript& block(std::uint8_t length, std::uint32_t count, std::uint32_t peers, std::array<std::uint8_t, 4> base) {
        s_.in_range(0, 7, 0);
        s_.in_range(8, 32, length);
        s_.in_range(1, 2048, count);
        s_.in_range(1, 8, peers);
        s_.raw(base);
        return *this;
    }
    TableScript& insert(ByteView address, std::uint8_t length, std::uint32_t peer) {
        s_.in_range(0, 7, 1);
        s_.boolean(address.size() == 4);
        s_.in_range(0, address.size() == 4 ? 32 : 128, length);
        s_.in_range(0, 7, peer);
        s_.raw(address);
        return *this;
    }
    /// Removes the table's `index`-th prefix (of `held`), by its owner.
    TableScript& remove_held(std::uint32_t index, std::uint32_t held) {
        s_.in_range(0, 7, 2);
        s_.in_range(0, held - 1, index);
        s_.boolean(true);
        return *this;
    }
    TableScript& remove_peer(std::uint32_t peer) {
        s_.in_range(0, 7, 4);
        s_.in_range(0, 7, peer);
        return *this;
    }
    TableScript& lookup(ByteView address) {
        s_.in_range(0, 7, 6);
        s_.boolean(address.size() == 4);
        s_.raw(address);
        return *this;
    }
    TableScript& clear() {
        s_.in_range(0, 7, 7);
        return *this;
    }
    Bytes finish() const { return s_.finish(); }

private:
    Script s_;
};

void allowed_ips_seeds() {
    const std::array<std::uint8_t, 4> block_start{203, 0, 113, 0}, inside{203, 1, 7, 9}, covering{203, 0, 0, 0};
    // 600 /24s from 203.0.113.0 (the shortcut appears at 512), a /16 over
    // some of them, lookups, then removals the shortcut must be repaired after.
    seed("allowed_ips", "block-then-repairs",
         TableScript()
             .block(24, 600, 3, block_start)
             .insert(covering, 16, 5)
             .lookup(inside)
             .remove_held(5, 601)
             .remove_held(0, 600)
             .lookup(inside)
             .remove_peer(1)
             .lookup(inside)
             .finish());
    const std::array<std::uint8_t, 16> v6_32{0x20, 0x01, 0x0d, 0xb8}, v6_48{0x20, 0x01, 0x0d, 0xb8, 0, 1},
        v6_host{0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9};
    const std::array<std::uint8_t, 4> any{0, 0, 0, 0}, v4_host{198, 51, 100, 7};
    seed("allowed_ips", "both-families",
         TableScript()
             .insert(v6_32, 32, 1)
             .insert(v6_48, 48, 2)
             .insert(any, 0, 3)
             .lookup(v6_host)
             .lookup(v4_host)
             .remove_held(0, 3)
             .lookup(v4_host)
             .clear()
             .lookup(v6_host)
             .finish());
}

void session_seeds() {
    using S = SessionScript;
    constexpr int kRekeyTimeout = 0, kRekeyAfterTime = 2, kRejectAfterTime = 3, kCookieValidity = 5, kThreeRejects = 7;
    seed("session", "data-both-ways", S(0).data_message(0, S::next).data_message(1, S::next).finish());
    seed("session", "data-replayed", S(0).data_message(0, S::next).data_message(0, S::rewind, 0).data_message(0, S::rewind, 1).finish());
    seed("session", "data-window-edge",
         S(0).data_message(0, S::jump, 9000).data_message(0, S::window_edge, 0).data_message(0, S::window_edge, 2).finish());
    seed("session", "data-counter-limits",
         S(4).data_message(1, S::reject_after_messages, 1).data_message(1, S::far_future, 0).data_message(1, S::next, 0, 1, 0).finish());
    seed("session", "data-spoofed-source", S(0).data_message(0, S::next, 0, 1, 1).finish());
    seed("session", "forged-initiation-then-data",
         S(0).wire_ms(100).initiation(0, 0x21, 0x01020304).wire_ms(50).data_message(0, S::next, 0, 2).wire_ms(50).finish());
    seed("session", "under-load-initiation-with-cookie",
         S(2).initiation(0, 0x22, 0x0a0b0c0d).wire_ms(50).data_message(0, S::next, 0, 2).finish());
    seed("session", "forged-response-then-data",
         S(0).around_timer(kRekeyAfterTime, 500).send_packet(0).response(0, 0x23, 0x11223344).wire_ms(50)
             .data_message(1, S::next, 0, 3).finish());
    seed("session", "cookie-reply-then-retry",
         S(1).around_timer(kRejectAfterTime, 10).send_packet(0).cookie(0, 0x5c).around_timer(kRekeyTimeout, 400).finish());
    seed("session", "time-past-reject",
         S(0).data_message(0, S::next).around_timer(kRejectAfterTime, 1).data_message(0, S::next).around_timer(kThreeRejects, 1000)
             .data_message(1, S::next).finish());
    seed("session", "cookie-expired-under-load",
         S(3).around_timer(kCookieValidity, 100).send_packet(1).wire_ms(100).around_timer(kRekeyTimeout, 500).finish());
    seed("session", "replayed-initiation-new-index", S(0).replay(5, 4, 0, 0).wire_ms(50).finish());
}

std::string hex_key(std::uint8_t fill) { return to_hex(Bytes(32, fill)); }

void text_seeds() {
    const auto& c = fuzz::oracle_cases()[1];  // case 2 has a PSK
    const std::string private_b64 = crypto::key_to_base64(c.initiator.private_key.view());
    const std::string public_b64 = crypto::key_to_base64(c.responder.public_key);
    const std::string psk_b64 = crypto::key_to_base64(c.psk.view());

    seed("uapi", "get", "get=1\n\n");
    seed("uapi", "set-interface", "set=1\nprivate_key=" + to_hex(c.initiator.private_key.view()) +
                                      "\nlisten_port=51820\nfwmark=0\n\n");
    seed("uapi", "set-peer", "set=1\nreplace_peers=true\npublic_key=" + to_hex(c.responder.public_key) +
                                 "\npreshared_key=" + to_hex(c.psk.view()) +
                                 "\nendpoint=[2001:db8::1]:51820\npersistent_keepalive_interval=25\n"
                                 "replace_allowed_ips=true\nallowed_ip=203.0.113.0/24\nallowed_ip=2001:db8::/32\n"
                                 "protocol_version=1\n\n");
    seed("uapi", "update-and-remove", "set=1\npublic_key=" + hex_key(0x22) + "\nupdate_only=true\nendpoint=192.0.2.7:9\n"
                                      "public_key=" + hex_key(0x22) + "\nremove=true\n\n");
    // A peer key of order 8 (on the list of keys to reject at
    // cr.yp.to/ecdh.html): every Diffie-Hellman with it is all zeros (RFC 7748
    // §6.1), so its initiation must never be sent. With an endpoint and a route.
    seed("uapi", "low-order-peer", "set=1\npublic_key=e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800"
                                   "\nendpoint=192.0.2.9:51820\nallowed_ip=198.51.100.0/24\n\n");
    seed("uapi", "bad-line", "set=1\nlisten_port=1000\nprivate_key=" + hex_key(0x11).substr(1) + "\n\n");
    // A first line longer than any valid one: refused as a whole request,
    // not as a line of a set (what this target found on 3 December 2026).
    seed("uapi", "long-first-line", std::string(1100, 'x'));

    seed("config_file", "interface-and-peer",
         "# a comment\n[Interface]\nPrivateKey = " + private_b64 + "\nListenPort = 51820\nFwMark = off\n\n[Peer]\n"
         "PublicKey = " + public_b64 + "\nPresharedKey = " + psk_b64 +
         "\nAllowedIPs = 203.0.113.0/24, 2001:db8::/32 , 198.51.100.7\nEndpoint = 192.0.2.2:51820\n"
         "PersistentKeepalive = 25\n");
    seed("config_file", "two-peers", "[Interface]\nPrivateKey = " + private_b64 + "\n[Peer]\nPublicKey = " + public_b64 +
                                         "\nAllowedIPs = 0.0.0.0/0, ::/0\nEndpoint = [2001:db8::2]:51820\n"
                                         "[peer]\npublickey = " + crypto::key_to_base64(Bytes(32, 0x22)) +
                                         "\nallowedips = 10.0.0.0/8\npersistentkeepalive = off\n");
    seed("config_file", "bad-key", "[Interface]\nPrivateKey = " + private_b64.substr(0, 43) + "A\n");

    seed("key_text", "private", private_b64);
    seed("key_text", "public", public_b64);
    seed("key_text", "zeros", crypto::key_to_base64(Bytes(32, 0)));
    seed("key_text", "not-canonical", public_b64.substr(0, 42) + "B=");

    for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
             {"ipv4-24", "192.0.2.0/24"}, {"ipv4-host", "203.0.113.7"}, {"ipv4-any", "0.0.0.0/0"},
             {"ipv6-32", "2001:db8::/32"}, {"ipv6-mapped", "::ffff:192.0.2.1/128"}, {"host-bits", "10.1.2.3/8"}}) {
        seed("ip_prefix", name, text);
    }
    for (const auto& [name, text] : std::vector<std::pair<std::string, std::string>>{
             {"ipv4", "192.0.2.1:51820"}, {"ipv6", "[2001:db8::1]:51820"}, {"ipv6-scoped", "[fe80::1%1]:1"},
             {"ipv6-mapped", "[::ffff:1.2.3.4]:65535"}, {"no-port", "192.0.2.1"}}) {
        seed("endpoint", name, text);
    }
}

void keylog_seeds() {
    const auto& cases = fuzz::oracle_cases();
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& c = cases[i];
        const auto& r = c.record;
        const std::string psk = c.psk.is_zero() ? "" : "PRESHARED_KEY = " + crypto::key_to_base64(c.psk.view()) + "\n";
        seed("keylog", "oracle-initiator-case" + std::to_string(i + 1),
             "LOCAL_STATIC_PRIVATE_KEY = " + crypto::key_to_base64(c.initiator.private_key.view()) +
                 "\nREMOTE_STATIC_PUBLIC_KEY = " + crypto::key_to_base64(c.responder.public_key) +
                 "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + crypto::key_to_base64(r.bytes("initiator_ephemeral_private")) +
                 "\n" + psk);
        seed("keylog", "oracle-responder-case" + std::to_string(i + 1),
             "LOCAL_STATIC_PRIVATE_KEY = " + crypto::key_to_base64(c.responder.private_key.view()) +
                 "\nREMOTE_STATIC_PUBLIC_KEY = " + crypto::key_to_base64(c.initiator.public_key) +
                 "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + crypto::key_to_base64(r.bytes("responder_ephemeral_private")) +
                 "\n" + psk);
    }
    seed("keylog", "wgref-wireguard-go", read_text(WGREF_SOURCE_DIR "/pcaps/wgref-wireguard-go.keylog"));
}

void capture_seeds() {
    const fs::path pcaps = WGREF_SOURCE_DIR "/pcaps";
    for (const char* name : {"wgref-wireguard-go.pcap", "wgref-linux.pcap", "malformed.pcap"}) {
        seed("pcap", name, as_bytes(read_text(pcaps / name)));
    }
    // The oracle's messages as a raw-IP capture, IPv4 and IPv6.
    const auto& r = fuzz::oracle_cases()[0].record;
    std::vector<conformance::captures::CapturedDatagram> datagrams;
    for (const char* field : {"initiation", "response", "cookie_reply", "transport_message"}) {
        conformance::captures::CapturedDatagram d;
        const bool v6 = datagrams.size() % 2 == 1;
        d.source = *Endpoint::parse(v6 ? "[2001:db8::1]:51820" : "192.0.2.1:51820");
        d.destination = *Endpoint::parse(v6 ? "[2001:db8::2]:51821" : "192.0.2.2:51821");
        d.payload = r.bytes(field);
        datagrams.push_back(d);
    }
    const fs::path raw = fs::temp_directory_path() / "wgref-fuzz-seed.pcap";
    if (const auto error = conformance::captures::write_capture(raw, datagrams); !error.empty()) {
        std::cerr << error << "\n";
        std::exit(1);
    }
    seed("pcap", "oracle-raw-ip.pcap", as_bytes(read_text(raw)));

    // Frames for parse_frame, each after its link-type selector byte
    // (0 Ethernet, 1 Linux SLL, 3 raw IP: see pcap_frame.cpp).
    auto frames_of = [](const fs::path& path, std::size_t limit) {
        std::vector<Bytes> frames;
        char error[PCAP_ERRBUF_SIZE] = {};
        pcap_t* p = pcap_open_offline(path.c_str(), error);
        if (!p) return frames;
        pcap_pkthdr* header = nullptr;
        const u_char* bytes = nullptr;
        while (frames.size() < limit && pcap_next_ex(p, &header, &bytes) == 1) frames.emplace_back(bytes, bytes + header->caplen);
        pcap_close(p);
        return frames;
    };
    const auto ethernet = frames_of(pcaps / "wgref-wireguard-go.pcap", 2);
    for (std::size_t i = 0; i < ethernet.size(); ++i) seed("pcap_frame", "ethernet-" + std::to_string(i), with_control(0, ethernet[i]));
    const auto raw_frames = frames_of(raw, 2);
    for (std::size_t i = 0; i < raw_frames.size(); ++i) {
        seed("pcap_frame", "raw-ip-" + std::to_string(i), with_control(3, raw_frames[i]));
        Bytes sll(16, 0);
        sll[14] = i == 0 ? 0x08 : 0x86, sll[15] = i == 0 ? 0x00 : 0xdd;  // protocol: IPv4, IPv6
        sll.insert(sll.end(), raw_frames[i].begin(), raw_frames[i].end());
        seed("pcap_frame", "linux-sll-" + std::to_string(i), with_control(1, sll));
    }
    fs::remove(raw);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: wgref_fuzz_seeds CORPUS_DIR\n";
        return 2;
    }
    corpus = argv[1];
    message_seeds();
    inner_packet_seeds();
    echo_seeds();
    device_seeds();
    session_seeds();
    batch_seeds();
    allowed_ips_seeds();
    text_seeds();
    keylog_seeds();
    capture_seeds();
    return 0;
}
