// SPDX-License-Identifier: MIT
// Paper §5.4.2, §5.4.3, §5.4.5 read backwards: recovering a captured
// session's transport keys from a key log. A key log (Wireshark's WireGuard
// format, written by wgref --keylog) holds, per handshake, one side's static
// private key, the other side's static public key, its own ephemeral private
// key and the PSK. Two of the four Diffie-Hellman results of Noise_IKpsk2
// need a private key from each side, but every one of them can be computed
// from *either* end (DH(a, B) = DH(b, A)), so one side's secrets plus the
// public values on the wire are enough:
//
//   initiator's keys:  es = DH(E_i, S_r)  ss = DH(S_i, S_r)   ee = DH(E_i, E_r)  se = DH(S_i, E_r)
//   responder's keys:  es = DH(S_r, E_i)  ss = DH(S_r, S_i)   ee = DH(E_r, E_i)  se = DH(E_r, S_i)
//
// The walk below is the handshake of handshake/noise.cpp, with the DH inputs
// chosen per side; it checks every AEAD tag, so a wrong key is a clear "no
// match", never garbage.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"
#include "handshake/noise.hpp"

namespace wg::conformance::captures {

/// One block of a key log: the secrets one side logged for one handshake.
struct KeyLogEntry {
    crypto::PrivateKey local_static;
    crypto::PublicKey remote_static{};
    crypto::PrivateKey local_ephemeral;
    crypto::SymmetricKey preshared_key;  ///< zeros when the block has none (§5.2)
    std::size_t line = 0;                ///< where the block starts, for messages
};

/// Parses key-log text: `NAME = base64` lines, a block per handshake. A block
/// missing a static key inherits it from the block before (Wireshark allows
/// static keys to be given once). Errors name the line.
Result<std::vector<KeyLogEntry>, std::string> parse_keylog(std::string_view text);
Result<std::vector<KeyLogEntry>, std::string> read_keylog(const std::string& path);

enum class Side { initiator, responder };
std::string_view to_string(Side side);

/// An initiation opened with logged keys (§5.4.2).
struct OpenedInitiation {
    handshake::NoiseState state;          ///< C and H after the whole first message
    Side side = Side::initiator;          ///< whose keys opened it
    std::size_t entry = 0;                ///< index of the key-log entry that did
    crypto::PublicKey initiator_static{};  ///< decrypted msg.static
    crypto::PublicKey responder_static{};
    crypto::PublicKey initiator_ephemeral{};
    crypto::Tai64n timestamp;             ///< decrypted msg.timestamp (§5.1)
    std::uint32_t initiator_index = 0;
};

/// The session a response completes (§5.4.5), named by the indices data
/// messages carry: a message *to* the responder has receiver == responder_index.
struct SessionKeys {
    std::uint32_t initiator_index = 0;
    std::uint32_t responder_index = 0;
    crypto::SymmetricKey initiator_to_responder;  ///< T_send_i = T_recv_r
    crypto::SymmetricKey responder_to_initiator;  ///< T_recv_i = T_send_r
    Side side = Side::initiator;                  ///< whose keys derived it
};

/// Tries every entry, as initiator (its ephemeral is the message's) and as
/// responder (its static key opens msg.static); nullopt when none fits.
std::optional<OpenedInitiation> open_initiation(ByteView initiation, std::span<const KeyLogEntry> keys);

/// Completes the handshake with the response to `initiation`; nullopt when
/// no logged key fits or msg.empty does not authenticate.
std::optional<SessionKeys> open_response(ByteView response, const OpenedInitiation& initiation,
                                         std::span<const KeyLogEntry> keys);

/// The sessions a capture's handshakes established, by the receiver index
/// their data messages carry: fed the capture's messages in order, it opens
/// each data message with the key of the session it names (§5.4.6).
class SessionTable {
public:
    explicit SessionTable(std::vector<KeyLogEntry> keys) : keys_(std::move(keys)) {}

    struct Learnt {
        std::optional<OpenedInitiation> initiation;
        std::optional<SessionKeys> session;
    };
    /// Learns from one message: an initiation it can open, a response that
    /// completes one. Other messages teach nothing.
    Learnt learn(ByteView message);

    struct OpenedData {
        std::optional<Bytes> inner;  ///< the inner packet, padding removed; empty: a keepalive
        std::string why_not;         ///< when `inner` is nullopt
    };
    OpenedData open_data(ByteView message) const;

    bool empty() const { return keys_.empty(); }
    std::size_t session_count() const { return sessions_; }

private:
    std::vector<KeyLogEntry> keys_;
    std::map<std::uint32_t, OpenedInitiation> initiations_;   ///< by initiator index
    std::map<std::uint32_t, crypto::SymmetricKey> keys_to_;   ///< by receiver index of data
    std::size_t sessions_ = 0;
};

}  // namespace wg::conformance::captures
