// SPDX-License-Identifier: MIT
// The simulated network (see simulated_network.hpp).
#include "device/simulated_network.hpp"

#include "crypto/x25519.hpp"
#include "transport/data_message.hpp"

namespace wg::device {

SimulatedNetwork::Host& SimulatedNetwork::add_host(const std::string& name, std::uint8_t n, DeviceOptions options) {
    auto host = std::make_unique<Host>();
    host->name = name;
    std::array<std::uint8_t, 32> random{};
    rng_.fill(random);
    host->private_key = crypto::make_private_key(random);
    host->device = std::make_unique<Device>(host->private_key, rng_, options);
    host->endpoint = Endpoint{IpAddress::v4({192, 0, 2, n}), 51820};
    host->own_addresses.push_back({203, 0, 113, n});
    Host& ref = *host;
    hosts_[name] = std::move(host);
    return ref;
}

void SimulatedNetwork::connect(const std::string& a, const std::string& b, const std::vector<std::string>& allowed_for_b,
                               const std::vector<std::string>& allowed_for_a, bool a_knows_b_endpoint,
                               bool b_knows_a_endpoint) {
    Host& ha = host(a);
    Host& hb = host(b);
    PeerConfig b_as_seen_by_a;
    b_as_seen_by_a.public_key = hb.device->public_key();
    for (const auto& p : allowed_for_b) b_as_seen_by_a.allowed_ips.push_back(*IpPrefix::parse(p));
    if (a_knows_b_endpoint) b_as_seen_by_a.endpoint = hb.endpoint;
    ha.device->set_peer(b_as_seen_by_a);
    PeerConfig a_as_seen_by_b;
    a_as_seen_by_b.public_key = ha.device->public_key();
    for (const auto& p : allowed_for_a) a_as_seen_by_b.allowed_ips.push_back(*IpPrefix::parse(p));
    if (b_knows_a_endpoint) a_as_seen_by_b.endpoint = ha.endpoint;
    hb.device->set_peer(a_as_seen_by_b);
}

void SimulatedNetwork::send(const std::string& from, ByteView packet) {
    Host& h = host(from);
    Outbox out;
    h.device->send_packet(packet, now_, out);
    handle(h, out);
}

void SimulatedNetwork::inject(const std::string& to, const Endpoint& from, ByteView datagram) {
    Host& h = host(to);
    Outbox out;
    h.device->receive_datagram(from, datagram, now_, out);
    handle(h, out, nullptr, datagram);
}

void SimulatedNetwork::transmit(const Host& sender, Datagram d) {
    const auto fate = [&](Fate f) {
        if (on_wire) on_wire(sender, d.bytes, f);
    };
    wire_log.emplace_back(sender.endpoint, d);
    if (filter && !filter(sender.endpoint, d.to, d.bytes)) return fate(Fate::filtered);
    if (chance(conditions.loss)) return fate(Fate::lost);
    const int copies = chance(conditions.duplicate) ? 2 : 1;
    if (copies == 2) fate(Fate::duplicated);
    for (int i = 0; i < copies; ++i) {
        Duration delay = conditions.delay;
        if (chance(conditions.reorder)) {
            delay += Duration(static_cast<std::int64_t>(random_() % static_cast<std::uint64_t>(conditions.reorder_delay.count() + 1)));
        }
        in_flight_.push(InFlight{now_ + delay, sequence_++, &sender, sender.endpoint, d});
    }
}

void SimulatedNetwork::handle(Host& host, Outbox& out, const Host* sender, ByteView arrived) {
    if (observe) observe(host, sender, arrived, out);
    for (auto& d : out.datagrams()) transmit(host, d);
    for (auto& packet : out.to_interface()) {
        // Addressed to this host, or (if it forwards) routed back into the
        // interface towards another peer, as Linux forwarding would do.
        std::array<std::uint8_t, 4> destination{};
        if (packet.size() >= 20 && (packet[0] >> 4) == 4) std::copy_n(packet.begin() + 16, 4, destination.begin());
        const bool for_us = std::find(host.own_addresses.begin(), host.own_addresses.end(), destination) !=
                            host.own_addresses.end();
        if (!for_us && host.forwards) {
            Outbox forwarded;
            host.device->send_packet(packet, now_, forwarded);
            for (auto& e : forwarded.events) host.events.push_back(e);
            for (auto& d : forwarded.datagrams()) transmit(host, d);
        } else {
            host.delivered.push_back(packet);
        }
    }
    for (auto& e : out.events) host.events.push_back(e);
    out.clear();
}

void SimulatedNetwork::run_until(Time until) {
    while (true) {
        std::optional<Time> next;
        if (!in_flight_.empty()) next = in_flight_.top().arrival;
        for (auto& [name, h] : hosts_) {
            const auto d = h->device->next_deadline();
            if (d && (!next || *d < *next)) next = d;
        }
        if (!next || *next > until) break;
        now_ = std::max(now_, *next);
        if (!in_flight_.empty() && in_flight_.top().arrival <= now_) {
            InFlight f = in_flight_.top();
            in_flight_.pop();
            // An empty wire gives its memory back, so a test that measures
            // the Devices' memory does not see the wire's busiest moment.
            if (in_flight_.empty()) in_flight_ = {};
            bool heard = false;
            for (auto& [name, h] : hosts_) {
                if (h->endpoint == f.datagram.to) {
                    heard = true;
                    Outbox out;
                    h->device->receive_datagram(f.from, f.datagram.bytes, now_, out);
                    handle(*h, out, f.sender, f.datagram.bytes);
                }
            }
            // Nobody listens there any more (a host moved, as behind a NAT).
            if (!heard && on_wire) on_wire(*f.sender, f.datagram.bytes, Fate::no_listener);
            continue;
        }
        for (auto& [name, h] : hosts_) {
            Outbox out;
            h->device->advance(now_, out);
            handle(*h, out);
        }
    }
    now_ = std::max(now_, until);
}

Bytes make_ipv4_packet(std::array<std::uint8_t, 4> source, std::array<std::uint8_t, 4> destination, ByteView payload) {
    Bytes p(20 + payload.size(), 0);
    p[0] = 0x45;
    store_be16(&p[2], static_cast<std::uint16_t>(p.size()));  // total length
    p[8] = 64;
    p[9] = 253;  // RFC 3692: for experimentation
    std::copy(source.begin(), source.end(), p.begin() + 12);
    std::copy(destination.begin(), destination.end(), p.begin() + 16);
    std::copy(payload.begin(), payload.end(), p.begin() + 20);
    return p;
}

OutboxRecord take_record(Outbox& out) {
    OutboxRecord r;
    for (const auto& d : out.datagrams()) r.datagrams.emplace_back(d.to, d.bytes);
    for (const auto& p : out.to_interface()) r.packets.push_back(p);
    for (const auto& e : out.events) r.events.emplace_back(e.kind, e.peer, e.reason);
    out.clear();
    return r;
}

namespace {
crypto::PrivateKey draw_key(SeededRng& rng) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng.fill(random);
    return crypto::make_private_key(random);
}
}  // namespace

DevicePair::DevicePair(std::uint64_t seed, const DeviceOptions& options)
    : rng(seed), a(draw_key(rng), rng, options), b(draw_key(rng), rng, options) {
    PeerConfig to_b;
    to_b.public_key = b.public_key();
    to_b.allowed_ips.push_back(*IpPrefix::parse("203.0.113.2/32"));
    to_b.endpoint = b_endpoint;
    a.set_peer(to_b);
    PeerConfig to_a;
    to_a.public_key = a.public_key();
    to_a.allowed_ips.push_back(*IpPrefix::parse("203.0.113.1/32"));
    b.set_peer(to_a);
}

}  // namespace wg::device
