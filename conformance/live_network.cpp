// SPDX-License-Identifier: MIT
// LiveNetwork: one UDP socket per port, poll-bounded receives, the system
// clocks, and the target's UAPI over its unix socket. Datagrams from anyone
// but the target (or the key-less target) are ignored.
#include "live_network.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <poll.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <stdexcept>
#include <thread>

#include "io/system.hpp"

namespace wg::conformance {

LiveNetwork::LiveNetwork(const Endpoint& target, std::optional<Endpoint> zero_key_target, std::string uapi_socket)
    : target_(target), zero_key_target_(zero_key_target), uapi_socket_(std::move(uapi_socket)), buffer_(65536) {}

Port LiveNetwork::open_port(std::uint16_t local_port) {
    std::string error;
    auto socket = UdpSocket::open(target_.address.family, local_port, error);
    if (!socket) throw std::runtime_error("cannot open a UDP socket: " + error);
    sockets_.push_back(std::make_unique<UdpSocket>(std::move(*socket)));
    return static_cast<Port>(sockets_.size() - 1);
}

std::optional<Port> LiveNetwork::open_port_at(const IpAddress& source) {
    std::string error;
    auto socket = UdpSocket::open(target_.address.family, 0, error, source);
    if (!socket) return std::nullopt;  // not an address of this host
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
        if (from == target_ || (zero_key_target_ && from == *zero_key_target_)) return Bytes(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(*n));
        if (now() >= deadline) return std::nullopt;
    }
}

Duration LiveNetwork::now() { return std::chrono::milliseconds(io::monotonic_ms()); }

void LiveNetwork::sleep(Duration duration) { std::this_thread::sleep_for(duration); }

crypto::Tai64n LiveNetwork::wall_clock() { return io::tai64n_now(); }

Duration LiveNetwork::unix_time() {
    return std::chrono::duration_cast<Duration>(std::chrono::system_clock::now().time_since_epoch());
}

void LiveNetwork::send_to_zero_key_target(Port from, ByteView datagram) {
    if (zero_key_target_) sockets_.at(static_cast<std::size_t>(from))->send_to(*zero_key_target_, datagram);
}

std::optional<std::string> LiveNetwork::uapi(const std::string& request) {
    if (uapi_socket_.empty()) return std::nullopt;
    // One connection per request, as `wg` does; the answer ends with an
    // empty line (wireguard.com/xplatform). Every wait is bounded: 5 s.
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return std::nullopt;
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, uapi_socket_.c_str(), sizeof address.sun_path - 1);
    std::string answer;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::send(fd, request.data(), request.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(request.size())) {
        const Duration deadline = now() + std::chrono::seconds(5);
        char chunk[4096];
        while (answer.find("\n\n") == std::string::npos && now() < deadline) {
            pollfd p{fd, POLLIN, 0};
            const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - now()).count();
            if (::poll(&p, 1, static_cast<int>(left)) <= 0) break;
            const ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
            if (n <= 0) break;
            answer.append(chunk, static_cast<std::size_t>(n));
        }
    }
    ::close(fd);
    if (answer.empty()) return std::nullopt;
    return answer;
}

}  // namespace wg::conformance
