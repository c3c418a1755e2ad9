// SPDX-License-Identifier: MIT
// The I/O shell (see interface.hpp). Read run() first: it is the whole
// program's main loop. The packets' way in and out is io/packet_path.cpp,
// the configuration socket io/uapi_socket.cpp.
#include "io/interface.hpp"
#include "io/key_log.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/key_text.hpp"
#include "io/log.hpp"
#include "io/socket_address.hpp"
#include "io/system.hpp"

namespace wg::io {
namespace {

// The protocol's clock is CLOCK_BOOTTIME, which keeps counting while the
// host is suspended: the kernel judges key ages by boot time too
// (wg_birthdate_has_expired), so after an hour's sleep the keys are an hour
// older and the first packet starts a handshake at once. On CLOCK_MONOTONIC
// they would look as young as before the sleep, and the first packets would
// go out on keys the peer erased long ago (REJECT_AFTER_TIME x 3, §6.3).
constexpr clockid_t kProtocolClock = CLOCK_BOOTTIME;

Duration read_clock(clockid_t clock) {
    timespec ts{};
    clock_gettime(clock, &ts);
    return std::chrono::seconds(ts.tv_sec) + std::chrono::nanoseconds(ts.tv_nsec);
}

Time protocol_clock_now() { return read_clock(kProtocolClock); }

/// Where protocol time zero falls on the wall clock, the protocol clock
/// having just read `protocol_now`: to the nanosecond, since truncated to
/// seconds it could put a restarted wgref's timestamps behind its last run's.
Duration unix_time_at_origin(Time protocol_now) { return read_clock(CLOCK_REALTIME) - protocol_now; }

/// The UDP socket's buffers, each way (see bind_udp).
constexpr int kSocketBufferBytes = 7 << 20;

}  // namespace

Interface::Interface(const InterfaceOptions& options) : options_(options) {}

Interface::~Interface() {
    for (const auto& [client, state] : uapi_clients_) ::close(client);
    for (int fd : {tun_, udp_, epoll_, timer_, signals_, uapi_}) {
        if (fd >= 0) ::close(fd);
    }
    // Remove the socket file only if it is still the one we made.
    struct stat st {};
    if (!uapi_path_.empty() && ::stat(uapi_path_.c_str(), &st) == 0 && st.st_dev == uapi_device_ && st.st_ino == uapi_inode_) {
        ::unlink(uapi_path_.c_str());
    }
}

std::unique_ptr<Interface> Interface::create(const InterfaceOptions& options, std::string& error) {
    std::unique_ptr<Interface> self(new Interface(options));
    if (options.name.empty() || options.name.size() >= IFNAMSIZ || options.name.find('/') != std::string::npos) {
        error = "interface name must be 1-15 characters without '/'";
        return nullptr;
    }
    // The UAPI socket first: if another instance answers on it, we must not
    // touch anything of its own, the interface included.
    if (!self->listen_uapi(error)) return nullptr;
    // TUN: layer-3 packets, no extra packet-information header.
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, options.name.c_str(), IFNAMSIZ - 1);
    if (options.tun_fd >= 0) {
        self->tun_ = options.tun_fd;  // WG_TUN_FD: already attached by our parent
        ::fcntl(self->tun_, F_SETFL, ::fcntl(self->tun_, F_GETFL) | O_NONBLOCK);
        // Offloads only if our parent asked for virtio-net headers.
        ifreq current{};
        if (options.offload && ::ioctl(self->tun_, TUNGETIFF, &current) == 0 && (current.ifr_flags & IFF_VNET_HDR)) {
            self->enable_tun_offloads();
        }
    } else {
        self->tun_ = ::open("/dev/net/tun", O_RDWR | O_CLOEXEC | O_NONBLOCK);
        if (self->tun_ < 0) return error = errno_text("/dev/net/tun"), nullptr;
        // With offloads, every packet comes and goes behind a virtio-net
        // header (IFF_VNET_HDR), which is how super-packets are described.
        ifr.ifr_flags = IFF_TUN | IFF_NO_PI | (options.offload ? IFF_VNET_HDR : 0);
        if (::ioctl(self->tun_, TUNSETIFF, &ifr) != 0) return error = errno_text("TUNSETIFF"), nullptr;
        if (options.offload) self->enable_tun_offloads();
    }
    const int control = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifr.ifr_mtu = static_cast<int>(options.mtu);
    const bool mtu_ok = control >= 0 && ::ioctl(control, SIOCSIFMTU, &ifr) == 0;
    if (control >= 0) ::close(control);
    if (!mtu_ok) return error = errno_text("setting the MTU"), nullptr;

