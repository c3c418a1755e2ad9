// SPDX-License-Identifier: MIT
// Behind authentication (paper §5.4.6 replay window, §5.4.7 cookies, §6 key
// rotation, §3 cryptokey routing, §2.1 roaming): two Devices, a and b, with a
// real session, and a script that builds VALID messages and then changes one
// typed field at a time, so the Devices are exercised past every cheap check.
// Random bytes almost never get past a Poly1305 tag; these messages do, and
// then only the protocol's state (window, key slots, timestamps, cookies)
// decides.
//
// How the script can build valid messages with only the public API: every
// initiation a Device answers is replayed through handshake/ with the
// responder's private key and the ephemeral key it drew (the Devices'
// on_handshake_secrets hook, as for --keylog), which yields the very
// response it sent (checked) and so the session's transport keys. With them
// the script seals data messages of its choosing (transport/), and with the
// hosts' static keys it writes its own initiations, responses (handshake/)
// and cookie replies (cookie/), and reads the cookies the Devices hand out.
//
// A script is a list of steps (FuzzedDataProvider: choices from the back,
// key and cookie bytes from the front):
//   - a data message on a known session, either way: counter next, rewound,
//     jumped, far future (REJECT_AFTER_MESSAGES), at the window's edge, or any;
//     receiver index kept, another session's, the wrong direction's, or
//     random; then truncated, padded, a byte of ciphertext or tag flipped, or
//     the counter rewritten after sealing; inner packet honest, spoofed
//     source, or a keepalive; from the peer's endpoint or a stranger's
//   - an initiation written with a host's static key: ephemeral, timestamp
//     (current, zero, far future, any), sender index chosen; mac1 recomputed
//     or not, mac2 from a cookie the script holds, none, or broken
//   - a response to an initiation a Device sent, or a cookie reply to its
//     last handshake message, with fields changed the same way
//   - a message from the wire log replayed with one typed field changed,
//     mac1 optionally recomputed so the change reaches the Noise work
//   - a Device sending a packet; time passing by chosen amounts, or to just
//     before or after a timer of §6
// The first choice is the setting: a and/or b always under load (every
// handshake to it needs a cookie), a pre-shared key.
//
// Checked on every packet a Device hands its interface: it is a packet that
// was sent through the tunnel to that host, its source is in the peer's
// allowed IPs (§3), and no (receiver index, counter) is delivered twice
// (§5.4.6). At the end, with the endpoints put back as an administrator
// would: a fresh packet still gets through each way, with a new handshake
// if need be (§6), unless the script legitimately ended that by getting a
// forged timestamp from the future accepted (§5.1; it held the private key).
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <set>

#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "forge.hpp"
#include "fuzz_support.hpp"
#include "handshake/noise.hpp"
#include "transport/data_message.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr int kMaxSteps = 48;
constexpr std::size_t kMaxLog = 64, kMaxSessions = 8, kMaxCookies = 8;
constexpr Duration kWireDelay = 10ms;
constexpr PeerId kPeer{1};  // each Device's only peer

/// A session the script can speak either way (host 0 is a, host 1 is b).
struct Session {
    std::array<crypto::SymmetricKey, 2> key;    ///< key[x]: what host x seals with
    std::array<std::uint32_t, 2> index_at{};    ///< index_at[x]: the receiver index of messages to x
    std::array<std::uint64_t, 2> high{};        ///< the highest counter sent so far by x
};

/// A cookie a Device handed out (§5.4.7): valid for mac2 of messages to
/// `responder` from `source`.
struct HeldCookie {
    int responder;
    Endpoint source;
    crypto::Mac cookie;
};

struct Sent {
    Endpoint from, to;
    Bytes bytes;
};

/// The directory handshake::consume_initiation asks: one known initiator.
class OnePeer final : public handshake::PeerDirectory {
public:
    OnePeer(const crypto::PublicKey& key, const crypto::SymmetricKey& psk) {
        peer_.public_key = key;
        peer_.preshared_key = psk;
    }
    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& key) const override {
        if (key != peer_.public_key) return std::nullopt;
        return handshake::KnownPeer{&peer_, crypto::Tai64n{}};
    }

