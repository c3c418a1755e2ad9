// SPDX-License-Identifier: MIT
// The packets' way through the I/O shell (see interface.hpp): datagrams
// from the UDP socket and packets from the TUN device into the Device, and
// its Outbox back out. Each direction has two forms. The plain one, packet
// by packet, is what to read first: it is all the protocol needs. The
// offloaded one (offload.hpp) moves up to 64 KB per system call and hands the
// Device exactly the same packets, so it changes nothing the Device sees or
// sends; it is what makes a userspace tunnel fast (docs/making_it_fast.md).
#include <linux/if.h>
#include <linux/if_tun.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "io/interface.hpp"
#include "io/log.hpp"
#include "io/socket_address.hpp"

namespace wg::io {
namespace {

constexpr std::size_t kBatch = 32;  ///< datagrams per recvmmsg/sendmmsg call, reads per TUN turn
/// A datagram, or with UDP_GRO several glued together; a TUN read, with a
/// super-packet of up to 64 KB behind its virtio-net header.
constexpr std::size_t kMaxRead = 65536 + offload::VirtioHeader::kSize;
/// A TUN turn hands the Device its packets as a batch once it holds this
/// many, so 32 super-packets do not wait to leave as 1,400 datagrams at once.
constexpr std::size_t kFlushAt = 128;

}  // namespace

void Interface::enable_tun_offloads() {
    // Every TUN read and write now carries a virtio-net header. Which
    // super-packets the kernel may hand us: TCP (TSO) since Linux 2.6, UDP
    // (USO) since 6.2; with an older kernel we ask for less, and with none
    // the headers stay, empty.
    offloads_.tun_headers = true;
    const int header_size = offload::VirtioHeader::kSize;
    ::ioctl(tun_, TUNSETVNETHDRSZ, &header_size);
    using namespace offload;
    for (const unsigned flags : {kTunChecksum | kTunTso4 | kTunTso6 | kTunUso4 | kTunUso6, kTunChecksum | kTunTso4 | kTunTso6}) {
        if (::ioctl(tun_, TUNSETOFFLOAD, flags) == 0) {
            offloads_.tun_segments = true;
            log_verbose(std::string("TUN offloads: checksums, TCP segments") + ((flags & kTunUso4) ? ", UDP segments" : ""));
            return;
        }
    }
    log_verbose("TUN offloads: none (TUNSETOFFLOAD refused); packet by packet");
}

void Interface::on_udp_readable() {
    // recvmmsg: up to kBatch datagrams per system call. With UDP_GRO, each
    // may be several datagrams from one sender glued together, all of one
    // size but the last, and the size comes in a control message.
    static std::array<std::array<std::uint8_t, kMaxRead>, kBatch> buffers;
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> vectors{};
    std::array<sockaddr_in6, kBatch> sources{};
    struct alignas(cmsghdr) Control {
        std::array<std::uint8_t, CMSG_SPACE(sizeof(int))> bytes;
    };
    std::array<Control, kBatch> controls{};
    for (std::size_t i = 0; i < kBatch; ++i) {
        vectors[i] = {buffers[i].data(), buffers[i].size()};
        messages[i].msg_hdr.msg_iov = &vectors[i];
        messages[i].msg_hdr.msg_iovlen = 1;
        messages[i].msg_hdr.msg_name = &sources[i];
        messages[i].msg_hdr.msg_namelen = sizeof sources[i];
        if (offloads_.udp_gro) {
            messages[i].msg_hdr.msg_control = controls[i].bytes.data();
            messages[i].msg_hdr.msg_controllen = controls[i].bytes.size();
        }
    }
    const int n = ::recvmmsg(udp_, messages.data(), kBatch, MSG_DONTWAIT, nullptr);
    received_.clear();
    for (std::size_t i = 0; i < static_cast<std::size_t>(std::max(n, 0)); ++i) {
        msghdr& m = messages[i].msg_hdr;
        if (m.msg_flags & MSG_TRUNC) continue;  // larger than any WireGuard message we accept
        std::size_t size = messages[i].msg_len;
        for (cmsghdr* c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
            if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO) {
                int glued = 0;
                std::memcpy(&glued, CMSG_DATA(c), sizeof glued);
                if (glued > 0) size = static_cast<std::size_t>(glued);
            }
        }
        // Cut apart what UDP_GRO glued (an empty datagram stays one, to be
        // dropped and counted as malformed like any other).
        const Endpoint from = endpoint_of(sources[i]);
        std::size_t at = 0;
        do {
            received_.push_back({from, ByteView(buffers[i].data() + at, std::min(size, messages[i].msg_len - at))});
            at += size;
        } while (at < messages[i].msg_len);
    }
    // One batch for the Device: its crypto on every core (device/batch.cpp).
    device_->receive_datagrams(received_, now(), outbox_);
    flush(outbox_);
}

