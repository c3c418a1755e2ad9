// SPDX-License-Identifier: MIT
// The probe peer (see probe_peer.hpp): honest message construction from
// reference/, with every byte handed back to the caller.
#include "probe_peer.hpp"

#include <algorithm>

#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"
#include "transport/data_message.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
using wire::MessageType;

/// More than twice the kernel's 20 ms flood limit between initiations.
constexpr Duration kInitiationSpacing = 50ms;
static_assert(kInitiationSpacing > 2 * wire::kMinInitiationInterval);
constexpr int kHandshakeAttempts = 3;

/// One nanosecond later than `t`: TAI64N compares as bytes (§5.1).
crypto::Tai64n one_tick_later(const crypto::Tai64n& t) {
    auto bytes = t.bytes();
    for (std::size_t i = bytes.size(); i-- > 0;) {
        if (++bytes[i] != 0) break;
    }
    return crypto::Tai64n::from_bytes(bytes);
}

}  // namespace

std::optional<OpenedData> open_data(const Session& session, ByteView datagram) {
    const auto message = wire::DataMessage::parse(datagram);
    if (!message || message->receiver() != session.keys.local_index) return std::nullopt;
    Bytes plaintext(datagram.size());
    const auto opened = transport::open_data_message(session.keys.receiving, *message, plaintext);
    if (!opened) return std::nullopt;
    OpenedData result;
    result.counter = message->counter();
    const ByteView padded{plaintext.data(), opened.value()};
    if (const auto length = transport::inner_packet_length(padded)) {
        result.inner.assign(padded.begin(), padded.begin() + static_cast<std::ptrdiff_t>(*length));
    }
    return result;
}

ProbePeer::ProbePeer(ProbeNetwork& network, const crypto::PrivateKey& private_key, const TargetDescription& target,
                     crypto::Rng& rng, std::vector<IpAddress> tunnel_ips)
    : network_(network),
      self_(handshake::StaticIdentity::from_private_key(private_key)),
      target_{target.public_key, target.preshared_key},
      own_macs_(cookie::MacKeys::of(self_.public_key)),
      target_macs_(cookie::MacKeys::of(target.public_key)),
      description_(target),
      rng_(rng),
      tunnel_ips_(std::move(tunnel_ips)) {}

std::optional<std::pair<IpAddress, IpAddress>> ProbePeer::addresses(IpFamily family) const {
    const auto ours = std::find_if(tunnel_ips_.begin(), tunnel_ips_.end(), [&](auto& a) { return a.family == family; });
    const auto theirs = std::find_if(description_.tunnel_ips.begin(), description_.tunnel_ips.end(),
                                     [&](auto& a) { return a.family == family; });
    if (ours == tunnel_ips_.end() || theirs == description_.tunnel_ips.end()) return std::nullopt;
    return std::pair{*ours, *theirs};
}

ProbePeer::Initiation ProbePeer::initiate(std::optional<crypto::Mac> cookie, std::optional<crypto::Tai64n> timestamp) {
    handshake::InitiationParameters params;
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng_.fill(random);
    params.ephemeral_private = crypto::make_private_key(random);
    rng_.fill({reinterpret_cast<std::uint8_t*>(&params.sender_index), sizeof params.sender_index});
    if (timestamp) {
        params.timestamp = *timestamp;
    } else {
        params.timestamp = network_.wall_clock();
        if (!params.timestamp.is_after(last_timestamp_)) params.timestamp = one_tick_later(last_timestamp_);
        last_timestamp_ = params.timestamp;
    }
    Initiation result{{}, {}, {}};
    auto state = handshake::InitiatorHandshake::create_initiation(self_, target_, params, result.bytes);
    // The target's key came from its owner and is checked when parsed; a
    // low-order one would make every case meaningless, so stop loudly.
    if (!state) throw std::runtime_error("the target's public key is a low-order point");
    result.state = *state;
    result.sent_mac1 = cookie::add_macs(result.bytes, target_macs_.mac1_key, cookie);
    return result;
}