private:
    handshake::RemotePeer peer_;
};

struct Host {
    handshake::StaticIdentity identity;
    std::unique_ptr<Device> device;
    Endpoint endpoint;
    std::array<std::uint8_t, 4> tunnel{};
    crypto::PrivateKey last_ephemeral;                  ///< from on_handshake_secrets
    std::set<Bytes> sent_to;                            ///< every inner packet sent through the tunnel to this host
    std::set<std::pair<std::uint32_t, std::uint64_t>> delivered_counters;
    std::set<Bytes> delivered;
};

const std::array<Endpoint, 2> kStrangers{Endpoint{IpAddress::v4({198, 51, 100, 50}), 9999},
                                         *Endpoint::parse("[2001:db8::99]:4242")};

/// Two Devices on a private wire that delivers every datagram after kWireDelay,
/// in order, and the harness's memory of what crossed it.
class Tunnel {
public:
    explicit Tunnel(std::uint8_t setting) {
        if (setting & 4) psk_.data()[0] = 0x42;
        for (int x = 0; x < 2; ++x) {
            Host& h = host[x];
            std::array<std::uint8_t, crypto::kKeySize> random{};
            random.fill(static_cast<std::uint8_t>(0x31 + x));
            h.identity = handshake::StaticIdentity::from_private_key(crypto::make_private_key(random));
            DeviceOptions options;
            if (setting & (1 << x)) options.load_threshold = 1;  // always under load
            options.on_handshake_secrets = [this, x](const HandshakeSecrets& s) { host[x].last_ephemeral = s.local_ephemeral; };
            h.device = std::make_unique<Device>(h.identity.private_key, rng_, options);
            h.endpoint = Endpoint{IpAddress::v4({192, 0, 2, static_cast<std::uint8_t>(x + 1)}), 51820};
            h.tunnel = {203, 0, 113, static_cast<std::uint8_t>(x + 1)};
        }
        for (int x = 0; x < 2; ++x) {
            PeerConfig peer;
            peer.public_key = host[1 - x].identity.public_key;
            peer.preshared_key = psk_;
            peer.allowed_ips.push_back(IpPrefix::make(IpAddress::v4(host[1 - x].tunnel), 32));
            if (x == 0) peer.endpoint = host[1].endpoint;  // b learns a's from the handshake
            expect_peer(host[x].device->set_peer(peer));
        }
        // The real session: a speaks first (a handshake, with a cookie round
        // first if b is under load), then b answers with its own packet.
        const Duration settle = (setting & 3) ? 12s : 1s;
        send(0, packet(0, true));
        run_for(settle);
        send(1, packet(1, true));
        run_for(settle);
    }

    std::array<Host, 2> host;
    std::deque<Sent> wire_log;        ///< the latest kMaxLog datagrams sent by the Devices
    std::deque<Session> sessions;     ///< the latest kMaxSessions sessions, newest last
    std::deque<HeldCookie> cookies;
    const crypto::SymmetricKey& psk() const { return psk_; }
    Time now() const { return now_; }
    bool answered() const { return answered_; }

    /// An inner IPv4 packet from host x to the other, unique (a serial in its
    /// payload); `honest`: its source is x's tunnel address, else one outside
    /// x's allowed IPs. Recorded as sent to the other host.
    Bytes packet(int x, bool honest) {
        const std::string payload = "session fuzz packet " + std::to_string(++serial_);
        const std::array<std::uint8_t, 4> source = honest ? host[x].tunnel : std::array<std::uint8_t, 4>{203, 0, 113, 99};
        Bytes p = make_ipv4_packet(source, host[1 - x].tunnel, as_bytes(payload));
        host[1 - x].sent_to.insert(p);
        return p;
    }

    void send(int x, ByteView inner) {
        Outbox out;
        host[x].device->send_packet(inner, now_, out);
        handle(x, out, {});
    }

    void deliver(int to, const Endpoint& from, ByteView datagram) {
        Outbox out;
        host[to].device->receive_datagram(from, datagram, now_, out);
        handle(to, out, datagram);
    }

