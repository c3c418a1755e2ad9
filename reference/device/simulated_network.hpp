// SPDX-License-Identifier: MIT
// A network in a test: Devices on an in-process wire with a simulated clock.
// Datagrams are delivered after a delay, and may be lost, duplicated or
// reordered, all decided by a seeded random generator, so a failure replays
// exactly. Because time is only a number here, ten minutes of protocol time
// (several rekeys, §6) take milliseconds. This is what the sans-I/O core
// buys: the whole protocol, tested without a socket.
#pragma once

#include <functional>
#include <map>
#include <queue>
#include <random>
#include <string>
#include <tuple>

#include "device/device.hpp"

namespace wg::device {

/// A deterministic Rng for tests and simulations (never for real keys).
class SeededRng final : public crypto::Rng {
public:
    explicit SeededRng(std::uint64_t seed) : engine_(seed) {}
    void fill(MutableByteView out) override {
        for (auto& b : out) b = static_cast<std::uint8_t>(engine_());
    }

private:
    std::mt19937_64 engine_;
};

/// How the wire treats datagrams. Probabilities are per datagram.
struct LinkConditions {
    double loss = 0;
    double duplicate = 0;
    double reorder = 0;  ///< chance of an extra delay of up to `reorder_delay`
    Duration delay = std::chrono::milliseconds(10);
    Duration reorder_delay = std::chrono::milliseconds(30);
};

class SimulatedNetwork {
public:
    struct Host {
        std::string name;
        crypto::PrivateKey private_key;
        std::unique_ptr<Device> device;
        Endpoint endpoint;
        std::vector<std::array<std::uint8_t, 4>> own_addresses;  ///< tunnel addresses of this host
        bool forwards = false;               ///< like net.ipv4.ip_forward=1: route other hosts' packets back out
        std::vector<Bytes> delivered;        ///< inner packets the host's IP stack received
        std::vector<Event> events;
    };

    explicit SimulatedNetwork(std::uint64_t seed = 1) : rng_(seed), random_(seed + 1) {}

    /// Adds a host listening at 192.0.2.n:51820 with tunnel address 203.0.113.n.
    Host& add_host(const std::string& name, std::uint8_t n, DeviceOptions options = {});
    Host& host(const std::string& name) { return *hosts_.at(name); }
    /// Makes `a` and `b` peers of each other; `b` is reachable by `a` at its endpoint.
    void connect(const std::string& a, const std::string& b, const std::vector<std::string>& allowed_for_b,
                 const std::vector<std::string>& allowed_for_a, bool a_knows_b_endpoint = true,
                 bool b_knows_a_endpoint = false);

    /// A packet leaves `from`'s interface now.
    void send(const std::string& from, ByteView packet);
    /// A raw datagram arrives at `to` now, as if from `from` (for replays and junk).
    void inject(const std::string& to, const Endpoint& from, ByteView datagram);
    /// Runs until protocol time `until`, delivering datagrams and firing timers.
    void run_until(Time until);
    void run_for(Duration d) { run_until(now_ + d); }
    /// The clock steps ahead by `d` with nothing run in between, as a host's
    /// boot-time clock does across a suspend: every timer that fell due is
    /// late, and what was in flight arrives at once.
    void jump(Duration d) { now_ += d; }
    Time now() const { return now_; }

    LinkConditions conditions;
    /// Sees every datagram put on the wire; returning false drops it.
    std::function<bool(const Endpoint& from, const Endpoint& to, ByteView datagram)> filter;
    /// Every datagram put on the wire, for replays.
    std::vector<std::pair<Endpoint, Datagram>> wire_log;

    /// What the wire did to a datagram other than carry it once, for tests
    /// that account for every packet (device/soak_test.cpp).
    enum class Fate { filtered, lost, duplicated, no_listener };
    std::function<void(const Host& sender, ByteView datagram, Fate fate)> on_wire;
    /// Sees what a host gave back for each input, before it is carried out:
    /// `arrived` is the datagram it was handed (empty for a packet from its
    /// interface or time passing) and `sender` the host that sent it (null
    /// for injected datagrams).
    std::function<void(const Host& host, const Host* sender, ByteView arrived, const Outbox& out)> observe;

private:
    struct InFlight {
        Time arrival;
        std::uint64_t sequence;
        const Host* sender;
        Endpoint from;
        Datagram datagram;
        bool operator>(const InFlight& o) const { return std::tie(arrival, sequence) > std::tie(o.arrival, o.sequence); }
    };
    void handle(Host& host, Outbox& out, const Host* sender = nullptr, ByteView arrived = {});
    void transmit(const Host& sender, Datagram d);
    bool chance(double p) { return p > 0 && std::uniform_real_distribution<double>(0, 1)(random_) < p; }

    SeededRng rng_;
    std::mt19937_64 random_;
    std::map<std::string, std::unique_ptr<Host>> hosts_;
    std::priority_queue<InFlight, std::vector<InFlight>, std::greater<>> in_flight_;
    std::uint64_t sequence_ = 0;
    Time now_{0};
};

/// A minimal IPv4 packet (protocol 253, "for experimentation", RFC 3692)
/// from `source` to `destination` carrying `payload`.
Bytes make_ipv4_packet(std::array<std::uint8_t, 4> source, std::array<std::uint8_t, 4> destination, ByteView payload);

/// What an Outbox held after one input, as plain values that compare equal
/// when two Devices did exactly the same: for tests that run two Devices
/// side by side (device/batch_test.cpp, fuzz/batch.cpp).
struct OutboxRecord {
    std::vector<std::pair<Endpoint, Bytes>> datagrams;
    std::vector<Bytes> packets;
    std::vector<std::tuple<EventKind, std::optional<PeerId>, DropReason>> events;
    bool operator==(const OutboxRecord&) const = default;
};
/// Records what `out` holds, then clears it for the next input.
OutboxRecord take_record(Outbox& out);

/// Two Devices that are each other's only peer, with no network between them,
/// for benchmarks and tests that carry datagrams by hand: a (192.0.2.1:51820,
/// tunnel 203.0.113.1) knows b's endpoint; b (192.0.2.2:51820, tunnel
/// 203.0.113.2) learns a's from the handshake.
struct DevicePair {
    explicit DevicePair(std::uint64_t seed, const DeviceOptions& options = {});
    SeededRng rng;
    Device a, b;
    Endpoint a_endpoint = Endpoint{IpAddress::v4({192, 0, 2, 1}), 51820};
    Endpoint b_endpoint = Endpoint{IpAddress::v4({192, 0, 2, 2}), 51820};
};

}  // namespace wg::device
