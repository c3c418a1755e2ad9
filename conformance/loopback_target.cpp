// The in-process target (see loopback_target.hpp).
#include "loopback_target.hpp"

#include "cookie/macs.hpp"
#include "forge.hpp"
#include "crypto/x25519.hpp"
#include "wire/messages.hpp"
#include "transport/data_message.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
using wire::MessageType;

/// The harness's outer addresses, as the target sees them (a documentation range).
constexpr std::array<std::uint8_t, 4> kHarnessAddress = {198, 51, 100, 1};
constexpr int kFirstPort = 40000;

crypto::PrivateKey key_from(device::SeededRng& rng) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng.fill(random);
    return crypto::make_private_key(random);
}

IpAddress address(const char* text) { return *IpAddress::parse(text); }

}  // namespace

LoopbackTarget::LoopbackTarget(const device::DeviceFlaws& device_flaws, const TargetFlaws& flaws, std::uint64_t seed)
    : flaws_(flaws), rng_(seed) {
    const auto target_key = key_from(rng_);
    device::DeviceOptions options;
    options.flaws = device_flaws;
    device_ = std::make_unique<device::Device>(target_key, rng_, options);
    config_.target.public_key = device_->public_key();
    config_.target.tunnel_ips = {address("203.0.113.1"), address("2001:db8:1::1")};
    config_.first_key = key_from(rng_);
    config_.first_ips = {address("203.0.113.2"), address("2001:db8:1::2")};
    config_.second_key = key_from(rng_);
    config_.second_ips = {address("203.0.113.3"), address("2001:db8:1::3")};
    // Identity 3 is the one the target initiates to: it knows its endpoint
    // and keeps it alive (timers.rekey_after_time).
    config_.third_key = key_from(rng_);
    device::PeerConfig third;
    third.public_key = crypto::public_key_of(*config_.third_key);
    third.endpoint = endpoint_of(config_.third_port - kFirstPort);
    third.persistent_keepalive = std::chrono::seconds(25);
    device_->set_peer(third);
    int host = 2;
    for (const auto& key : {config_.first_key, *config_.second_key}) {
        device::PeerConfig peer;
        peer.public_key = crypto::public_key_of(key);
        peer.allowed_ips.push_back(*IpPrefix::parse("203.0.113." + std::to_string(host) + "/32"));
        peer.allowed_ips.push_back(*IpPrefix::parse("2001:db8:1::" + std::to_string(host) + "/128"));
        device_->set_peer(peer);
        ++host;
    }
}

LoopbackTarget::~LoopbackTarget() = default;

Endpoint LoopbackTarget::endpoint_of(Port port) const {
    return Endpoint{IpAddress::v4(kHarnessAddress), static_cast<std::uint16_t>(kFirstPort + port)};
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
    collect();
    deliver(from, Bytes(bytes.begin(), bytes.end()));
    collect();
}

void LoopbackTarget::deliver(Port from, Bytes datagram) {
    if (hung_) return;
    const auto type = wire::classify(datagram);
    if (flaws_.ignore_reserved_bytes && datagram.size() >= 4) {
        datagram[1] = datagram[2] = datagram[3] = 0;
    }
    const auto seen_type = wire::classify(datagram);
    if (!type && !seen_type && flaws_.hang_after_malformed) {
        hung_ = true;
        return;
    }
    if (seen_type == MessageType::initiation && datagram.size() == wire::Initiation::kSize) {
        if (flaws_.ignore_mac1) test::refresh_mac1(datagram, cookie::MacKeys::of(device_->public_key()).mac1_key);
        last_handshake_port_ = from;
    }
    if (seen_type == MessageType::transport_data) {
        if (flaws_.drop_all_data) return;
        if (flaws_.drop_keepalives && datagram.size() == wire::TransportData::kMinSize) return;
        if (flaws_.window_of_one) {
            // A broken replay check: the counter is read in the clear, and
            // anything not above the highest seen is refused.
            const auto header = wire::DataMessage::parse(datagram);
            if (header) {
                const auto [receiver, counter] = std::pair{header->receiver(), header->counter()};
                if (highest_counter_.contains(receiver) && counter <= highest_counter_[receiver]) return;
                highest_counter_[receiver] = counter;
            }
        }
        if (flaws_.no_roaming && last_handshake_port_) from = *last_handshake_port_;
    }
    device_->receive_datagram(endpoint_of(from), datagram, now_, out_);
}

void LoopbackTarget::collect() {
    // Answers may cause answers (an echo reply is a packet to send), so
    // loop until the outbox stays empty; each round is one Device call.
    for (int rounds = 0; rounds < 16; ++rounds) {
        std::vector<Bytes> to_interface;
        for (auto& packet : out_.to_interface()) to_interface.push_back(packet);
        for (auto& datagram : out_.datagrams()) {
            Bytes bytes = datagram.bytes;
            const auto type = wire::classify(bytes);
            if (type == MessageType::response && flaws_.corrupt_response_mac1) bytes[wire::Response::mac1.offset] ^= 1;
            if (type == MessageType::cookie_reply && flaws_.corrupt_cookie_reply) bytes[wire::CookieReply::encrypted_cookie.offset] ^= 1;
            const int port = static_cast<int>(datagram.to.port) - kFirstPort;
            if (open_ports_.contains(port)) queues_[port].push_back(std::move(bytes));  // else: nobody listens
        }
        out_.clear();
        if (to_interface.empty()) return;
        for (const Bytes& packet : to_interface) {
            for (const auto& own : config_.target.tunnel_ips) {
                if (auto reply = answer_echo_request(packet, own)) device_->send_packet(*reply, now_, out_);
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
    collect();
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

crypto::Tai64n LoopbackTarget::wall_clock() {
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now_).count();
    return crypto::Tai64n::from_unix(1'700'000'000 + static_cast<std::uint64_t>(ns / 1'000'000'000),
                                     static_cast<std::uint32_t>(ns % 1'000'000'000));
}

}  // namespace wg::conformance