bool Interface::on_tun_readable() {
    static std::array<std::uint8_t, kMaxRead> buffer;
    bool alive = true;
    // Each packet read (or cut from a super-packet) is kept for one batch.
    std::size_t kept = 0;
    const auto keep = [&](ByteView packet) {
        if (kept == tun_packets_.size()) tun_packets_.emplace_back();
        tun_packets_[kept++].assign(packet.begin(), packet.end());
    };
    const auto send_kept = [&] {
        to_send_.assign(tun_packets_.begin(), tun_packets_.begin() + static_cast<std::ptrdiff_t>(kept));
        device_->send_packets(to_send_, now(), outbox_);  // crypto on every core (device/batch.cpp)
        flush(outbox_);
        kept = 0;
    };
    for (std::size_t i = 0; i < kBatch; ++i) {  // drain a batch, then let UDP have a turn
        const ssize_t n = ::read(tun_, buffer.data(), buffer.size());
        if (n < 0 && (errno == EAGAIN || errno == EINTR)) break;
        if (n <= 0) {
            alive = false;  // EBADFD, EIO...: the device is gone
            break;
        }
        const MutableByteView read(buffer.data(), static_cast<std::size_t>(n));
        if (!offloads_.tun_headers) {
            keep(read);
        } else if (const auto header = offload::VirtioHeader::read(read)) {
            // A super-packet, or one packet whose checksum is ours to finish:
            // the Device gets the packets a sender without offloads would
            // have made. One the header contradicts is dropped, unseen.
            segmenter_.split(*header, read.subspan(offload::VirtioHeader::kSize), keep);
        }
        if (kept >= kFlushAt) send_kept();
    }
    send_kept();
    return alive;
}

void Interface::flush(device::Outbox& out) {
    if (offloads_.udp_segment) {
        send_segmented(out.datagrams());
    } else {
        send_datagrams(out.datagrams());
    }
    write_to_tun(out);
    if (options_.on_event) {
        for (const auto& e : out.events) options_.on_event(e, *device_);
    }
    out.clear();
}

void Interface::send_datagrams(std::span<device::Datagram> datagrams) {
    // sendmmsg: every datagram the Device produced, in as few calls as possible.
    std::array<mmsghdr, kBatch> messages{};
    std::array<iovec, kBatch> vectors{};
    std::array<sockaddr_in6, kBatch> destinations{};
    for (std::size_t start = 0; start < datagrams.size(); start += kBatch) {
        const std::size_t count = std::min(kBatch, datagrams.size() - start);
        for (std::size_t i = 0; i < count; ++i) {
            auto& d = datagrams[start + i];
            destinations[i] = dual_stack_address(d.to);
            vectors[i] = {d.bytes.data(), d.bytes.size()};
            messages[i] = {};
            messages[i].msg_hdr.msg_iov = &vectors[i];
            messages[i].msg_hdr.msg_iovlen = 1;
            messages[i].msg_hdr.msg_name = &destinations[i];
            messages[i].msg_hdr.msg_namelen = sizeof destinations[i];
        }
        ::sendmmsg(udp_, messages.data(), static_cast<unsigned>(count), MSG_DONTWAIT);
    }
}