    // The Device starts with no key (like a fresh wireguard-go) until configured.
    device::DeviceOptions device_options;
    device_options.mtu = options.mtu;
    // Where protocol time zero falls on the wall clock; now() keeps it current.
    device_options.unix_time_at_origin = unix_time_at_origin(protocol_clock_now());
    if (!options.keylog_path.empty()) {
        auto key_log = io::KeyLog::open(options.keylog_path, error);
        if (!key_log) return nullptr;
        device_options.on_handshake_secrets = [log = std::make_shared<io::KeyLog>(std::move(*key_log))](
                                                  const device::HandshakeSecrets& s) { log->write(s); };
    }
    // Sealing and opening on the worker pool that run() starts.
    device_options.parallel_for = [interface = self.get()](std::size_t n, const std::function<void(std::size_t)>& job) {
        if (interface->workers_) return interface->workers_->run(n, job);
        for (std::size_t i = 0; i < n; ++i) job(i);
    };
    self->device_ = std::make_unique<device::Device>(crypto::PrivateKey{}, self->rng_, device_options);

    if (!self->bind_udp(0, error)) return nullptr;

    self->timer_ = ::timerfd_create(kProtocolClock, TFD_CLOEXEC | TFD_NONBLOCK);
    if (self->timer_ < 0) return error = errno_text("timerfd"), nullptr;
    return self;
}

bool Interface::apply_fwmark(std::string& error) {
    // SO_MARK on our one UDP socket (it carries IPv4 and IPv6), so policy
    // routing can tell the tunnel's own datagrams from what they carry: what
    // wg-quick's full tunnel relies on (`ip rule not fwmark M table M`).
    // Zero clears it, as with the kernel module.
    const int mark = static_cast<int>(settings_.fwmark);
    if (::setsockopt(udp_, SOL_SOCKET, SO_MARK, &mark, sizeof mark) != 0) return error = errno_text("SO_MARK"), false;
    return true;
}

bool Interface::bind_udp(std::uint16_t port, std::string& error) {
    // One IPv6 socket with IPV6_V6ONLY off serves IPv4 too (as mapped addresses).
    const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return error = errno_text("socket"), false;
    const int off = 0;
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof off);
    // A burst (a TCP window, a flood of initiations) waits in the socket
    // while the one thread catches up; the usual default of 208 KiB holds
    // about 140 full datagrams, and the rest are lost before wgref sees them.
    // wireguard-go asks for 7 MiB; so does wgref, past net.core.rmem_max
    // where it may (the FORCE options need CAP_NET_ADMIN), and otherwise
    // takes what the kernel allows.
    for (const auto& [forced, allowed] : {std::pair{SO_RCVBUFFORCE, SO_RCVBUF}, std::pair{SO_SNDBUFFORCE, SO_SNDBUF}}) {
        if (::setsockopt(fd, SOL_SOCKET, forced, &kSocketBufferBytes, sizeof kSocketBufferBytes) != 0) {
            ::setsockopt(fd, SOL_SOCKET, allowed, &kSocketBufferBytes, sizeof kSocketBufferBytes);
        }
    }
    // Offloads: UDP_SEGMENT (Linux 4.18) is there if the kernel knows the
    // option; UDP_GRO (5.0) is asked for, and then each read may return
    // several datagrams glued together.
    if (options_.offload) {
        int value = 0;
        socklen_t value_size = sizeof value;
        offloads_.udp_segment = ::getsockopt(fd, SOL_UDP, UDP_SEGMENT, &value, &value_size) == 0;
        const int on = 1;
        offloads_.udp_gro = ::setsockopt(fd, SOL_UDP, UDP_GRO, &on, sizeof on) == 0;
        log_verbose(std::string("UDP offloads: ") + (offloads_.udp_segment ? "UDP_SEGMENT" : "no UDP_SEGMENT") +
                    (offloads_.udp_gro ? ", UDP_GRO" : ", no UDP_GRO"));
    }
    sockaddr_in6 local{};
    local.sin6_family = AF_INET6;
    local.sin6_port = htons(port);
    if (::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) {
        error = errno_text(("binding UDP port " + std::to_string(port)).c_str());
        ::close(fd);
        return false;
    }
    socklen_t length = sizeof local;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length);
    if (udp_ >= 0) {
        if (epoll_ >= 0) epoll_ctl(epoll_, EPOLL_CTL_DEL, udp_, nullptr);
        ::close(udp_);
        if (epoll_ >= 0) watch_readable(epoll_, fd);
    }
    udp_ = fd;
    settings_.listen_port = ntohs(local.sin6_port);
    // A new socket carries the mark the old one had.
    return settings_.fwmark == 0 || apply_fwmark(error);
}

