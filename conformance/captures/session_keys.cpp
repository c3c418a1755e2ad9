// SPDX-License-Identifier: MIT
// Recovering a captured handshake's keys from a key log (see session_keys.hpp).
#include "session_keys.hpp"

#include <fstream>
#include <sstream>

#include "crypto/aead.hpp"
#include "crypto/blake2s.hpp"
#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "transport/data_message.hpp"

namespace wg::conformance::captures {
namespace {

using handshake::NoiseState;
namespace layout = wire;

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
    return text;
}

crypto::PublicKey read_key(ByteView message, const wire::Field& field) {
    crypto::PublicKey key;
    const ByteView bytes = field.in(message);
    std::copy(bytes.begin(), bytes.end(), key.begin());
    return key;
}

/// A block being read: which of its lines have been seen.
struct PendingEntry {
    KeyLogEntry entry;
    bool has_static = false, has_remote = false, has_ephemeral = false, has_psk = false;
    bool empty() const { return !has_static && !has_remote && !has_ephemeral && !has_psk; }
};

/// The first message's Noise walk (§5.4.2) with the two DH results given:
/// on success the state after msg.timestamp and the decrypted fields.
bool walk_initiation(ByteView msg, const crypto::PublicKey& responder_static, const crypto::SharedSecret& es,
                     const std::optional<crypto::PrivateKey>& responder_private, OpenedInitiation& out,
                     const crypto::PrivateKey* initiator_private) {
    using L = layout::Initiation;
    NoiseState s = NoiseState::initial(responder_static);
    out.initiator_ephemeral = read_key(msg, L::ephemeral);
    // -> e: C := KDF1(C, E_i^pub); H := HASH(H || E_i^pub)
    s.mix_ephemeral(out.initiator_ephemeral);
    // es: (C, κ) := KDF2(C, DH(E_i, S_r))
    crypto::SymmetricKey key = s.mix_key(es.view());
    // s: S_i^pub := AEAD-open(κ, 0, msg.static, H)
    if (!s.open_and_hash(key, L::encrypted_static.in(msg), out.initiator_static)) return false;
    // ss: (C, κ) := KDF2(C, DH(S_i, S_r)), from whichever private key we hold
    const auto ss = responder_private ? crypto::dh(*responder_private, out.initiator_static)
                                      : crypto::dh(*initiator_private, responder_static);
    if (!ss) return false;
    key = s.mix_key(ss->view());
    // {t}: timestamp := AEAD-open(κ, 0, msg.timestamp, H)
    std::array<std::uint8_t, crypto::Tai64n::kSize> timestamp{};
    if (!s.open_and_hash(key, L::encrypted_timestamp.in(msg), timestamp)) return false;
    out.timestamp = crypto::Tai64n::from_bytes(timestamp);
    out.responder_static = responder_static;
    out.initiator_index = load_le32(L::sender.in(msg).data());
    out.state = s;
    return true;
}

/// The second message's walk (§5.4.3, §5.4.5) with ee and se given.
std::optional<SessionKeys> walk_response(ByteView msg, const OpenedInitiation& initiation,
                                         const crypto::SharedSecret& ee, const crypto::SharedSecret& se,
                                         const crypto::SymmetricKey& preshared_key) {
    using L = layout::Response;
    NoiseState s = initiation.state;
    const crypto::PublicKey responder_ephemeral = read_key(msg, L::ephemeral);
    // <- e, ee, se
    s.mix_ephemeral(responder_ephemeral);
    s.mix_chain(ee.view());
    s.mix_chain(se.view());
    // psk: (C, τ, κ) := KDF3(C, Q); H := HASH(H || τ)
    const crypto::SymmetricKey key = s.mix_preshared_key(preshared_key);
    // {}: AEAD-open(κ, 0, msg.empty, H) proves the keys are the right ones
    std::array<std::uint8_t, 0> nothing{};
    if (!s.open_and_hash(key, L::encrypted_nothing.in(msg), nothing)) return std::nullopt;
    // (T_send_i = T_recv_r, T_recv_i = T_send_r) := KDF2(C, ε)
    auto [initiator_send, responder_send] = s.split();
    SessionKeys keys;
    keys.initiator_index = initiation.initiator_index;
    keys.responder_index = load_le32(L::sender.in(msg).data());
    keys.initiator_to_responder = initiator_send;
    keys.responder_to_initiator = responder_send;
    return keys;
}

}  // namespace

