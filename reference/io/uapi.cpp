// SPDX-License-Identifier: MIT
// The UAPI text protocol (see uapi.hpp).
#include "io/uapi.hpp"

#include <cerrno>
#include <charconv>
#include <functional>
#include <sstream>

#include "common/bytes.hpp"
#include "crypto/x25519.hpp"

namespace wg::io {
namespace {

template <std::size_t N>
bool parse_hex_key(std::string_view text, std::array<std::uint8_t, N>& out) {
    Bytes bytes;
    const bool ok = text.size() == 2 * N && from_hex(text, bytes);
    if (ok) std::copy(bytes.begin(), bytes.end(), out.begin());
    crypto::wipe(bytes.data(), bytes.size());  // it may be a private key or a PSK
    return ok;
}


template <typename Number>
bool parse_number(std::string_view text, Number& out) {
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && error == std::errc{} && end == text.data() + text.size();
}

bool parse_bool_true(std::string_view value) { return value == "true"; }

}  // namespace

std::string errno_line(int error) { return "errno=" + std::to_string(error == 0 ? 0 : -error) + "\n\n"; }

std::optional<ChangeError> SetParser::feed_line(std::string_view line) {
    ++line_number_;
    if (line.empty()) return std::nullopt;
    const auto eq = line.find('=');
    if (eq == std::string_view::npos) return ChangeError{line_number_, "expected key=value"};
    const std::string_view key = line.substr(0, eq), value = line.substr(eq + 1);
    auto bad = [&](const char* what) { return ChangeError{line_number_, std::string(key) + ": " + what}; };
    DeviceChange& change = change_;
    DeviceChange::PeerChange* peer = change.peers.empty() ? nullptr : &change.peers.back();

    if (key == "public_key") {
        change.peers.emplace_back();
        if (!parse_hex_key(value, change.peers.back().public_key)) return bad("not a 64-digit hex key");
        return std::nullopt;
    }
    if (!peer) {  // interface keys come before the first peer
        if (key == "private_key") {
            crypto::PublicKey raw{};
            if (!parse_hex_key(value, raw)) return bad("not a 64-digit hex key");
            change.private_key = crypto::PrivateKey::from(raw);
            crypto::wipe(raw.data(), raw.size());
        } else if (key == "listen_port") {
            std::uint16_t port = 0;
            if (!parse_number(value, port)) return bad("not a port number");
            change.listen_port = port;
        } else if (key == "fwmark") {
            std::uint32_t mark = 0;
            if (!parse_number(value, mark)) return bad("not a number");
            change.fwmark = mark;
        } else if (key == "replace_peers") {
            if (!parse_bool_true(value)) return bad("only 'true' is allowed");
            change.replace_peers = true;
        } else {
            return bad("unknown interface key");
        }
        return std::nullopt;
    }
    if (key == "remove") {
        if (!parse_bool_true(value)) return bad("only 'true' is allowed");
        peer->remove = true;
    } else if (key == "update_only") {
        if (!parse_bool_true(value)) return bad("only 'true' is allowed");
        peer->update_only = true;
    } else if (key == "preshared_key") {
        crypto::PublicKey raw{};
        if (!parse_hex_key(value, raw)) return bad("not a 64-digit hex key");
        peer->preshared_key = crypto::SymmetricKey::from(raw);
        crypto::wipe(raw.data(), raw.size());
    } else if (key == "endpoint") {
        peer->endpoint = Endpoint::parse(value);
        if (!peer->endpoint) return bad("expected IP:PORT or [IPv6]:PORT");
    } else if (key == "persistent_keepalive_interval") {
        std::uint16_t seconds = 0;
        if (!parse_number(value, seconds)) return bad("expected 0..65535 seconds");
        peer->persistent_keepalive = std::chrono::seconds(seconds);
    } else if (key == "replace_allowed_ips") {
        if (!parse_bool_true(value)) return bad("only 'true' is allowed");
        // Lines take effect in order (as wireguard-go applies them): this
        // one replaces what the peer had, including allowed_ip lines above it.
        peer->replace_allowed_ips = true;
        peer->allowed_ips.clear();
    } else if (key == "allowed_ip") {
        auto prefix = IpPrefix::parse(value);
        if (!prefix || value.find('/') == std::string_view::npos) return bad("expected ADDRESS/LENGTH");
        peer->allowed_ips.push_back(*prefix);
    } else if (key == "protocol_version") {
        if (value != "1") return bad("only protocol version 1 exists");
    } else {
        return bad("unknown peer key");
    }
    return std::nullopt;
}

Result<DeviceChange, ChangeError> parse_set(std::string_view body) {
    SetParser parser;
    std::size_t start = 0;
    while (start < body.size()) {
        const std::size_t end = std::min(body.find('\n', start), body.size());
        if (auto error = parser.feed_line(body.substr(start, end - start))) return *error;
        start = end + 1;
    }
    return parser.take();
}

// ---- one request as its bytes arrive -------------------------------------------

RequestReader::State RequestReader::feed(std::string_view bytes) {
    for (std::size_t start = 0; start < bytes.size() && state_ == State::reading;) {
        const std::size_t newline = bytes.find('\n', start);
        const std::size_t end = newline == std::string_view::npos ? bytes.size() : newline;
        line_.append(bytes.substr(start, end - start));
        start = end + 1;
        if (line_.size() > kMaxLineLength) {
            // A line number counts the lines after `set=1` (see answer); the
            // first line, or a line after `get=1`, is the request as a whole.
            const int line = operation_ == State::set ? parser_.lines_read() + 1 : 0;
            refuse(ChangeError{line, "line longer than " + std::to_string(kMaxLineLength) + " bytes"});
            break;
        }
        if (newline == std::string_view::npos) break;  // the rest of the line comes later
        take_line();
    }
    return state_;
}

void RequestReader::take_line() {
    const std::string_view line = line_;
    if (!operation_) {  // the first line names the request
        if (line == "get=1") {
            operation_ = State::get;
        } else if (line == "set=1") {
            operation_ = State::set;
        } else {
            refuse(ChangeError{0, "a request starts with get=1 or set=1"});
        }
    } else if (line.empty()) {  // the empty line ends the request
        state_ = *operation_;
    } else if (*operation_ == State::get) {
        refuse(ChangeError{0, "get=1 takes no lines"});
    } else if (auto error = parser_.feed_line(line)) {
        refuse(*error);
    }
    crypto::wipe(line_.data(), line_.size());  // it may have held a key
    line_.clear();
}

void RequestReader::refuse(ChangeError error) {
    error_ = std::move(error);
    state_ = State::refused;
    crypto::wipe(line_.data(), line_.size());
    line_.clear();
}

void apply(const DeviceChange& change, device::Device& device, InterfaceSettings& settings) {
    if (change.private_key) device.set_private_key(*change.private_key);
    if (change.listen_port) settings.listen_port = *change.listen_port;
    if (change.fwmark) settings.fwmark = *change.fwmark;
    if (change.replace_peers) device.remove_all_peers();
    for (const auto& p : change.peers) {
        if (p.remove) {
            device.remove_peer(p.public_key);
            continue;
        }
        if (p.update_only && !device.find_peer(p.public_key)) continue;
        if (device.has_identity() && p.public_key == device.public_key()) continue;  // never our own key
        const auto id = device.ensure_peer(p.public_key);
        if (p.preshared_key) device.set_preshared_key(id, *p.preshared_key);
        if (p.endpoint) device.set_endpoint(id, *p.endpoint);
        if (p.persistent_keepalive) device.set_persistent_keepalive(id, *p.persistent_keepalive);
        if (p.replace_allowed_ips) device.clear_allowed_ips(id);
        for (const auto& prefix : p.allowed_ips) device.add_allowed_ip(id, prefix);
    }
}

void write_get(const device::Device& device, const InterfaceSettings& settings,
               const std::function<void(std::string_view)>& write) {
    // Written a peer at a time into a buffer handed on whenever it passes
    // kChunk, so the answer for 100,000 peers never exists whole in memory.
    constexpr std::size_t kChunk = 64 * 1024;
    std::ostringstream out;
    auto hand_on = [&](bool last) {
        if (!last && static_cast<std::size_t>(out.tellp()) < kChunk) return;
        std::string text = std::move(out).str();
        write(text);
        crypto::wipe(text.data(), text.size());  // it held the private key and PSKs
        out.str(std::string());
    };
    if (device.has_identity()) out << "private_key=" << to_hex(device.private_key().view()) << "\n";
    out << "listen_port=" << settings.listen_port << "\n";
    if (settings.fwmark) out << "fwmark=" << settings.fwmark << "\n";
    for (const auto id : device.peers()) {
        const auto info = device.peer_info(id);
        out << "public_key=" << to_hex(info.public_key) << "\n";
        out << "preshared_key=" << to_hex(info.preshared_key.view()) << "\n";  // zeros for none, as wireguard-go
        out << "protocol_version=1\n";
        if (info.endpoint) out << "endpoint=" << info.endpoint->to_string() << "\n";
        if (info.stats.last_handshake_unix_time) {
            const Duration unix_time = *info.stats.last_handshake_unix_time;
            const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(unix_time);
            out << "last_handshake_time_sec=" << seconds.count() << "\n";
            out << "last_handshake_time_nsec=" << (unix_time - seconds).count() << "\n";
        } else {
            out << "last_handshake_time_sec=0\nlast_handshake_time_nsec=0\n";
        }
        out << "tx_bytes=" << info.stats.tx_bytes << "\n";
        out << "rx_bytes=" << info.stats.rx_bytes << "\n";
        out << "persistent_keepalive_interval="
            << std::chrono::duration_cast<std::chrono::seconds>(info.persistent_keepalive).count() << "\n";
        for (const auto& prefix : info.allowed_ips) out << "allowed_ip=" << prefix.to_string() << "\n";
        out << "wgref_handshakes_initiated=" << info.stats.handshakes_initiated << "\n";
        out << "wgref_handshakes_completed=" << info.stats.handshakes_completed << "\n";
        out << "wgref_cookies_received=" << info.stats.cookies_received << "\n";
        out << "wgref_keepalives_received=" << info.stats.keepalives_received << "\n";
        hand_on(false);
    }
    // Read-only counters the other implementations lack. `wg` skips keys it
    // does not know, so these cost it nothing; wgconform and labs read them.
    for (std::size_t r = 0; r < kDropReasonCount; ++r) {
        const auto reason = static_cast<DropReason>(r);
        out << "wgref_drops_" << to_string(reason) << "=" << device.drops(reason) << "\n";
    }
    out << "wgref_cookies_sent=" << device.cookies_sent() << "\n";
    out << "errno=0\n\n";
    hand_on(true);
}

std::string format_get(const device::Device& device, const InterfaceSettings& settings) {
    std::string answer;
    write_get(device, settings, [&](std::string_view chunk) { answer.append(chunk); });
    return answer;
}

std::string handle_request(std::string_view request, device::Device& device, InterfaceSettings& settings,
                           bool& changed, std::string* refusal) {
    RequestReader reader;
    reader.feed(request);
    return answer(reader, device, settings, changed, refusal);
}

std::string answer(RequestReader& reader, device::Device& device, InterfaceSettings& settings, bool& changed,
                   std::string* refusal) {
    changed = false;
    switch (reader.state()) {
        case RequestReader::State::get:
            return format_get(device, settings);
        case RequestReader::State::set:
            apply(reader.change(), device, settings);
            changed = true;
            return errno_line(0);
        case RequestReader::State::refused:
        case RequestReader::State::reading:
            break;
    }
    const ChangeError& error = reader.error();
    if (refusal) {
        *refusal = error.line > 0 ? "set refused: line " + std::to_string(error.line + 1) + ": " + error.message
                                  : "refused: " + error.message;
    }
    return errno_line(EINVAL);
}

}  // namespace wg::io
