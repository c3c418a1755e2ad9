// SPDX-License-Identifier: MIT
// ProbeNetwork over real UDP sockets, to a target given as HOST:PORT.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "udp_socket.hpp"
#include "probe_network.hpp"

namespace wg::conformance {

class LiveNetwork final : public ProbeNetwork {
public:
    /// `zero_key_target`: a second target, of the same kind, whose private
    /// key was set to zeros; `uapi_socket`: the target's UAPI socket path.
    explicit LiveNetwork(const Endpoint& target, std::optional<Endpoint> zero_key_target = std::nullopt,
                         std::string uapi_socket = {});
    Port open_port(std::uint16_t local_port = 0) override;
    std::optional<Port> open_port_at(const IpAddress& source) override;
    void send(Port from, ByteView datagram) override;
    std::optional<Bytes> receive(Port port, Duration wait) override;
    Duration now() override;
    void sleep(Duration duration) override;
    crypto::Tai64n wall_clock() override;
    Duration unix_time() override;
    bool has_zero_key_target() override { return zero_key_target_.has_value(); }
    void send_to_zero_key_target(Port from, ByteView datagram) override;
    std::optional<std::string> uapi(const std::string& request) override;

private:
    Endpoint target_;
    std::optional<Endpoint> zero_key_target_;
    std::string uapi_socket_;
    std::vector<std::unique_ptr<UdpSocket>> sockets_;
    Bytes buffer_;
};

}  // namespace wg::conformance
