// SPDX-License-Identifier: MIT
// `wgconform inspect` (see inspect.hpp).
#include "inspect.hpp"

#include <arpa/inet.h>
#include <sys/socket.h>

#include <cstdio>
#include <ctime>
#include <iostream>

#include "cookie/macs.hpp"
#include "crypto/key_text.hpp"
#include "wire/messages.hpp"
#include "pcap_file.hpp"
#include "session_keys.hpp"

namespace wg::conformance::captures {
namespace {

using wire::MessageType;

std::string hex32(std::uint32_t value) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", value);
    return text;
}

std::string address_text(int family, const std::uint8_t* bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes, text, sizeof text);
    return text;
}

/// A TAI64N label as UTC, e.g. "2024-05-01 12:00:00.123456789 UTC" (§5.1),
/// read as the kernel and wireguard-go write it: 2^62 + 10 + Unix seconds.
std::string tai64n_text(const crypto::Tai64n& timestamp) {
    const std::uint64_t label = load_be64(timestamp.bytes().data());
    const std::uint32_t nanoseconds = timestamp.nanoseconds();
    if (label < wire::kTai64Base + wire::kTaiMinusUnixSeconds) return "before 1970 (label " + std::to_string(label) + ")";
    const auto seconds = static_cast<std::time_t>(timestamp.unix_seconds());
    std::tm utc{};
    if (!gmtime_r(&seconds, &utc)) return "label " + std::to_string(label);
    char text[64];
    const std::size_t n = std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &utc);
    std::snprintf(text + n, sizeof text - n, ".%09u UTC", nanoseconds);
    return text;
}

std::string size_text(std::size_t size) { return std::to_string(size) + " bytes"; }

/// Why a datagram that classify() refuses is not a WireGuard message.
std::string describe_unclassified(ByteView payload) {
    if (payload.empty()) return "empty UDP payload: not WireGuard";
    if (payload.size() < wire::kTypeWord.size) {
        return size_text(payload.size()) + ", too short for a message header: not WireGuard";
    }
    const std::uint8_t type = payload[0];
    char reserved[16];
    std::snprintf(reserved, sizeof reserved, "%02x %02x %02x", payload[1], payload[2], payload[3]);
    if (type >= 1 && type <= 4) {
        return "type " + std::to_string(type) + " with non-zero reserved bytes " + reserved +
               ": dropped by receivers [§5.4], " + size_text(payload.size());
    }
    return "unknown type " + std::to_string(type) + ": not WireGuard, " + size_text(payload.size());
}

/// The payload of an ICMP or ICMPv6 echo: "echo request id 7 seq 1".
std::string describe_icmp(ByteView icmp, bool v6) {
    if (icmp.size() < 8) return v6 ? "ICMPv6 (truncated)" : "ICMP (truncated)";
    const std::uint8_t request = v6 ? 128 : 8, reply = v6 ? 129 : 0;
    const std::string name = v6 ? "ICMPv6" : "ICMP";
    const std::string id_seq =
        " id " + std::to_string(load_be16(icmp.data() + 4)) + " seq " + std::to_string(load_be16(icmp.data() + 6));
    if (icmp[0] == request) return name + " echo request" + id_seq;
    if (icmp[0] == reply) return name + " echo reply" + id_seq;
    return name + " type " + std::to_string(icmp[0]) + " code " + std::to_string(icmp[1]);
}

std::string describe_transport(std::uint8_t protocol, ByteView payload, bool v6) {
    if (protocol == (v6 ? 58 : 1)) return describe_icmp(payload, v6);
    if ((protocol == 6 || protocol == 17) && payload.size() >= 4) {
        return std::string(protocol == 6 ? "TCP" : "UDP") + " port " + std::to_string(load_be16(payload.data())) +
               " → " + std::to_string(load_be16(payload.data() + 2));
    }
    return "protocol " + std::to_string(protocol);
}

}  // namespace

std::string describe_inner_packet(ByteView packet) {
    if (packet.empty()) return "empty";
    const int version = packet[0] >> 4;
    if (version == 4 && packet.size() >= 20) {
        const std::size_t header = std::size_t{packet[0] & 0x0fu} * 4;
        const ByteView rest = header <= packet.size() ? packet.subspan(header) : ByteView{};
        return "IPv4 " + address_text(AF_INET, packet.data() + 12) + " → " + address_text(AF_INET, packet.data() + 16) +
               " " + describe_transport(packet[9], rest, false) + ", " + size_text(packet.size());
    }
    if (version == 6 && packet.size() >= 40) {
        return "IPv6 " + address_text(AF_INET6, packet.data() + 8) + " → " + address_text(AF_INET6, packet.data() + 24) +
               " " + describe_transport(packet[6], packet.subspan(40), true) + ", " + size_text(packet.size());
    }
    return "not an IP packet, " + size_text(packet.size());
}