void Interface::send_segmented(std::span<device::Datagram> datagrams) {
    // UDP_SEGMENT: each run of datagrams to one peer, of one size but the
    // last, goes as one message that the kernel cuts (or the NIC does). The
    // datagrams stay where the Device wrote them: one iovec each.
    offload::udp_segment_runs(datagrams, udp_runs_);
    std::array<mmsghdr, kBatch> messages{};
    std::array<sockaddr_in6, kBatch> destinations{};
    struct alignas(cmsghdr) Control {
        std::array<std::uint8_t, CMSG_SPACE(sizeof(std::uint16_t))> bytes;
    };
    std::array<Control, kBatch> controls{};
    std::vector<iovec>& vectors = send_vectors_;
    vectors.resize(datagrams.size());
    for (std::size_t i = 0; i < datagrams.size(); ++i) vectors[i] = {datagrams[i].bytes.data(), datagrams[i].bytes.size()};
    for (std::size_t start = 0; start < udp_runs_.size(); start += kBatch) {
        const std::size_t count = std::min(kBatch, udp_runs_.size() - start);
        for (std::size_t i = 0; i < count; ++i) {
            const offload::UdpRun& run = udp_runs_[start + i];
            destinations[i] = dual_stack_address(datagrams[run.first].to);
            messages[i] = {};
            msghdr& m = messages[i].msg_hdr;
            m.msg_iov = &vectors[run.first];
            m.msg_iovlen = run.count;
            m.msg_name = &destinations[i];
            m.msg_namelen = sizeof destinations[i];
            if (run.count > 1) {
                m.msg_control = controls[i].bytes.data();
                m.msg_controllen = controls[i].bytes.size();
                cmsghdr* c = CMSG_FIRSTHDR(&m);
                c->cmsg_level = SOL_UDP;
                c->cmsg_type = UDP_SEGMENT;
                c->cmsg_len = CMSG_LEN(sizeof(std::uint16_t));
                const auto size = static_cast<std::uint16_t>(run.segment_size);
                std::memcpy(CMSG_DATA(c), &size, sizeof size);
            }
        }
        // A full socket buffer drops what does not fit, as the plain path
        // does. EIO says the route cannot segment (an old driver, IPsec):
        // from then on, datagram by datagram.
        std::size_t sent = 0;
        while (sent < count) {
            const int n = ::sendmmsg(udp_, messages.data() + sent, static_cast<unsigned>(count - sent), MSG_DONTWAIT);
            if (n > 0) {
                sent += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EIO) {
                log_error("UDP_SEGMENT refused on this route; sending datagram by datagram");
                offloads_.udp_segment = false;
                const std::size_t first = udp_runs_[start + sent].first;
                return send_datagrams(datagrams.subspan(first));
            }
            break;
        }
    }
}

void Interface::write_to_tun(device::Outbox& out) {
    if (!offloads_.tun_headers) {
        for (const auto& packet : out.to_interface()) {
            [[maybe_unused]] const auto w = ::write(tun_, packet.data(), packet.size());
        }
        return;
    }
    // With headers: consecutive segments of a TCP flow glued into one
    // super-packet where the device takes them, the rest one by one behind
    // an empty header.
    std::array<std::uint8_t, offload::VirtioHeader::kSize> empty{};
    if (!offloads_.tun_segments) {
        for (const auto& packet : out.to_interface()) {
            const std::array<iovec, 2> parts{iovec{empty.data(), empty.size()},
                                             iovec{const_cast<std::uint8_t*>(packet.data()), packet.size()}};
            [[maybe_unused]] const auto w = ::writev(tun_, parts.data(), 2);
        }
        return;
    }
    for (const auto& packet : out.to_interface()) coalescer_.add(packet);
    coalescer_.for_each_output([&](ByteView bytes) { [[maybe_unused]] const auto w = ::write(tun_, bytes.data(), bytes.size()); });
    coalescer_.clear();
}

}  // namespace wg::io
