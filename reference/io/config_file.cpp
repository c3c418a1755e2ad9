// SPDX-License-Identifier: MIT
// Parsing `wg setconf` files (see config_file.hpp).
#include "io/config_file.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>

#include "crypto/key_text.hpp"

namespace wg::io {
namespace {

/// Keys of wg-quick's own (its [Interface] additions), which `wg setconf`
/// and wgref refuse: `wg-quick strip FILE` prints the file without them.
constexpr const char* kWgQuickKeys[] = {"Address", "DNS", "MTU", "Table", "PreUp", "PostUp", "PreDown", "PostDown", "SaveConfig"};

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

Result<DeviceChange, ChangeError> parse_config(std::string_view text, const NameLookup& lookup) {
    DeviceChange change;
    change.replace_peers = true;  // setconf semantics: the file is the whole truth
    enum class Section { none, interface, peer } section = Section::none;
    int line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++line_number;
        if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = trim(line);
        if (line.empty()) {
            if (end == text.size()) break;
            continue;
        }
        auto error = [&](const std::string& message) { return ChangeError{line_number, message}; };
        if (line.front() == '[') {
            if (equals_ignoring_case(line, "[Interface]")) {
                section = Section::interface;
            } else if (equals_ignoring_case(line, "[Peer]")) {
                section = Section::peer;
                change.peers.emplace_back();
                change.peers.back().replace_allowed_ips = true;
            } else {
                return error("unknown section " + std::string(line) + " (expected [Interface] or [Peer])");
            }
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string_view::npos) return error("expected Key = Value");
        const std::string_view key = trim(line.substr(0, eq));
        const std::string_view value = trim(line.substr(eq + 1));
        const std::string name(key);
        auto is = [&](const char* k) { return equals_ignoring_case(key, k); };

        if (section == Section::interface) {
            if (is("PrivateKey")) {
                auto k = crypto::secret_from_base64(value);
                if (!k) return error("PrivateKey: not a base64 WireGuard key (44 characters)");
                change.private_key = *k;
            } else if (is("ListenPort")) {
                std::uint16_t port = 0;
                const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), port);
                if (ec != std::errc{} || p != value.data() + value.size()) return error("ListenPort: expected 0..65535");
                change.listen_port = port;
            } else if (is("FwMark")) {
                std::uint32_t mark = 0;
                if (value != "off") {
                    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), mark);
                    if (ec != std::errc{} || p != value.data() + value.size()) return error("FwMark: expected a number or off");
                }
                change.fwmark = mark;
            } else {
                for (const char* quick : kWgQuickKeys) {
                    if (is(quick)) {
                        return error(name + " is a wg-quick key, which wgref does not read: use wg-quick itself "
                                            "(WG_QUICK_USERSPACE_IMPLEMENTATION=wgref wg-quick up FILE), or give "
                                            "wgref what `wg-quick strip FILE` prints");
                    }
                }
                return error("unknown [Interface] key " + name);
            }
        } else if (section == Section::peer) {
            auto& peer = change.peers.back();
            if (is("PublicKey")) {
                auto k = crypto::public_key_from_base64(value);
                if (!k) return error("PublicKey: not a base64 WireGuard key (44 characters)");
                peer.public_key = *k;
            } else if (is("PresharedKey")) {
                auto k = crypto::secret_from_base64(value);
                if (!k) return error("PresharedKey: not a base64 WireGuard key (44 characters)");
                peer.preshared_key = *k;
            } else if (is("AllowedIPs")) {
                std::size_t from = 0;
                while (from <= value.size()) {
                    const std::size_t comma = std::min(value.find(',', from), value.size());
                    const std::string_view item = trim(value.substr(from, comma - from));
                    from = comma + 1;
                    if (item.empty()) continue;
                    auto prefix = IpPrefix::parse(item);
                    if (!prefix) return error("AllowedIPs: '" + std::string(item) + "' is not an address or prefix");
                    peer.allowed_ips.push_back(*prefix);
                }
            } else if (is("Endpoint")) {
                std::string why;
                peer.endpoint = resolve_endpoint(value, why, lookup);
                if (!peer.endpoint) return error("Endpoint: " + why);
            } else if (is("PersistentKeepalive")) {
                std::uint16_t seconds = 0;
                if (value != "off") {
                    const auto [p, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
                    if (ec != std::errc{} || p != value.data() + value.size()) return error("PersistentKeepalive: expected 1..65535 or off");
                }
                peer.persistent_keepalive = std::chrono::seconds(seconds);
            } else {
                return error("unknown [Peer] key " + name);
            }
        } else {
            return error("a key outside any section");
        }
    }
    for (const auto& peer : change.peers) {
        if (peer.public_key == crypto::PublicKey{}) return ChangeError{0, "a [Peer] section has no PublicKey"};
    }
    return change;
}

}  // namespace wg::io
