// SPDX-License-Identifier: MIT
// One UDP socket, IPv4 or IPv6, with bounded waiting: how wgconform's probes
// reach a live target (LiveNetwork, ping). Endpoints are the core's
// wg::Endpoint; only this file sees sockaddrs.
#pragma once

#include <optional>
#include <string>

#include "common/address.hpp"

namespace wg::conformance {

class UdpSocket {
public:
    /// Opens a socket of `family`, bound to `local_port` (0 = any) at
    /// `local_address` (none: every address of the host).
    static std::optional<UdpSocket> open(IpFamily family, std::uint16_t local_port, std::string& error,
                                         std::optional<IpAddress> local_address = std::nullopt);
    UdpSocket(UdpSocket&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
    UdpSocket& operator=(UdpSocket&&) = delete;
    ~UdpSocket();

    bool send_to(const Endpoint& to, ByteView datagram);
    /// Waits at most `timeout_ms` for one datagram; nullopt on timeout.
    std::optional<std::size_t> receive(MutableByteView buffer, Endpoint& from, int timeout_ms);

private:
    explicit UdpSocket(int fd) : fd_(fd) {}
    int fd_ = -1;
};

}  // namespace wg::conformance
