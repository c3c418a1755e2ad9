// LiveNetwork: one UDP socket per port, poll-bounded receives, the system
// clocks. Datagrams from anyone but the target are ignored.
#include "live_network.hpp"

#include <chrono>
#include <stdexcept>
#include <thread>

#include "io/system.hpp"

namespace wg::conformance {

LiveNetwork::LiveNetwork(const Endpoint& target) : target_(target), buffer_(65536) {}

Port LiveNetwork::open_port(std::uint16_t local_port) {
    std::string error;
    auto socket = UdpSocket::open(target_.address.family, local_port, error);
    if (!socket) throw std::runtime_error("cannot open a UDP socket: " + error);
    sockets_.push_back(std::make_unique<UdpSocket>(std::move(*socket)));
    return static_cast<Port>(sockets_.size() - 1);
}

void LiveNetwork::send(Port from, ByteView datagram) { sockets_.at(static_cast<std::size_t>(from))->send_to(target_, datagram); }

std::optional<Bytes> LiveNetwork::receive(Port port, Duration wait) {
    const Duration deadline = now() + wait;
    for (;;) {
        const Duration left = deadline - now();
        const auto left_ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
        Endpoint from;
        const auto n = sockets_.at(static_cast<std::size_t>(port))->receive(buffer_, from, left_ms > 0 ? static_cast<int>(left_ms) : 0);
        if (!n) return std::nullopt;
        if (from == target_) return Bytes(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(*n));
        if (now() >= deadline) return std::nullopt;
    }
}

Duration LiveNetwork::now() { return std::chrono::milliseconds(io::monotonic_ms()); }

void LiveNetwork::sleep(Duration duration) { std::this_thread::sleep_for(duration); }

crypto::Tai64n LiveNetwork::wall_clock() { return io::tai64n_now(); }

}  // namespace wg::conformance
