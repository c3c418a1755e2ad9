// SPDX-License-Identifier: MIT
// Cases: the configuration protocol (wireguard.com/xplatform), which `wg`
// speaks to wireguard-go and wgref over /var/run/wireguard/IFACE.sock (the
// kernel is configured over netlink instead, so these cases skip there).
// What `wg` relies on, as wireguard-go and the kernel behave:
//   - a refused request ends with errno=-N, negative (wireguard-go writes
//     it so; `wg` prints strerror of its absolute value);
//   - `get` shows the private key as stored, clamped (RFC 7748 §5), and a
//     preshared_key line for every peer, zeros for none;
//   - the lines of a `set` apply in order: replace_allowed_ips=true wipes the
//     allowed_ip lines before it, not those after;
//   - an endpoint with port 0 is accepted (the kernel takes any sockaddr);
//   - changing a peer's preshared key keeps its sessions: the kernel's
//     set_peer changes the key for the next handshake only.
// Each case that changes something works on a peer it adds and removes, or
// restores what it changed.
#include <sstream>

#include "case_support.hpp"
#include "crypto/x25519.hpp"

namespace wg::conformance {
namespace {

constexpr const char* kNoUapi = "needs the target's UAPI socket (--uapi-socket; the kernel has none: it speaks netlink)";

std::string errno_of(const std::string& answer) {
    for (const auto& [key, value] : lines_of(answer)) {
        if (key == "errno") return value;
    }
    return "(none)";
}

std::string hex_key(ByteView key) { return to_hex(key); }

/// A peer of our own making: a random public key nobody holds the private key of.
std::string stranger_key(CaseContext& c) {
    std::array<std::uint8_t, crypto::kKeySize> random{};
    c.rng.fill(random);
    return hex_key(crypto::public_key_of(crypto::make_private_key(random)));
}

/// The values of `field` in the section of the peer with `public_key`.
std::vector<std::string> peer_values(const std::string& answer, const std::string& public_key, const std::string& field) {
    std::vector<std::string> values;
    bool inside = false;
    for (const auto& [key, value] : lines_of(answer)) {
        if (key == "public_key") inside = value == public_key;
        else if (inside && key == field) values.push_back(value);
    }
    return values;
}

Outcome errno_negative(CaseContext& c) {
    const auto answer = c.network.uapi("set=1\nno_such_key=1\n\n");
    if (!answer) return skip(kNoUapi);
    const std::string value = errno_of(*answer);
    if (value.empty() || value == "(none)" || value == "0") return fail("a request with an unknown key got errno=" + value);
    if (value[0] != '-') {
        return fail("a refused request ended with errno=" + value + ": wireguard-go writes it negative, errno=-" + value);
    }
    return pass("a request with an unknown key: errno=" + value);
}

Outcome get_shape(CaseContext& c) {
    const auto answer = c.network.uapi("get=1\n\n");
    if (!answer) return skip(kNoUapi);
    if (errno_of(*answer) != "0") return fail("get=1 ended with errno=" + errno_of(*answer));
    std::optional<std::string> private_key;
    for (const auto& [key, value] : lines_of(*answer)) {
        if (key == "private_key") private_key = value;
    }
    if (!private_key) return fail("get=1 shows no private_key");
    Bytes raw;
    if (!from_hex(*private_key, raw) || raw.size() != crypto::kKeySize) return fail("private_key is not 64 hex digits");
    const bool clamped = (raw[0] & 7) == 0 && (raw[31] & 0x80) == 0 && (raw[31] & 0x40) != 0;
    const auto key = crypto::PrivateKey::from(raw);
    crypto::wipe(raw.data(), raw.size());
    if (!clamped) return fail("private_key is shown as given, not clamped (RFC 7748 5) as the kernel and wireguard-go store it");
    if (crypto::public_key_of(key) != c.config.target.public_key) return fail("private_key is not the target's (its public key differs)");
    const std::string first = hex_key(c.first.identity().public_key);
    if (peer_values(*answer, first, "preshared_key").size() != 1) {
        return fail("identity 1's section has no preshared_key line: wireguard-go shows one for every peer, zeros for none");
    }
    return pass("private_key clamped and the target's; a preshared_key line for every peer; errno=0");
}

Outcome lines_in_order(CaseContext& c) {
    const std::string peer = stranger_key(c);
    const auto answer = c.network.uapi("set=1\npublic_key=" + peer + "\nallowed_ip=198.51.100.77/32\nreplace_allowed_ips=true\n" +
                                       "allowed_ip=198.51.100.78/32\n\n");
    if (!answer) return skip(kNoUapi);
    if (errno_of(*answer) != "0") return fail("adding a peer with allowed IPs got errno=" + errno_of(*answer));
    const auto shown = c.network.uapi("get=1\n\n");
    c.network.uapi("set=1\npublic_key=" + peer + "\nremove=true\n\n");
    const auto ips = peer_values(shown.value_or(""), peer, "allowed_ip");
    std::string list;
    for (const auto& ip : ips) list += (list.empty() ? "" : ", ") + ip;
    if (ips.size() == 1 && ips[0] == "198.51.100.78/32") {
        return pass("allowed_ip A, replace_allowed_ips=true, allowed_ip B: only B, as wireguard-go applies lines in order");
    }
    return fail("allowed_ip A, replace_allowed_ips=true, allowed_ip B left [" + list +
                "]: the lines of a set apply in order, so the replace wipes A only");
}

Outcome endpoint_port_zero(CaseContext& c) {
    const std::string peer = stranger_key(c);
    const auto answer = c.network.uapi("set=1\npublic_key=" + peer + "\nendpoint=203.0.113.99:0\n\n");
    if (!answer) return skip(kNoUapi);
    c.network.uapi("set=1\npublic_key=" + peer + "\nremove=true\n\n");
    if (errno_of(*answer) != "0") {
        return fail("endpoint=203.0.113.99:0 got errno=" + errno_of(*answer) + ": the kernel and wireguard-go take port 0");
    }
    return pass("endpoint with port 0: accepted");
}

Outcome psk_change_keeps_session(CaseContext& c) {
    if (!c.network.uapi("get=1\n\n")) return skip(kNoUapi);
    std::string why;
    auto session = confirmed_session(c, c.first, c.network.open_port(), why);
    if (!session) return skip(why);
    const std::string first = hex_key(c.first.identity().public_key);
    crypto::SymmetricKey other;
    c.rng.fill(other.span());
    const auto answer = c.network.uapi("set=1\npublic_key=" + first + "\npreshared_key=" + to_hex(other.view()) + "\n\n");
    const auto [ours, theirs] = *any_addresses(c.first);
    const Echo echo = c.first.echo(*session, ours, theirs);
    const bool delivered = echo_comes_back(c, echo, session->port, *session, c.config.answer_wait);
    c.network.uapi("set=1\npublic_key=" + first + "\npreshared_key=" + to_hex(c.config.target.preshared_key.view()) + "\n\n");
    if (!answer || errno_of(*answer) != "0") return fail("setting identity 1's preshared key got errno=" + errno_of(answer.value_or("")));
    if (!delivered) {
        return fail("after identity 1's preshared key changed, its session no longer carries data: the kernel and "
                    "wireguard-go keep sessions; the new key is for the next handshake");
    }
    return pass("preshared key changed: the session still carries data (restored afterwards)");
}

const CaseDefinition kCases[] = {
    {"uapi.errno_negative", "xplatform", "a refused request ends with a negative errno", false, errno_negative},
    {"uapi.get_shape", "xplatform", "get shows the clamped private key and every peer's preshared_key", false, get_shape},
    {"uapi.lines_in_order", "xplatform", "the lines of a set apply in order", false, lines_in_order},
    {"uapi.endpoint_port_zero", "xplatform", "an endpoint with port 0 is accepted", false, endpoint_port_zero},
    {"uapi.psk_change_keeps_session", "xplatform", "changing a preshared key keeps the peer's sessions", false,
     psk_change_keeps_session},
};

}  // namespace

std::span<const CaseDefinition> uapi_cases() { return kCases; }

}  // namespace wg::conformance
