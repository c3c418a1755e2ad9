// SPDX-License-Identifier: MIT
// The handshake-and-echo probe (see ping.hpp). I/O lives here, protocol in
// reference/: this file only moves bytes and narrates.
#include "ping.hpp"

#include <sys/socket.h>

#include <array>
#include <ostream>
#include <thread>

#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "handshake/noise.hpp"
#include "io/key_log.hpp"
#include "io/system.hpp"
#include "transport/data_message.hpp"

namespace wg::conformance {
namespace {

constexpr int kHandshakeAttempts = 3;
/// The Linux kernel drops an initiation arriving within 1/50 s of the last
/// one from the same peer; space retries well beyond that.
constexpr auto kRetrySpacing = std::chrono::milliseconds(50);
constexpr std::size_t kMaxDatagram = 65535;

/// Waits for the next datagram until `deadline` (monotonic ms); nullopt when
/// time is up, so a silent target costs at most the timeout.
std::optional<ByteView> next_datagram(UdpSocket& socket, std::span<std::uint8_t> buffer, std::uint64_t deadline) {
    const std::uint64_t now = io::monotonic_ms();
    if (now >= deadline) return std::nullopt;
    Endpoint from;
    const auto n = socket.receive(buffer, from, static_cast<int>(deadline - now));
    if (!n) return std::nullopt;
    return ByteView{buffer.data(), *n};
}

std::string hex32(std::uint32_t v) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::string s = "0x";
    for (int shift = 28; shift >= 0; shift -= 4) s.push_back(kDigits[(v >> shift) & 0xf]);
    return s;
}

}  // namespace

