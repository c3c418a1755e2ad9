// SPDX-License-Identifier: MIT
// The in-process target (see loopback_target.hpp).
#include "loopback_target.hpp"

#include "crypto/x25519.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;

/// The harness's outer addresses, as the target sees them (a documentation range).
constexpr std::array<std::uint8_t, 4> kHarnessAddress = {198, 51, 100, 1};
constexpr int kFirstPort = 40000;
/// The simulated wall clock: Unix time at simulated time zero.
constexpr Duration kUnixTimeAtOrigin = std::chrono::seconds(1'700'000'000);

crypto::PrivateKey key_from(device::SeededRng& rng) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng.fill(random);
    return crypto::make_private_key(random);
}

IpAddress address(const char* text) { return *IpAddress::parse(text); }

}  // namespace

LoopbackTarget::LoopbackTarget(std::uint64_t seed, int load_threshold) : rng_(seed) {
    // The target's key is stored as drawn, unclamped: the UAPI must show it
    // clamped, as the kernel stores it (uapi.get_shape).
    crypto::PrivateKey target_key;
    rng_.fill(target_key.span());
    device::DeviceOptions options;
    options.load_threshold = load_threshold;
    options.unix_time_at_origin = kUnixTimeAtOrigin;
    device_ = std::make_unique<device::Device>(target_key, rng_, options);
    settings_.listen_port = 51820;
    config_.target.public_key = device_->public_key();
    config_.target.tunnel_ips = {address("203.0.113.1"), address("2001:db8:1::1")};
    config_.first_key = key_from(rng_);
    config_.first_ips = {address("203.0.113.2"), address("2001:db8:1::2")};
    config_.second_key = key_from(rng_);
    config_.second_ips = {address("203.0.113.3"), address("2001:db8:1::3")};
    for (int n = 11; n <= 18; ++n) config_.flood_sources.push_back(address(("198.51.100." + std::to_string(n)).c_str()));
    int host = 2;
    for (const auto& key : {config_.first_key, *config_.second_key}) {
        device::PeerConfig peer;
        peer.public_key = crypto::public_key_of(key);
        peer.allowed_ips.push_back(*IpPrefix::parse("203.0.113." + std::to_string(host) + "/32"));
        peer.allowed_ips.push_back(*IpPrefix::parse("2001:db8:1::" + std::to_string(host) + "/128"));
        device_->set_peer(peer);
        ++host;
    }
    // Identities 3 and 4: peers the target knows the endpoint of and keeps
    // alive, so it initiates to them (the initiator.* cases).
    config_.third_key = key_from(rng_);
    config_.fourth_key = key_from(rng_);
    for (const auto& [key, port] : {std::pair{*config_.third_key, config_.third_port}, std::pair{*config_.fourth_key, config_.fourth_port}}) {
        device::PeerConfig peer;
        peer.public_key = crypto::public_key_of(key);
        peer.endpoint = endpoint_of(port - kFirstPort);
        peer.persistent_keepalive = std::chrono::seconds(6);
        device_->set_peer(peer);
    }
    // The key-less target: identity 1 as its peer, its key set and then set
    // to zeros (handshake.zero_private_key).
    zero_key_device_ = std::make_unique<device::Device>(key_from(rng_), rng_, options);
    device::PeerConfig first;
    first.public_key = crypto::public_key_of(config_.first_key);
    zero_key_device_->set_peer(first);
    zero_key_device_->set_private_key(crypto::PrivateKey{});
}

LoopbackTarget::~LoopbackTarget() = default;

Endpoint LoopbackTarget::endpoint_of(Port port) const {
    const auto other = other_addresses_.find(port);
    return Endpoint{other != other_addresses_.end() ? other->second : IpAddress::v4(kHarnessAddress),
                    static_cast<std::uint16_t>(kFirstPort + port)};
}

std::optional<Port> LoopbackTarget::open_port_at(const IpAddress& source) {
    // Port numbers stay unique across addresses, so an answer finds its port by number.
    const Port port = open_port();
    other_addresses_[port] = source;
    return port;
}

Port LoopbackTarget::open_port(std::uint16_t local_port) {
    // Port p is the harness's address 198.51.100.1, UDP port 40000 + p.
    Port port = local_port >= kFirstPort ? local_port - kFirstPort : next_port_;
    while (!local_port && open_ports_.contains(port)) ++port;
    if (!local_port) next_port_ = port + 1;
    open_ports_.insert(port);
    return port;
}

void LoopbackTarget::send(Port from, ByteView bytes) {
    now_ += 1us;  // a datagram takes some time; keeps every event at its own instant
    device_->advance(now_, out_);  // timers due by now fire first
    collect(out_);
    device_->receive_datagram(endpoint_of(from), bytes, now_, out_);
    collect(out_);
}

void LoopbackTarget::send_to_zero_key_target(Port from, ByteView bytes) {
    now_ += 1us;
    device::Outbox out;
    zero_key_device_->receive_datagram(endpoint_of(from), bytes, now_, out);
    collect(out);
}

std::optional<std::string> LoopbackTarget::uapi(const std::string& request) {
    bool changed = false;
    return io::handle_request(request, *device_, settings_, changed);
}

void LoopbackTarget::collect(device::Outbox& out) {
    // Answers may cause answers (an echo reply is a packet to send), so
    // loop until the outbox stays empty; each round is one Device call.
    for (int rounds = 0; rounds < 16; ++rounds) {
        std::vector<Bytes> to_interface;
        for (auto& packet : out.to_interface()) to_interface.push_back(packet);
        for (auto& datagram : out.datagrams()) {
            const int port = static_cast<int>(datagram.to.port) - kFirstPort;
            if (open_ports_.contains(port)) queues_[port].push_back(datagram.bytes);  // else: nobody listens
        }
        out.clear();
        if (to_interface.empty()) return;
        for (const Bytes& packet : to_interface) {
            for (const auto& own : config_.target.tunnel_ips) {
                if (auto reply = answer_echo_request(packet, own)) device_->send_packet(*reply, now_, out);
            }
        }
    }
}

void LoopbackTarget::step_toward(Time t) {
    // Timers already due fire now; otherwise time moves to the Device's next
    // timer or to `t`, whichever comes first.
    const auto next = device_->next_deadline();
    if (!next || *next > now_) now_ = (next && *next < t) ? *next : t;
    device_->advance(now_, out_);
    collect(out_);
}

void LoopbackTarget::advance_to(Time t) {
    do step_toward(t);
    while (now_ < t);
}

std::optional<Bytes> LoopbackTarget::receive(Port port, Duration wait) {
    const Time deadline = now_ + wait;
    for (;;) {
        auto& queue = queues_[port];
        if (!queue.empty()) {
            Bytes datagram = std::move(queue.front());
            queue.pop_front();
            return datagram;
        }
        if (now_ >= deadline) return std::nullopt;
        step_toward(deadline);
    }
}

void LoopbackTarget::sleep(Duration duration) { advance_to(now_ + duration); }

Duration LoopbackTarget::unix_time() { return kUnixTimeAtOrigin + now_; }

crypto::Tai64n LoopbackTarget::wall_clock() {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(unix_time()).count();
    return crypto::Tai64n::from_unix(static_cast<std::uint64_t>(ns / 1'000'000'000), static_cast<std::uint32_t>(ns % 1'000'000'000));
}

}  // namespace wg::conformance