    void run_for(Duration d) {
        const Time until = now_ + d;
        for (int steps = 0;; ++steps) {
            fuzz::expect(steps < 100000, "the Devices' timers settle: advance() makes progress (6)");
            std::optional<Time> next;
            if (!in_flight_.empty()) next = in_flight_.front().arrival;
            for (const Host& h : host) {
                const auto deadline = h.device->next_deadline();
                if (deadline && (!next || *deadline < *next)) next = deadline;
            }
            if (!next || *next > until) break;
            now_ = std::max(now_, *next);
            if (!in_flight_.empty() && in_flight_.front().arrival <= now_) {
                const InFlight f = std::move(in_flight_.front());
                in_flight_.pop_front();
                deliver(f.to, f.from, f.bytes);
                continue;
            }
            for (int x = 0; x < 2; ++x) {
                Outbox out;
                host[x].device->advance(now_, out);
                handle(x, out, {});
            }
        }
        now_ = std::max(now_, until);
    }

    /// The session the script made with a forged response a Device accepted.
    void add_session(int initiator, const handshake::TransportKeys& responder_keys) {
        const int responder = 1 - initiator;
        Session s;
        s.key[initiator] = responder_keys.receiving;
        s.key[responder] = responder_keys.sending;
        s.index_at[initiator] = responder_keys.remote_index;
        s.index_at[responder] = responder_keys.local_index;
        sessions.push_back(s);
        if (sessions.size() > kMaxSessions) sessions.pop_front();
    }

    /// What the script reached (WGREF_FUZZ_TRACE=1, to check a seed does what it says).
    void trace(std::FILE* f) const {
        std::fprintf(f, "sessions known %zu, cookies held %zu\n", sessions.size(), cookies.size());
        for (int x = 0; x < 2; ++x) {
            std::fprintf(f, "%c: delivered %zu, handshakes %llu, cookies sent %llu, drops:", "ab"[x], host[x].delivered.size(),
                         static_cast<unsigned long long>(host[x].device->peer_stats(kPeer).handshakes_completed),
                         static_cast<unsigned long long>(host[x].device->cookies_sent()));
            for (std::size_t r = 0; r < kDropReasonCount; ++r) {
                if (const auto n = host[x].device->drops(static_cast<DropReason>(r))) {
                    std::fprintf(f, " %s %llu", std::string(to_string(static_cast<DropReason>(r))).c_str(), static_cast<unsigned long long>(n));
                }
            }
            std::fprintf(f, "\n");
        }
    }

    std::optional<crypto::Mac> cookie_for(int responder, const Endpoint& source) const {
        for (auto it = cookies.rbegin(); it != cookies.rend(); ++it) {
            if (it->responder == responder && it->source == source) return it->cookie;
        }
        return std::nullopt;
    }

private:
    struct InFlight {
        Time arrival;
        int to;
        Endpoint from;
        Bytes bytes;
    };

    static void expect_peer(PeerId id) { fuzz::expect(id == kPeer, "the only peer is peer 1"); }

    /// What host `who` did on one input (`incoming`: the datagram it
    /// received, if that was the input): check what reached its interface,
    /// learn keys and cookies, and put datagrams on the wire.
    void handle(int who, Outbox& out, ByteView incoming) {
        Host& h = host[who];
        answered_ = false;
        for (const Bytes& inner : out.to_interface()) {
            const auto data = wire::DataMessage::parse(incoming);
            fuzz::expect(data.has_value(), "only a data message hands a packet to the interface (5.4.6)");
            fuzz::expect(h.sent_to.count(inner) == 1, "a delivered packet was sent through the tunnel to this host");
            fuzz::expect(h.device->allowed_ips().lookup_packet_source(inner) == kPeer,
                         "a delivered packet's source is in the sending peer's allowed IPs (3)");
            fuzz::expect(h.delivered_counters.insert({data->receiver(), data->counter()}).second,
                         "a counter is delivered at most once per session (5.4.6)");
            h.delivered.insert(inner);
        }
        for (const Datagram& d : out.datagrams()) {
            if (const auto response = wire::ResponseMessage::parse(d.bytes)) {
                if (const auto initiation = wire::InitiationMessage::parse(incoming)) {
                    learn_session(who, *initiation, *response);
                    answered_ = true;
                }
            }
            if (const auto reply = wire::CookieReplyMessage::parse(d.bytes); reply && !incoming.empty()) {
                learn_cookie(who, incoming, *reply, d.to);
            }
            if (const auto data = wire::DataMessage::parse(d.bytes)) {
                for (Session& s : sessions) {
                    if (s.index_at[1 - who] == data->receiver()) s.high[who] = std::max(s.high[who], data->counter());
                }
            }
            wire_log.push_back({h.endpoint, d.to, d.bytes});
            if (wire_log.size() > kMaxLog) wire_log.pop_front();
            for (int to = 0; to < 2; ++to) {
                if (to != who && d.to == host[to].endpoint) in_flight_.push_back({now_ + kWireDelay, to, h.endpoint, d.bytes});
            }
        }
        out.clear();
    }

