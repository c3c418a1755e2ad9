// SPDX-License-Identifier: MIT
// The I/O shell: the only code that talks to the operating system for
// packets. It owns a TUN device (/dev/net/tun, IFF_TUN | IFF_NO_PI), one UDP
// socket for IPv4 and IPv6, a timerfd set to the Device's next deadline, a
// signalfd for SIGINT/SIGTERM, and the UAPI socket that `wg` connects to.
// One epoll loop waits on all of them and turns each readiness into one of
// the Device's three inputs; the Device's Outbox comes back out through
// sendmmsg() and write(). Nothing here knows any protocol rule. Where the
// kernel offers them, offloads (offload.hpp) move 64 KB per system call
// instead of one packet; --no-offload, or a kernel without them, gives the
// plain path, packet by packet.
// interface.cpp holds the loop and the packets; uapi_socket.cpp the
// configuration socket and its clients.
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "device/device.hpp"
#include "io/offload.hpp"
#include "io/system.hpp"
#include "io/worker_pool.hpp"
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
    /// Handed over by a parent, as wireguard-go takes them (WG_TUN_FD,
    /// WG_UAPI_FD): an open TUN device, a listening UAPI socket. -1: make them.
    int tun_fd = -1;
    int uapi_fd = -1;
    /// TUN and UDP offloads where the kernel has them (--no-offload: off).
    bool offload = true;
    /// Threads that seal and open (--threads); 0: one per core we may use.
    std::size_t threads = 0;
};

class Interface {
public:
    /// Creates the TUN device and the UAPI socket; nullopt with `error` set.
    static std::unique_ptr<Interface> create(const InterfaceOptions& options, std::string& error);
    ~Interface();

    /// Applies a configuration (from --config) before the loop starts.
    bool configure(const DeviceChange& change, std::string& error);
    /// Runs until SIGINT or SIGTERM (0), or until the TUN device goes away or
    /// fails, as when `ip link del` removes it (1, after saying so in the log).
    int run();

private:
    explicit Interface(const InterfaceOptions& options);
    bool bind_udp(std::uint16_t port, std::string& error);
    bool apply_fwmark(std::string& error);
    void enable_tun_offloads();
    void send_datagrams(std::span<device::Datagram> datagrams);
    void send_segmented(std::span<device::Datagram> datagrams);
    void write_to_tun(device::Outbox& out);
    bool listen_uapi(std::string& error);
    /// The protocol clock (CLOCK_BOOTTIME); it also tells the Device where
    /// its time zero now falls on the wall clock, which may have stepped.
    Time now();
    void flush(device::Outbox& out);
    void on_udp_readable();
    bool on_tun_readable();  // false: the device is gone
    /// A configuration client: its request read as it arrives, between
    /// packets, so a slow or stuck client never holds the packet path.
    struct UapiClient {
        RequestReader reader;
        Time deadline;  ///< dropped if its request is not whole by then
    };
    void accept_uapi_client();
    void on_uapi_readable(int client);
    void answer_uapi_client(int client, RequestReader& reader);
    void close_uapi_client(int client);
    void drop_late_uapi_clients();
    void rearm_timer();

    InterfaceOptions options_;
    SystemRng rng_;
    std::unique_ptr<device::Device> device_;
    InterfaceSettings settings_;
    device::Outbox outbox_;
    /// What the kernel agreed to; all off with --no-offload. `tun_headers`:
    /// every TUN read and write carries a virtio-net header (IFF_VNET_HDR);
    /// `tun_segments`: the TUN device takes and gives super-packets.
    struct Offloads {
        bool tun_headers = false, tun_segments = false, udp_segment = false, udp_gro = false;
    } offloads_;
    offload::Segmenter segmenter_;
    offload::Coalescer coalescer_;
    std::vector<offload::UdpRun> udp_runs_;
    std::vector<iovec> send_vectors_;  ///< one per datagram, for UDP_SEGMENT sends
    std::vector<device::ReceivedDatagram> received_;  ///< one recvmmsg's datagrams, as a batch
    std::vector<Bytes> tun_packets_;                  ///< one TUN turn's packets, as a batch
    std::vector<ByteView> to_send_;
    /// The cores lent to the Device's batches for their crypto.
    std::unique_ptr<WorkerPool> workers_;
    int tun_ = -1, udp_ = -1, epoll_ = -1, timer_ = -1, signals_ = -1, uapi_ = -1;
    std::string uapi_path_;
    std::map<int, UapiClient> uapi_clients_;
    bool uapi_paused_ = false;  ///< kMaxUapiClients are reading: the listening socket is not watched
    /// The socket file we made, by identity: on exit we remove it only if it
    /// is still ours (another instance may have replaced a stale one).
    dev_t uapi_device_ = 0;
    ino_t uapi_inode_ = 0;
};

}  // namespace wg::io