std::string describe_message(ByteView payload) {
    const auto type = wire::classify(payload);
    if (!type) return describe_unclassified(payload);
    const std::size_t size = payload.size();
    switch (*type) {
    case MessageType::initiation: {
        const auto m = wire::InitiationMessage::parse(payload);
        if (!m) return "malformed handshake initiation [§5.4.2]: " + size_text(size) + ", not 148";
        return "handshake initiation [§5.4.2] sender " + hex32(m->sender()) + ", " + size_text(size);
    }
    case MessageType::response: {
        const auto m = wire::ResponseMessage::parse(payload);
        if (!m) return "malformed handshake response [§5.4.3]: " + size_text(size) + ", not 92";
        return "handshake response [§5.4.3] sender " + hex32(m->sender()) + " receiver " + hex32(m->receiver()) + ", " +
               size_text(size);
    }
    case MessageType::cookie_reply: {
        const auto m = wire::CookieReplyMessage::parse(payload);
        if (!m) return "malformed cookie reply [§5.4.7]: " + size_text(size) + ", not 64";
        return "cookie reply [§5.4.7] receiver " + hex32(m->receiver()) + ", " + size_text(size);
    }
    case MessageType::transport_data: {
        const auto m = wire::DataMessage::parse(payload);
        if (!m) return "malformed transport data [§5.4.6]: " + size_text(size) + ", less than the 32-byte minimum";
        const std::string receiver = hex32(m->receiver());
        const std::string counter = std::to_string(m->counter());
        if (m->plaintext_size() == 0) {
            return "keepalive [§5.4.6, §6.5] counter " + counter + " receiver " + receiver + ", " + size_text(size);
        }
        return "transport data counter " + counter + " [§5.4.6] receiver " + receiver + ", " + size_text(size);
    }
    }
    return "unknown";
}

int run_inspect(const std::string& pcap, const InspectOptions& options, std::ostream& out, std::ostream& errors) {
    const auto capture = read_capture(pcap);
    if (!capture) {
        errors << "inspect: " << capture.error() << "\n";
        return 2;
    }
    std::vector<KeyLogEntry> keys;
    if (options.keylog) {
        auto parsed = read_keylog(*options.keylog);
        if (!parsed) {
            errors << "inspect: " << parsed.error() << "\n";
            return 2;
        }
        keys = std::move(parsed.value());
    }
    SessionTable sessions(std::move(keys));
    const auto& datagrams = capture.value().datagrams;
    const double start = datagrams.empty() ? 0.0
                                           : static_cast<double>(datagrams.front().seconds) +
                                                 datagrams.front().microseconds / 1e6;
    std::size_t messages = 0, decrypted = 0, data_messages = 0;
    for (const CapturedDatagram& d : datagrams) {
        const ByteView payload = d.payload;
        const auto type = wire::classify(payload);
        const auto learnt = sessions.learn(payload);
        if (options.fields) {
            // Only well-formed messages: a known type, zero reserved bytes
            // (classify), a legal length. tshark differs on one point: it
            // also dissects messages whose reserved bytes are not zero,
            // which every implementation drops (§5.4).
            if (!type) continue;
            std::string sender, receiver, counter;
            if (const auto initiation = wire::InitiationMessage::parse(payload)) {
                sender = hex32(initiation->sender());
            } else if (const auto response = wire::ResponseMessage::parse(payload)) {
                sender = hex32(response->sender());
                receiver = hex32(response->receiver());
            } else if (const auto reply = wire::CookieReplyMessage::parse(payload)) {
                receiver = hex32(reply->receiver());
            } else if (const auto data = wire::DataMessage::parse(payload)) {
                receiver = hex32(data->receiver());
                counter = std::to_string(data->counter());
            } else {
                continue;  // a known type at an illegal length
            }
            out << d.frame << '\t' << static_cast<int>(*type) << '\t' << sender << '\t' << receiver << '\t' << counter
                << '\n';
            continue;
        }
        ++messages;
        char head[64];
        const double t = static_cast<double>(d.seconds) + d.microseconds / 1e6 - start;
        std::snprintf(head, sizeof head, "#%-4zu %10.6f  ", d.frame, t);
        out << head << d.source.to_string() << " → " << d.destination.to_string() << "  " << describe_message(payload)
            << "\n";
        const std::string indent(8, ' ');
        if (learnt.initiation) {
            const auto& i = *learnt.initiation;
            ++decrypted;
            out << indent << "opened with the " << to_string(i.side) << "'s keys (key log block "
                << i.entry + 1 << "): initiator static " << crypto::key_to_base64(crypto::view(i.initiator_static))
                << ", timestamp " << tai64n_text(i.timestamp) << " [§5.1]\n";
            out << indent << "responder static " << crypto::key_to_base64(crypto::view(i.responder_static)) << ", mac1 "
                << (cookie::mac1_is_valid(payload, cookie::MacKeys::of(i.responder_static).mac1_key) ? "valid" : "INVALID")
                << " [§5.4.4]\n";
        }
        if (learnt.session) {
            ++decrypted;
            out << indent << "transport keys derived [§5.4.5] with the " << to_string(learnt.session->side)
                << "'s keys: data to " << hex32(learnt.session->responder_index) << " is initiator → responder, to "
                << hex32(learnt.session->initiator_index) << " responder → initiator\n";
        }
        if (wire::DataMessage::parse(payload)) {
            ++data_messages;
            if (sessions.empty()) continue;
            const auto opened = sessions.open_data(payload);
            if (opened.inner) {
                ++decrypted;
                out << indent << (opened.inner->empty() ? "decrypted: empty (keepalive)"
                                                        : "decrypted: " + describe_inner_packet(*opened.inner))
                    << "\n";
            } else {
                out << indent << "not decrypted: " << opened.why_not << "\n";
            }
        }
    }
    if (options.fields) return 0;
    out << "\n" << messages << " UDP datagrams in " << capture.value().frames << " frames ("
        << capture.value().skipped << " frames not UDP, link type " << capture.value().link_type << ")";
    if (!sessions.empty()) {
        out << "; " << sessions.session_count() << " sessions recovered from the key log, " << decrypted
            << " messages decrypted, " << data_messages << " data messages";
    }
    out << "\n";
    return 0;
}

int run_inspect(const std::string& pcap, const std::optional<std::string>& keylog, std::ostream& out) {
    InspectOptions options;
    options.keylog = keylog;
    return run_inspect(pcap, options, out, std::cerr);
}

}  // namespace wg::conformance::captures