    /// Host r answered an initiation: do the same with handshake/, with r's
    /// keys and the ephemeral it drew, and keep the session's keys.
    void learn_session(int r, const wire::InitiationMessage& initiation, const wire::ResponseMessage& response) {
        const OnePeer directory(host[1 - r].identity.public_key, psk_);
        const auto consumed = handshake::consume_initiation(initiation, host[r].identity, directory);
        fuzz::expect(static_cast<bool>(consumed), "an initiation a Device answered is one the handshake accepts (5.4.2)");
        handshake::ResponseParameters params;
        params.ephemeral_private = host[r].last_ephemeral;
        params.sender_index = response.sender();
        std::array<std::uint8_t, wire::Response::kSize> mine{};
        const auto keys = handshake::create_response(consumed.value(), params, mine);
        fuzz::expect(keys.has_value(), "the answered initiation yields keys (5.4.5)");
        const auto before_macs = wire::Response::mac1.offset;
        fuzz::expect(std::equal(mine.begin(), mine.begin() + before_macs, response.bytes().begin()),
                     "a Device's response is the handshake's response to that initiation (5.4.3)");
        add_session(1 - r, *keys);
    }

    /// Host r sent a cookie reply to `answered`: open it as its sender would.
    void learn_cookie(int r, ByteView answered, const wire::CookieReplyMessage& reply, const Endpoint& to) {
        std::uint32_t sender = 0;
        if (const auto i = wire::InitiationMessage::parse(answered)) sender = i->sender();
        if (const auto s = wire::ResponseMessage::parse(answered)) sender = s->sender();
        const auto cookie = cookie::consume_cookie_reply(reply, sender, cookie::MacKeys::of(host[r].identity.public_key).cookie_key,
                                                         cookie::mac1_of(answered));
        fuzz::expect(static_cast<bool>(cookie), "a cookie reply opens with the answered message's index and mac1 (5.4.7)");
        cookies.push_back({r, to, cookie.value()});
        if (cookies.size() > kMaxCookies) cookies.pop_front();
    }

    SeededRng rng_{7};
    crypto::SymmetricKey psk_;
    std::deque<InFlight> in_flight_;
    Time now_{0};
    std::uint64_t serial_ = 0;
    bool answered_ = false;
};

// ---- the script's steps ------------------------------------------------------

Endpoint pick_source(Tunnel& t, FuzzedDataProvider& in, int x) {
    // Mostly the real sender; sometimes the other host or a stranger (roaming, §2.1).
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: return kStrangers[0];
        case 1: return kStrangers[1];
        case 2: return t.host[1 - x].endpoint;
        default: return t.host[x].endpoint;
    }
}

std::uint32_t pick_index(Tunnel& t, FuzzedDataProvider& in, std::uint32_t honest) {
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: return in.ConsumeIntegral<std::uint32_t>();  // random
        case 1:                                              // another (maybe stale) session's, either side
            if (!t.sessions.empty()) {
                const Session& s = t.sessions[in.ConsumeIntegralInRange<std::size_t>(0, t.sessions.size() - 1)];
                return s.index_at[in.ConsumeIntegralInRange(0, 1)];
            }
            return honest;
        case 2: return honest ^ 1;
        default: return honest;
    }
}