Duration ProbePeer::send_initiation(Port port, ByteView bytes) {
    if (last_initiation_sent_) {
        const Duration since = network_.now() - *last_initiation_sent_;
        if (since < kInitiationSpacing) network_.sleep(kInitiationSpacing - since);
    }
    const Duration before = network_.now();
    network_.send(port, bytes);
    last_initiation_sent_ = network_.now();
    return before;
}

ProbePeer::Answer ProbePeer::await_answer(Port port, const Initiation& initiation, Duration wait) {
    const Duration deadline = network_.now() + wait;
    Answer answer;
    while (network_.now() < deadline) {
        auto datagram = network_.receive(port, deadline - network_.now());
        if (!datagram) break;
        const auto type = wire::classify(*datagram);
        if (type == MessageType::response) {
            const auto response = wire::ResponseMessage::parse(*datagram);
            if (response && response->receiver() != initiation.state.sender_index()) continue;
            answer.message = *datagram;
            if (!response) {
                answer.kind = Answer::Kind::other;
                answer.detail = "a response of " + std::to_string(datagram->size()) + " bytes, not 92";
                return answer;
            }
            if (!cookie::mac1_is_valid(*datagram, own_macs_.mac1_key)) {
                answer.kind = Answer::Kind::other;
                answer.detail = "a response that does not verify: bad_mac1";
                return answer;
            }
            auto keys = initiation.state.consume_response(*response, self_, target_);
            if (!keys) {
                answer.kind = Answer::Kind::other;
                answer.detail = "a response that does not verify: " + std::string(to_string(keys.error()));
                return answer;
            }
            answer.kind = Answer::Kind::response;
            answer.keys = std::move(keys).value();
            return answer;
        }
        if (type == MessageType::cookie_reply) {
            const auto reply = wire::CookieReplyMessage::parse(*datagram);
            if (reply && reply->receiver() != initiation.state.sender_index()) continue;
            answer.message = *datagram;
            answer.kind = Answer::Kind::cookie_reply;
            if (!reply) {
                answer.detail = "a cookie reply of " + std::to_string(datagram->size()) + " bytes, not 64";
                return answer;
            }
            auto cookie = cookie::consume_cookie_reply(*reply, initiation.state.sender_index(), target_macs_.cookie_key,
                                                       initiation.sent_mac1);
            if (cookie) {
                answer.cookie = cookie.value();
            } else {
                answer.detail = "a cookie reply that does not decrypt: " + std::string(to_string(cookie.error()));
            }
            return answer;
        }
        // Anything else (data on older sessions, keepalives) is not an answer.
    }
    return answer;
}

std::optional<Session> ProbePeer::handshake(Port port, Duration wait, std::string& why) {
    std::optional<crypto::Mac> cookie;
    why = "no answer to " + std::to_string(kHandshakeAttempts) + " initiations";
    for (int attempt = 0; attempt < kHandshakeAttempts; ++attempt) {
        auto initiation = initiate(cookie);
        send_initiation(port, initiation.bytes);
        auto answer = await_answer(port, initiation, wait);
        if (answer.kind == Answer::Kind::response) return Session{std::move(*answer.keys), 0, port};
        if (answer.kind == Answer::Kind::cookie_reply && answer.cookie) cookie = answer.cookie;  // §5.4.7: retry with mac2
        if (!answer.detail.empty()) why = answer.detail;
    }
    return std::nullopt;
}

namespace {
/// The responder's directory of peers: just the target.
class TargetDirectory final : public handshake::PeerDirectory {
public:
    TargetDirectory(const handshake::RemotePeer& target, const crypto::Tai64n& latest) : target_(target), latest_(latest) {}
    std::optional<handshake::KnownPeer> find(const crypto::PublicKey& key) const override {
        if (!(key == target_.public_key)) return std::nullopt;
        return handshake::KnownPeer{&target_, latest_};
    }

private:
    const handshake::RemotePeer& target_;
    crypto::Tai64n latest_;
};
}  // namespace

