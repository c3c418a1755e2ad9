// ProbeNetwork over real UDP sockets, to a target given as HOST:PORT.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "udp_socket.hpp"
#include "probe_network.hpp"

namespace wg::conformance {

class LiveNetwork final : public ProbeNetwork {
public:
    explicit LiveNetwork(const Endpoint& target);
    Port open_port(std::uint16_t local_port = 0) override;
    void send(Port from, ByteView datagram) override;
    std::optional<Bytes> receive(Port port, Duration wait) override;
    Duration now() override;
    void sleep(Duration duration) override;
    crypto::Tai64n wall_clock() override;

private:
    Endpoint target_;
    std::vector<std::unique_ptr<UdpSocket>> sockets_;
    Bytes buffer_;
};

}  // namespace wg::conformance