crypto::PrivateKey ephemeral_from(FuzzedDataProvider& in) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    const auto bytes = in.ConsumeBytes<std::uint8_t>(random.size());
    std::copy(bytes.begin(), bytes.end(), random.begin());
    random[31] ^= 0x5a;  // never all zeros, even when the input has run out
    return crypto::make_private_key(random);
}

/// mac1 and mac2 of a handshake message to host `to` from `from` (§5.4.4):
/// honest (with the cookie we hold, if any), without mac2, with mac2 broken,
/// or mac1 left as the handshake wrote it (zero).
void apply_macs(Tunnel& t, FuzzedDataProvider& in, MutableByteView message, int to, const Endpoint& from) {
    const auto mac1_key = cookie::MacKeys::of(t.host[to].identity.public_key).mac1_key;
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: cookie::add_macs(message, mac1_key, std::nullopt); break;
        case 1: {
            cookie::add_macs(message, mac1_key, t.cookie_for(to, from));
            wire::mac2_field(message.size()).in(message)[in.ConsumeIntegralInRange(0, 15)] ^= 0x80;
            break;
        }
        case 2: break;  // no mac1 at all: silence (5.4.4)
        default: cookie::add_macs(message, mac1_key, t.cookie_for(to, from)); break;
    }
}

/// Then maybe a byte of a chosen field flipped, and mac1 recomputed or not.
void flip_field(Tunnel& t, FuzzedDataProvider& in, MutableByteView message, int to, const std::vector<wire::Field>& fields) {
    if (in.ConsumeIntegralInRange(0, 2) != 0) return;
    const wire::Field f = fields[in.ConsumeIntegralInRange<std::size_t>(0, fields.size() - 1)];
    if (f.end() > message.size() || f.size == 0) return;
    f.in(message)[in.ConsumeIntegralInRange<std::size_t>(0, f.size - 1)] ^= std::max<std::uint8_t>(1, in.ConsumeIntegral<std::uint8_t>());
    if (in.ConsumeBool()) test::refresh_mac1(message, cookie::MacKeys::of(t.host[to].identity.public_key).mac1_key);
}

/// A data message sealed with a known session's keys, then changed (5.4.6).
void data_step(Tunnel& t, FuzzedDataProvider& in) {
    if (t.sessions.empty()) return;
    Session& s = t.sessions[t.sessions.size() - 1 - in.ConsumeIntegralInRange<std::size_t>(0, t.sessions.size() - 1)];
    const int x = in.ConsumeIntegralInRange(0, 1), y = 1 - x;
    std::uint64_t& high = s.high[x];
    std::uint64_t counter = high + 1;
    constexpr std::uint64_t window = wire::kCounterWindowSize;
    switch (in.ConsumeIntegralInRange(0, 7)) {
        case 0: counter = high - std::min(high, in.ConsumeIntegralInRange<std::uint64_t>(0, 2 * window)); break;  // rewind
        case 1: counter = high + in.ConsumeIntegralInRange<std::uint64_t>(1, std::uint64_t{1} << 20); break;       // jump
        case 2: counter = wire::kRejectAfterMessages - 2 + in.ConsumeIntegralInRange<std::uint64_t>(0, 3); break;  // the end
        case 3: counter = ~std::uint64_t{0} - in.ConsumeIntegralInRange<std::uint64_t>(0, 2); break;             // far future
        case 4: {  // at the window's lower edge
            const std::uint64_t back = window + 1 - in.ConsumeIntegralInRange<std::uint64_t>(0, 3);
            counter = high >= back ? high - back : 0;
            break;
        }
        case 5: counter = in.ConsumeIntegral<std::uint64_t>(); break;
        default: break;  // the next one
    }
    high = std::max(high, counter);

    Bytes inner;
    switch (in.ConsumeIntegralInRange(0, 5)) {
        case 0: break;  // a keepalive (6.5)
        case 1: inner = t.packet(x, false); break;
        default: inner = t.packet(x, true); break;
    }
    const std::size_t padded = transport::padded_length(inner.size(), wire::kDefaultMtu);
    Bytes message(wire::TransportData::size_for(padded));
    transport::seal_data_message(s.key[x], pick_index(t, in, s.index_at[y]), counter, inner, padded, message);
    for (int changes = in.ConsumeIntegralInRange(0, 3); changes > 0; --changes) {
        switch (in.ConsumeIntegralInRange(0, 7)) {
            case 0:  // truncate
                if (!message.empty()) message.resize(in.ConsumeIntegralInRange<std::size_t>(0, message.size() - 1));
                break;
            case 1: message.resize(message.size() + in.ConsumeIntegralInRange<std::size_t>(1, 64), in.ConsumeIntegral<std::uint8_t>()); break;
            case 2:  // the counter rewritten after sealing: the nonce no longer matches
                if (message.size() >= wire::TransportData::kHeaderSize) {
                    store_le64(message.data() + wire::TransportData::counter.offset, counter + in.ConsumeIntegralInRange<std::uint64_t>(1, 2 * window));
                }
                break;
            case 3:  // the type word
                if (!message.empty()) message[in.ConsumeIntegralInRange<std::size_t>(0, std::min<std::size_t>(3, message.size() - 1))] ^= 1;
                break;
            default:  // a byte of ciphertext or tag
                if (message.size() > wire::TransportData::kHeaderSize) {
                    message[in.ConsumeIntegralInRange<std::size_t>(wire::TransportData::kHeaderSize, message.size() - 1)] ^=
                        std::max<std::uint8_t>(1, in.ConsumeIntegral<std::uint8_t>());
                }
                break;
        }
    }
    t.deliver(y, pick_source(t, in, x), message);
}