std::optional<ProbePeer::TargetInitiation> ProbePeer::open_initiation(ByteView datagram) const {
    const auto message = wire::InitiationMessage::parse(datagram);
    if (!message) return std::nullopt;
    const TargetDirectory directory(target_, crypto::Tai64n{});  // any timestamp: the caller judges it
    auto consumed = handshake::consume_initiation(*message, self_, directory);
    if (!consumed) return std::nullopt;
    return TargetInitiation{Bytes(datagram.begin(), datagram.end()), cookie::mac1_is_valid(datagram, own_macs_.mac1_key),
                            std::move(consumed).value()};
}

std::optional<ProbePeer::Responded> ProbePeer::respond(Port port, const TargetInitiation& initiation,
                                                       std::optional<std::uint32_t> receiver, Mac1 mac1) {
    handshake::ResponseParameters params;
    std::array<std::uint8_t, crypto::kKeySize> random{};
    rng_.fill(random);
    params.ephemeral_private = crypto::make_private_key(random);
    rng_.fill({reinterpret_cast<std::uint8_t*>(&params.sender_index), sizeof params.sender_index});
    handshake::ConsumedInitiation consumed = initiation.consumed;
    if (receiver) consumed.initiator_index = *receiver;
    std::array<std::uint8_t, wire::Response::kSize> response{};
    auto keys = handshake::create_response(consumed, params, response);
    if (!keys) return std::nullopt;
    cookie::add_macs(response, target_macs_.mac1_key, std::nullopt);
    if (mac1 == Mac1::wrong) wire::Response::mac1.in(response)[0] ^= 1;
    network_.send(port, response);
    if (initiation.consumed.timestamp.is_after(latest_target_timestamp_)) latest_target_timestamp_ = initiation.consumed.timestamp;
    return Responded{Session{std::move(*keys), 0, port}, Bytes(response.begin(), response.end())};
}

std::optional<Session> ProbePeer::respond(Port port, ByteView initiation) {
    const auto opened = open_initiation(initiation);
    if (!opened || !opened->mac1_valid || !opened->consumed.timestamp.is_after(latest_target_timestamp_)) return std::nullopt;
    auto responded = respond(port, *opened);
    if (!responded) return std::nullopt;
    return std::move(responded->session);
}

Bytes ProbePeer::seal(const Session& session, ByteView inner, std::uint64_t counter) const {
    const std::size_t padded = transport::padded_length(inner.size(), wire::kDefaultMtu);
    Bytes message(wire::TransportData::size_for(padded));
    const std::size_t length =
        transport::seal_data_message(session.keys.sending, session.keys.remote_index, counter, inner, padded, message);
    message.resize(length);
    return message;
}

Echo ProbePeer::echo(Session& session, const IpAddress& source, const IpAddress& destination,
                     std::optional<std::uint64_t> counter) {
    Echo e;
    e.source = source;
    e.destination = destination;
    e.id = EchoId{static_cast<std::uint16_t>(session.keys.local_index), next_echo_++};
    const std::string text = "wgconform probe " + std::to_string(e.id.sequence);
    e.payload.assign(text.begin(), text.end());
    e.counter = counter ? *counter : session.next_counter++;
    e.datagram = seal(session, make_echo_request(source, destination, e.id, e.payload), e.counter);
    return e;
}

std::optional<std::size_t> await_echo_reply(ProbeNetwork& network, Port port, const Echo& echo,
                                            std::span<const Session* const> sessions, Duration wait,
                                            int* initiations_seen) {
    const Duration deadline = network.now() + wait;
    while (network.now() < deadline) {
        auto datagram = network.receive(port, deadline - network.now());
        if (!datagram) break;
        if (wire::classify(*datagram) == MessageType::initiation && initiations_seen) ++*initiations_seen;
        for (std::size_t i = 0; i < sessions.size(); ++i) {
            const auto opened = open_data(*sessions[i], *datagram);
            if (opened && is_echo_reply(opened->inner, echo.source, echo.destination, echo.id, echo.payload)) return i;
        }
    }
    return std::nullopt;
}

}  // namespace wg::conformance