int run_ping(const PingOptions& options, std::ostream& out) {
    io::SystemRng rng;
    std::string error;
    auto socket = UdpSocket::open(options.target.address.family, 0, error);
    if (!socket) {
        out << "error: " << error << "\n";
        return 2;
    }
    const auto key_log = options.keylog_path.empty() ? std::nullopt : io::KeyLog::open(options.keylog_path, error);
    if (!options.keylog_path.empty() && !key_log) {
        out << "error: --keylog " << error << "\n";
        return 2;
    }
    const auto self = handshake::StaticIdentity::from_private_key(options.private_key);
    const handshake::RemotePeer peer{options.target_public_key, options.preshared_key};
    const auto target_keys = cookie::MacKeys::of(options.target_public_key);
    const auto own_keys = cookie::MacKeys::of(self.public_key);
    out << "wgconform ping: handshake with " << options.target.to_string() << "\n";

    std::array<std::uint8_t, kMaxDatagram> buffer{};
    std::optional<handshake::TransportKeys> keys;
    std::optional<crypto::Mac> cookie;
    for (int attempt = 1; attempt <= kHandshakeAttempts && !keys; ++attempt) {
        handshake::InitiationParameters params;
        std::array<std::uint8_t, crypto::kKeySize> random{};
        rng.fill(random);
        params.ephemeral_private = crypto::make_private_key(random);
        rng.fill({reinterpret_cast<std::uint8_t*>(&params.sender_index), sizeof params.sender_index});
        params.timestamp = io::tai64n_now();
        if (key_log) key_log->write({options.private_key, options.target_public_key, params.ephemeral_private, options.preshared_key});
        std::array<std::uint8_t, wire::Initiation::kSize> initiation{};
        auto initiator = handshake::InitiatorHandshake::create_initiation(self, peer, params, initiation);
        if (!initiator) {
            out << "error: the target's public key is a low-order point\n";
            return 2;
        }
        const crypto::Mac sent_mac1 = cookie::add_macs(initiation, target_keys.mac1_key, cookie);
        socket->send_to(options.target, initiation);
        out << "  -> handshake initiation, 148 bytes, sender index " << hex32(params.sender_index)
            << (cookie ? ", with mac2" : "") << "   [paper 5.4.2]\n";

        const std::uint64_t deadline = io::monotonic_ms() + static_cast<std::uint64_t>(options.timeout_ms);
        while (!keys) {
            const auto received = next_datagram(*socket, buffer, deadline);
            if (!received) break;
            const ByteView datagram = *received;
            if (const auto message = wire::CookieReplyMessage::parse(datagram)) {
                auto reply = cookie::consume_cookie_reply(*message, initiator->sender_index(), target_keys.cookie_key, sent_mac1);
                out << "  <- cookie reply: "
                    << (reply ? "cookie decrypted, retrying with mac2" : to_string(reply.error()))
                    << "   [paper 5.4.7]\n";
                if (reply) {
                    cookie = reply.value();
                    break;
                }
            } else if (const auto response = wire::ResponseMessage::parse(datagram)) {
                if (!cookie::mac1_is_valid(datagram, own_keys.mac1_key)) {
                    out << "  <- response rejected: " << to_string(DropReason::bad_mac1) << "\n";
                    continue;
                }
                auto result = initiator->consume_response(*response, self, peer);
                if (!result) {
                    out << "  <- response rejected: " << to_string(result.error()) << "\n";
                    continue;
                }
                keys = std::move(result).value();
                out << "  <- handshake response, 92 bytes, sender index " << hex32(keys->remote_index)
                    << "   [paper 5.4.3]\n";
                out << "handshake complete: transport keys derived   [paper 5.4.5]\n";
            }
        }
        if (!keys) std::this_thread::sleep_for(kRetrySpacing);
    }
    if (!keys) {
        out << "FAIL: no valid handshake response from " << options.target.to_string() << " after "
            << kHandshakeAttempts << " initiations\n";
        return 1;
    }

    // §5.4.6: the first data packet also confirms the keys to the responder,
    // which sends nothing on a new session until it has received one.
    const EchoId echo{static_cast<std::uint16_t>(keys->local_index), 1};
    const std::string_view text = "wgref: hello through the tunnel";
    const Bytes request = make_echo_request(options.tunnel_ip, options.target_tunnel_ip, echo, as_bytes(text));
    std::array<std::uint8_t, kMaxDatagram> message{};
    const std::size_t padded = transport::padded_length(request.size(), wire::kDefaultMtu);
    const std::size_t length =
        transport::seal_data_message(keys->sending, keys->remote_index, 0, request, padded, message);
    socket->send_to(options.target, {message.data(), length});
    out << "  -> transport data, counter 0: ICMP echo request " << options.tunnel_ip.to_string() << " -> "
        << options.target_tunnel_ip.to_string() << " (" << request.size() << " bytes, padded to " << padded
        << ")   [paper 5.4.6]\n";

    const std::uint64_t deadline = io::monotonic_ms() + static_cast<std::uint64_t>(options.timeout_ms);
    while (const auto received = next_datagram(*socket, buffer, deadline)) {
        const ByteView datagram = *received;
        const auto header = wire::DataMessage::parse(datagram);
        if (!header || header->receiver() != keys->local_index) continue;
        std::array<std::uint8_t, kMaxDatagram> plaintext{};
        auto opened = transport::open_data_message(keys->receiving, *header, plaintext);
        if (!opened) {
            out << "  <- transport data rejected: " << to_string(opened.error()) << "\n";
            continue;
        }
        const ByteView padded_plaintext{plaintext.data(), opened.value()};
        const auto inner_length = transport::inner_packet_length(padded_plaintext);
        if (!inner_length) {
            out << "  <- keepalive or non-IP payload, counter " << header->counter() << "\n";
            continue;
        }
        const ByteView inner = padded_plaintext.first(*inner_length);
        if (is_echo_reply(inner, options.tunnel_ip, options.target_tunnel_ip, echo, as_bytes(text))) {
            out << "  <- transport data, counter " << header->counter() << ": decrypted ICMP echo reply "
                << options.target_tunnel_ip.to_string() << " -> " << options.tunnel_ip.to_string() << " ("
                << inner.size() << " bytes)\n";
            out << "PASS: " << options.target.to_string() << " completed our handshake and answered our echo\n";
            return 0;
        }
        out << "  <- transport data, counter " << header->counter() << ": " << inner.size()
            << "-byte packet that is not our echo reply\n";
    }
    out << "FAIL: handshake completed but no echo reply within " << options.timeout_ms << " ms\n";
    return 1;
}

}  // namespace wg::conformance