/// An initiation from host x to y written with x's static key (5.4.2).
/// Returns true if y answered one whose timestamp lies in x's future.
bool initiation_step(Tunnel& t, FuzzedDataProvider& in) {
    const int x = in.ConsumeIntegralInRange(0, 1), y = 1 - x;
    handshake::InitiationParameters params;
    params.ephemeral_private = ephemeral_from(in);
    const Duration wall = DeviceOptions{}.unix_time_at_origin + t.now();
    bool from_the_future = false;
    switch (in.ConsumeIntegralInRange(0, 4)) {
        case 0: params.timestamp = crypto::Tai64n{}; break;  // older than any: a replay (5.1)
        case 1:
            params.timestamp = crypto::Tai64n::from_unix(in.ConsumeIntegral<std::uint64_t>(), in.ConsumeIntegral<std::uint32_t>());
            from_the_future = true;
            break;
        case 2:
            params.timestamp = crypto::Tai64n::for_initiation(wall + std::chrono::hours(in.ConsumeIntegralInRange(1, 1 << 20)));
            from_the_future = true;
            break;
        default: {  // now: newer than x's last only if x has not initiated in this 2^24 ns step
            params.timestamp = crypto::Tai64n::for_initiation(wall);
            for (int steps = in.ConsumeIntegralInRange(0, 2); steps > 0; --steps) params.timestamp = params.timestamp.next_whitened();
            break;
        }
    }
    params.sender_index = in.ConsumeIntegral<std::uint32_t>();
    handshake::RemotePeer peer;
    peer.public_key = t.host[y].identity.public_key;
    peer.preshared_key = t.psk();
    if (in.ConsumeIntegralInRange(0, 7) == 0) peer.preshared_key.data()[1] ^= 1;  // the wrong PSK
    std::array<std::uint8_t, wire::Initiation::kSize> message{};
    if (!handshake::InitiatorHandshake::create_initiation(t.host[x].identity, peer, params, message)) return false;
    const Endpoint from = pick_source(t, in, x);
    apply_macs(t, in, message, y, from);
    using I = wire::Initiation;
    flip_field(t, in, message, y, {I::sender, I::ephemeral, I::encrypted_static, I::encrypted_timestamp, I::mac1, I::mac2, wire::kTypeWord});
    t.deliver(y, from, message);
    return from_the_future && t.answered();
}