std::string_view to_string(Side side) { return side == Side::initiator ? "initiator" : "responder"; }

Result<std::vector<KeyLogEntry>, std::string> parse_keylog(std::string_view text) {
    std::vector<KeyLogEntry> entries;
    PendingEntry pending;
    std::optional<KeyLogEntry> previous;
    const auto finish = [&]() -> std::string {
        if (pending.empty()) return {};
        if (!pending.has_ephemeral) {
            return "line " + std::to_string(pending.entry.line) + ": block has no LOCAL_EPHEMERAL_PRIVATE_KEY";
        }
        if (!pending.has_static || !pending.has_remote) {
            if (!previous) return "line " + std::to_string(pending.entry.line) + ": block has no static keys";
            if (!pending.has_static) pending.entry.local_static = previous->local_static;
            if (!pending.has_remote) pending.entry.remote_static = previous->remote_static;
        }
        previous = pending.entry;
        entries.push_back(pending.entry);
        pending = PendingEntry{};
        return {};
    };
    std::size_t line_number = 0;
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = trim(text.substr(0, end));
        text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
        ++line_number;
        if (line.empty() || line.front() == '#') continue;
        const std::size_t equals = line.find('=');
        if (equals == std::string_view::npos) return "line " + std::to_string(line_number) + ": expected NAME = base64";
        const std::string_view name = trim(line.substr(0, equals));
        const std::string_view value = trim(line.substr(equals + 1));
        const auto secret = crypto::secret_from_base64(value);
        if (!secret) return "line " + std::to_string(line_number) + ": " + std::string(name) + " is not a base64 key";
        // A key this block already has starts the next block.
        const bool repeats = (name == "LOCAL_STATIC_PRIVATE_KEY" && (pending.has_static || pending.has_ephemeral)) ||
                             (name == "REMOTE_STATIC_PUBLIC_KEY" && (pending.has_remote || pending.has_ephemeral)) ||
                             (name == "LOCAL_EPHEMERAL_PRIVATE_KEY" && pending.has_ephemeral);
        if (repeats) {
            if (auto error = finish(); !error.empty()) return error;
        }
        if (pending.empty()) pending.entry.line = line_number;
        if (name == "LOCAL_STATIC_PRIVATE_KEY") {
            pending.entry.local_static = *secret;
            pending.has_static = true;
        } else if (name == "REMOTE_STATIC_PUBLIC_KEY") {
            std::copy(secret->span().begin(), secret->span().end(), pending.entry.remote_static.begin());
            pending.has_remote = true;
        } else if (name == "LOCAL_EPHEMERAL_PRIVATE_KEY") {
            pending.entry.local_ephemeral = *secret;
            pending.has_ephemeral = true;
        } else if (name == "PRESHARED_KEY") {
            pending.entry.preshared_key = *secret;
            pending.has_psk = true;
        } else {
            return "line " + std::to_string(line_number) + ": unknown key name '" + std::string(name) + "'";
        }
    }
    if (auto error = finish(); !error.empty()) return error;
    return entries;
}

Result<std::vector<KeyLogEntry>, std::string> read_keylog(const std::string& path) {
    std::ifstream file(path);
    if (!file) return path + ": cannot open key log";
    std::ostringstream text;
    text << file.rdbuf();
    auto entries = parse_keylog(text.str());
    if (!entries) return path + ": " + entries.error();
    return entries;
}