bool Interface::configure(const DeviceChange& change, std::string& error) {
    if (change.listen_port && *change.listen_port != settings_.listen_port && !bind_udp(*change.listen_port, error)) {
        return false;
    }
    const std::uint32_t old_mark = settings_.fwmark;
    apply(change, *device_, settings_);
    return settings_.fwmark == old_mark || apply_fwmark(error);
}

Time Interface::now() {
    // The wall clock can step (`date -s`, an NTP step, a VM restored) and
    // slews against boot time, while the kernel reads it at each initiation
    // (tai64n_now). So each time the Device is given the time it is also told
    // where protocol time zero now falls on the wall clock: two reads of
    // clocks the vDSO serves, a few tens of nanoseconds.
    const Time t = protocol_clock_now();
    device_->set_unix_time_at_origin(unix_time_at_origin(t));
    return t;
}

int Interface::run() {
    // The signalfd and the epoll set are made here, in the process that runs
    // the loop: made before a fork (daemon mode), the epoll set would keep
    // waiting on the parent's signal queue and never see our SIGTERM.
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    sigprocmask(SIG_BLOCK, &signals, nullptr);
    signals_ = ::signalfd(-1, &signals, SFD_CLOEXEC | SFD_NONBLOCK);
    // The threads too, for the same reason: a fork keeps only the thread
    // that forks. Sealing and opening run on every core this process may
    // use (--threads), helpers beside this thread, which does all the rest.
    const std::size_t threads = options_.threads != 0 ? options_.threads : WorkerPool::cores();
    workers_ = std::make_unique<WorkerPool>(threads - 1);
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    for (int fd : {tun_, udp_, timer_, signals_, uapi_}) {
        if (fd < 0 || !watch_readable(epoll_, fd)) return 1;
    }
    std::array<epoll_event, 16> events{};
    rearm_timer();
    while (true) {
        // While a configuration client is reading, wake at least each second
        // to drop one that is too slow.
        const int wait_ms = uapi_clients_.empty() ? -1 : 1000;
        const int n = ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), wait_ms);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return 1;
        for (int i = 0; i < n; ++i) {
            const int fd = events[static_cast<std::size_t>(i)].data.fd;
            if (fd == signals_) return 0;  // SIGINT/SIGTERM: the TUN device goes when we close it
            if (fd == udp_) {
                on_udp_readable();
            } else if (fd == tun_) {
                // `ip link del` (and so `wg-quick down`) removes the device
                // under us: its reads fail from then on, and we end, as
                // wireguard-go does, instead of spinning on them.
                if ((events[static_cast<std::size_t>(i)].events & (EPOLLERR | EPOLLHUP)) || !on_tun_readable()) {
                    log_error("TUN device " + options_.name + " is gone or failed; shutting down");
                    return 1;
                }
            } else if (fd == timer_) {
                std::uint64_t expirations = 0;
                [[maybe_unused]] const auto r = ::read(timer_, &expirations, sizeof expirations);
                device_->advance(now(), outbox_);
                flush(outbox_);
            } else if (fd == uapi_) {
                accept_uapi_client();
            } else if (uapi_clients_.count(fd)) {
                on_uapi_readable(fd);
            }
        }
        drop_late_uapi_clients();
        rearm_timer();
    }
}

void Interface::rearm_timer() {
    itimerspec spec{};
    if (const auto deadline = device_->next_deadline()) {
        // An absolute deadline on the protocol's clock; a past one fires at once.
        const Time when = std::max(*deadline, Time{1});
        spec.it_value.tv_sec = static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(when).count());
        spec.it_value.tv_nsec = static_cast<long>((when % std::chrono::seconds(1)).count());
    }
    ::timerfd_settime(timer_, TFD_TIMER_ABSTIME, &spec, nullptr);
}

}  // namespace wg::io