/// A response to the latest (or an earlier) initiation Device x sent, written
/// as y would with y's static key (5.4.3); if x takes it, the script knows the keys.
void response_step(Tunnel& t, FuzzedDataProvider& in) {
    const int x = in.ConsumeIntegralInRange(0, 1), y = 1 - x;
    std::vector<const Sent*> initiations;
    for (const Sent& s : t.wire_log) {
        if (s.from == t.host[x].endpoint && wire::InitiationMessage::parse(s.bytes)) initiations.push_back(&s);
    }
    if (initiations.empty()) return;
    const Bytes sent = initiations[initiations.size() - 1 - in.ConsumeIntegralInRange<std::size_t>(0, initiations.size() - 1)]->bytes;
    const OnePeer directory(t.host[x].identity.public_key, t.psk());
    const auto consumed = handshake::consume_initiation(*wire::InitiationMessage::parse(sent), t.host[y].identity, directory);
    if (!consumed) return;
    handshake::ResponseParameters params;
    params.ephemeral_private = ephemeral_from(in);
    params.sender_index = in.ConsumeIntegral<std::uint32_t>();
    std::array<std::uint8_t, wire::Response::kSize> message{};
    const auto keys = handshake::create_response(consumed.value(), params, message);
    if (!keys) return;
    using R = wire::Response;
    store_le32(R::receiver.in(message).data(), pick_index(t, in, keys->remote_index));
    const Endpoint from = pick_source(t, in, y);
    apply_macs(t, in, message, x, from);
    flip_field(t, in, message, x, {R::sender, R::receiver, R::ephemeral, R::encrypted_nothing, R::mac1, R::mac2});
    const auto completed_before = t.host[x].device->peer_stats(kPeer).handshakes_completed;
    t.deliver(x, from, message);
    if (t.host[x].device->peer_stats(kPeer).handshakes_completed != completed_before) t.add_session(x, *keys);
}

/// A cookie reply to the last handshake message Device x sent, as y would
/// make it, the cookie itself chosen by the script (5.4.7).
void cookie_step(Tunnel& t, FuzzedDataProvider& in) {
    const int x = in.ConsumeIntegralInRange(0, 1), y = 1 - x;
    const Sent* last = nullptr;
    for (const Sent& s : t.wire_log) {
        if (s.from == t.host[x].endpoint && (wire::InitiationMessage::parse(s.bytes) || wire::ResponseMessage::parse(s.bytes))) last = &s;
    }
    if (!last) return;
    const auto initiation = wire::InitiationMessage::parse(last->bytes);
    const std::uint32_t sender = initiation ? initiation->sender() : wire::ResponseMessage::parse(last->bytes)->sender();
    crypto::Mac answered = cookie::mac1_of(last->bytes);
    if (in.ConsumeIntegralInRange(0, 4) == 0) answered[in.ConsumeIntegralInRange(0, 15)] ^= 1;
    crypto::Mac cookie{};
    crypto::XNonce nonce{};
    const auto cookie_bytes = in.ConsumeBytes<std::uint8_t>(cookie.size());
    std::copy(cookie_bytes.begin(), cookie_bytes.end(), cookie.begin());
    nonce[0] = in.ConsumeIntegral<std::uint8_t>();
    std::array<std::uint8_t, wire::CookieReply::kSize> message{};
    cookie::create_cookie_reply(pick_index(t, in, sender), cookie, answered, nonce,
                                cookie::MacKeys::of(t.host[y].identity.public_key).cookie_key, message);
    using C = wire::CookieReply;
    if (in.ConsumeIntegralInRange(0, 3) == 0) {
        const wire::Field f = in.ConsumeBool() ? C::nonce : C::encrypted_cookie;
        f.in(message)[in.ConsumeIntegralInRange<std::size_t>(0, f.size - 1)] ^= 0x20;
    }
    t.deliver(x, pick_source(t, in, y), message);
}