std::optional<OpenedInitiation> open_initiation(ByteView msg, std::span<const KeyLogEntry> keys) {
    if (msg.size() != layout::Initiation::kSize) return std::nullopt;
    const crypto::PublicKey ephemeral = read_key(msg, layout::Initiation::ephemeral);
    for (std::size_t i = 0; i < keys.size(); ++i) {
        const KeyLogEntry& entry = keys[i];
        OpenedInitiation opened;
        opened.entry = i;
        // As the initiator: this block's ephemeral is the one on the wire.
        if (crypto::public_key_of(entry.local_ephemeral) == ephemeral) {
            const auto es = crypto::dh(entry.local_ephemeral, entry.remote_static);
            opened.side = Side::initiator;
            if (es && walk_initiation(msg, entry.remote_static, *es, std::nullopt, opened, &entry.local_static)) {
                return opened;
            }
        }
        // As the responder: this block's static key opens msg.static.
        const crypto::PublicKey responder_static = crypto::public_key_of(entry.local_static);
        const auto es = crypto::dh(entry.local_static, ephemeral);
        opened.side = Side::responder;
        if (es && walk_initiation(msg, responder_static, *es, entry.local_static, opened, nullptr)) return opened;
    }
    return std::nullopt;
}

std::optional<SessionKeys> open_response(ByteView msg, const OpenedInitiation& initiation,
                                         std::span<const KeyLogEntry> keys) {
    if (msg.size() != layout::Response::kSize) return std::nullopt;
    const crypto::PublicKey responder_ephemeral = read_key(msg, layout::Response::ephemeral);
    // The initiator's own block, if it opened the initiation, suffices.
    if (initiation.side == Side::initiator && initiation.entry < keys.size()) {
        const KeyLogEntry& entry = keys[initiation.entry];
        const auto ee = crypto::dh(entry.local_ephemeral, responder_ephemeral);
        const auto se = crypto::dh(entry.local_static, responder_ephemeral);
        if (ee && se) {
            if (auto session = walk_response(msg, initiation, *ee, *se, entry.preshared_key)) {
                session->side = Side::initiator;
                return session;
            }
        }
    }
    // Otherwise the responder's block: the one whose ephemeral is on the wire.
    for (const KeyLogEntry& entry : keys) {
        if (crypto::public_key_of(entry.local_ephemeral) != responder_ephemeral) continue;
        const auto ee = crypto::dh(entry.local_ephemeral, initiation.initiator_ephemeral);
        const auto se = crypto::dh(entry.local_ephemeral, initiation.initiator_static);
        if (!ee || !se) continue;
        if (auto session = walk_response(msg, initiation, *ee, *se, entry.preshared_key)) {
            session->side = Side::responder;
            return session;
        }
    }
    return std::nullopt;
}

SessionTable::Learnt SessionTable::learn(ByteView message) {
    Learnt learnt;
    if (keys_.empty()) return learnt;
    const auto type = wire::classify(message);
    if (type == wire::MessageType::initiation) {
        learnt.initiation = open_initiation(message, keys_);
        if (learnt.initiation) initiations_[learnt.initiation->initiator_index] = *learnt.initiation;
    } else if (const auto response = wire::ResponseMessage::parse(message)) {
        const auto found = initiations_.find(response->receiver());
        if (found == initiations_.end()) return learnt;
        learnt.session = open_response(message, found->second, keys_);
        if (learnt.session) {
            // Data *to* the responder names the responder's index, and is
            // sealed with the initiator's sending key; and the other way round.
            keys_to_[learnt.session->responder_index] = learnt.session->initiator_to_responder;
            keys_to_[learnt.session->initiator_index] = learnt.session->responder_to_initiator;
            ++sessions_;
        }
    }
    return learnt;
}

SessionTable::OpenedData SessionTable::open_data(ByteView message) const {
    OpenedData result;
    const auto header = wire::DataMessage::parse(message);
    if (!header) {
        result.why_not = "not a transport data message (type, reserved bytes or size)";
        return result;
    }
    const auto key = keys_to_.find(header->receiver());
    if (key == keys_to_.end()) {
        result.why_not = "no session keys for this receiver index";
        return result;
    }
    Bytes plaintext(header->plaintext_size());
    const auto opened = transport::open_data_message(key->second, *header, plaintext);
    if (!opened) {
        result.why_not = "does not authenticate with the session's key";
        return result;
    }
    plaintext.resize(opened.value());
    if (plaintext.empty()) {
        result.inner = Bytes{};
        return result;
    }
    const auto length = transport::inner_packet_length(plaintext);
    if (!length) {
        result.why_not = "decrypted, but the plaintext is not an IPv4 or IPv6 packet";
        return result;
    }
    plaintext.resize(*length);
    result.inner = std::move(plaintext);
    return result;
}

}  // namespace wg::conformance::captures
