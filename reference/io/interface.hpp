// The I/O shell: the only code that talks to the operating system for
// packets. It owns a TUN device (/dev/net/tun, IFF_TUN | IFF_NO_PI), one UDP
// socket for IPv4 and IPv6, a timerfd set to the Device's next deadline, a
// signalfd for SIGINT/SIGTERM, and the UAPI socket that `wg` connects to.
// One epoll loop waits on all of them and turns each readiness into one of
// the Device's three inputs; the Device's Outbox comes back out through
// sendmmsg() and write(). Nothing here knows any protocol rule.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "device/device.hpp"
#include "io/system.hpp"
#include "io/uapi.hpp"

namespace wg::io {

struct InterfaceOptions {
    std::string name;               ///< e.g. "wg0"; unique on the machine (the UAPI socket is global)
    std::size_t mtu = wire::kDefaultMtu;  ///< §5.4.6 padding is capped at this, too
    std::string uapi_directory = "/var/run/wireguard";
    /// One line per protocol event (the `--trace` option); empty for none.
    std::function<void(const device::Event&, const device::Device&)> on_event;
    /// Wireshark's WireGuard key-log file (`--keylog`); empty for none.
    std::string keylog_path;
};

class Interface {
public:
    /// Creates the TUN device and the UAPI socket; nullopt with `error` set.
    static std::unique_ptr<Interface> create(const InterfaceOptions& options, std::string& error);
    ~Interface();

    /// Applies a configuration (from --config) before the loop starts.
    bool configure(const DeviceChange& change, std::string& error);
    /// Runs until SIGINT or SIGTERM; returns 0 on a clean stop.
    int run();

private:
    explicit Interface(const InterfaceOptions& options);
    bool bind_udp(std::uint16_t port, std::string& error);
    Time now() const;
    void flush(device::Outbox& out);
    void on_udp_readable();
    void on_tun_readable();
    void on_uapi_client(int client);
    void rearm_timer();

    InterfaceOptions options_;
    SystemRng rng_;
    std::unique_ptr<device::Device> device_;
    InterfaceSettings settings_;
    device::Outbox outbox_;
    int tun_ = -1, udp_ = -1, epoll_ = -1, timer_ = -1, signals_ = -1, uapi_ = -1;
    std::string uapi_path_;
};

}  // namespace wg::io