/// A datagram a Device sent, again, one typed field changed (or none).
void replay_step(Tunnel& t, FuzzedDataProvider& in) {
    if (t.wire_log.empty()) return;
    const Sent& s = t.wire_log[t.wire_log.size() - 1 - in.ConsumeIntegralInRange<std::size_t>(0, t.wire_log.size() - 1)];
    Bytes bytes = s.bytes;
    const int from_host = s.from == t.host[0].endpoint ? 0 : 1;
    const int to = in.ConsumeIntegralInRange(0, 4) == 0 ? from_host : 1 - from_host;  // sometimes back to its sender
    std::vector<wire::Field> fields;
    if (wire::InitiationMessage::parse(bytes)) {
        using I = wire::Initiation;
        fields = {I::sender, I::ephemeral, I::encrypted_static, I::encrypted_timestamp, I::mac2};
    } else if (wire::ResponseMessage::parse(bytes)) {
        using R = wire::Response;
        fields = {R::sender, R::receiver, R::ephemeral, R::encrypted_nothing, R::mac2};
    } else if (wire::CookieReplyMessage::parse(bytes)) {
        using C = wire::CookieReply;
        fields = {C::receiver, C::nonce, C::encrypted_cookie};
    } else {
        using D = wire::TransportData;
        fields = {D::receiver, D::counter, wire::Field{D::kHeaderSize, bytes.size() - D::kHeaderSize}};
    }
    flip_field(t, in, bytes, to, fields);
    t.deliver(to, in.ConsumeBool() ? s.from : pick_source(t, in, from_host), bytes);
}

/// How long time passes: a little, a lot, or to just around a timer of §6.
Duration pick_duration(FuzzedDataProvider& in) {
    static const std::array<Duration, 10> timers{wire::kRekeyTimeout,      wire::kKeepaliveTimeout,    wire::kRekeyAfterTime,
                                                 wire::kRejectAfterTime,   wire::kRekeyAttemptTime,    wire::kCookieValidity,
                                                 wire::kCookieSecretMaxAge, 3 * wire::kRejectAfterTime, wire::kUnderLoadLinger,
                                                 wire::kRekeyOnReceiveAge};
    switch (in.ConsumeIntegralInRange(0, 2)) {
        case 0: return std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 2000));
        case 1: return std::chrono::seconds(in.ConsumeIntegralInRange(0, 600));
        default: {
            const Duration around = timers[in.ConsumeIntegralInRange<std::size_t>(0, timers.size() - 1)];
            return around + std::chrono::milliseconds(in.ConsumeIntegralInRange(-1000, 1000));
        }
    }
}

}  // namespace

WGREF_FUZZ_TARGET {
    FuzzedDataProvider in(data, size);
    Tunnel t(in.ConsumeIntegral<std::uint8_t>());
    bool timestamp_poisoned = false;
    for (int step = 0; step < kMaxSteps && in.remaining_bytes() > 0; ++step) {
        switch (in.ConsumeIntegralInRange(0, 9)) {
            case 0:
            case 1: data_step(t, in); break;
            case 2: timestamp_poisoned |= initiation_step(t, in); break;
            case 3: response_step(t, in); break;
            case 4: cookie_step(t, in); break;
            case 5: replay_step(t, in); break;
            case 6: {
                const int x = in.ConsumeIntegralInRange(0, 1);
                t.send(x, t.packet(x, in.ConsumeIntegralInRange(0, 5) != 0));
                break;
            }
            case 7: t.run_for(std::chrono::milliseconds(in.ConsumeIntegralInRange(0, 100))); break;
            default: t.run_for(std::max(Duration{0}, pick_duration(in))); break;
        }
    }
    t.run_for(1s);
    if (std::getenv("WGREF_FUZZ_TRACE")) t.trace(stderr);
    if (timestamp_poisoned) return 0;

    // The tunnel still works: roaming may have moved the endpoints to a
    // stranger, so put them back; then a fresh packet each way, one every
    // REKEY_TIMEOUT for two minutes, must get through (§6.4: a new handshake
    // if the keys were lost, expired or forged).
    t.host[0].device->set_endpoint(kPeer, t.host[1].endpoint);
    t.host[1].device->set_endpoint(kPeer, t.host[0].endpoint);
    for (int x = 0; x < 2; ++x) {
        bool through = false;
        for (int attempt = 0; attempt < 24 && !through; ++attempt) {
            const Bytes p = t.packet(x, true);
            t.send(x, p);
            t.run_for(wire::kRekeyTimeout);
            through = t.host[1 - x].delivered.count(p) == 1;
        }
        fuzz::expect(through, "after the script, a fresh packet still gets through each way (6)");
    }
    return 0;
}
