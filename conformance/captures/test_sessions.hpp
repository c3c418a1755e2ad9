// SPDX-License-Identifier: MIT
// For the capture tests: a real session with the in-process target, recorded
// as a capture would record it, with its key log. The handshake is made here
// from reference/handshake with a known ephemeral key (ProbePeer draws its
// own and never shows it), so the test can write the initiator's key-log
// block exactly as wgref --keylog does.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "cookie/macs.hpp"
#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "loopback_target.hpp"
#include "pcap_file.hpp"
#include "transport/data_message.hpp"

namespace wg::conformance::captures::test {

/// A file in a fresh temporary directory, removed with it.
class TempDir {
public:
    TempDir() {
        std::string pattern = (std::filesystem::temp_directory_path() / "wgcaptures-XXXXXX").string();
        path_ = ::mkdtemp(pattern.data()) ? pattern : std::string{};
    }
    ~TempDir() {
        std::error_code ignored;
        if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
    }
    std::string file(const std::string& name) const { return path_ + "/" + name; }

private:
    std::string path_;
};

inline void write_text(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

inline Endpoint endpoint(const char* address, std::uint16_t port) { return Endpoint{*IpAddress::parse(address), port}; }

/// Where the recorded capture says the target was.
inline constexpr const char* kTargetText = "192.0.2.2:51820";

/// One handshake as initiator and one echo request per tunnel family, sent
/// to `target` from port 0 and recorded as datagrams to 192.0.2.2:51820
/// (both directions), with the initiator's key log.
struct RecordedSession {
    std::vector<CapturedDatagram> datagrams;
    std::string keylog;
    int echo_replies = 0;
};

inline RecordedSession record_session(LoopbackTarget& target, std::uint8_t ephemeral_seed = 0x42) {
    using namespace std::chrono_literals;
    const SuiteConfig& config = target.suite_config();
    const auto self = handshake::StaticIdentity::from_private_key(config.first_key);
    const handshake::RemotePeer peer{config.target.public_key, config.target.preshared_key};
    std::array<std::uint8_t, crypto::kKeySize> random{};
    random.fill(ephemeral_seed);
    handshake::InitiationParameters params;
    params.ephemeral_private = crypto::make_private_key(random);
    params.timestamp = target.wall_clock();
    params.sender_index = 0x0a0b0c0d;

    RecordedSession session;
    session.keylog = "LOCAL_STATIC_PRIVATE_KEY = " + crypto::key_to_base64(config.first_key.view()) +
                     "\nREMOTE_STATIC_PUBLIC_KEY = " + crypto::key_to_base64(crypto::view(config.target.public_key)) +
                     "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + crypto::key_to_base64(params.ephemeral_private.view()) + "\n";
    const auto harness = endpoint("198.51.100.1", 40000), target_endpoint = endpoint("192.0.2.2", 51820);
    std::int64_t clock = 1'700'000'000;
    const auto record = [&](ByteView bytes, bool to_target) {
        CapturedDatagram d;
        d.frame = session.datagrams.size() + 1;
        d.seconds = clock++;
        d.source = to_target ? harness : target_endpoint;
        d.destination = to_target ? target_endpoint : harness;
        d.payload.assign(bytes.begin(), bytes.end());
        session.datagrams.push_back(std::move(d));
    };

    const Port port = target.open_port();
    std::array<std::uint8_t, wire::Initiation::kSize> initiation{};
    const auto state = handshake::InitiatorHandshake::create_initiation(self, peer, params, initiation);
    cookie::add_macs(initiation, cookie::MacKeys::of(peer.public_key).mac1_key, std::nullopt);
    target.send(port, initiation);
    record(initiation, true);
    const auto response = target.receive(port, 1s);
    if (!response) return session;
    record(*response, false);
    const auto response_view = wire::ResponseMessage::parse(*response);
    if (!response_view) return session;
    const auto keys = state->consume_response(*response_view, self, peer);
    if (!keys) return session;

    std::uint64_t counter = 0;
    for (std::size_t family = 0; family < 2; ++family) {
        const Bytes echo = make_echo_request(config.first_ips[family], config.target.tunnel_ips[family],
                                             EchoId{7, static_cast<std::uint16_t>(family + 1)}, as_bytes("ping"));
        const std::size_t padded = transport::padded_length(echo.size(), wire::kDefaultMtu);
        Bytes message(wire::TransportData::size_for(padded));
        transport::seal_data_message(keys.value().sending, keys.value().remote_index, counter++, echo, padded, message);
        target.send(port, message);
        record(message, true);
        while (auto answer = target.receive(port, 500ms)) {
            record(*answer, false);
            if (wire::classify(*answer) == wire::MessageType::transport_data &&
                answer->size() > wire::TransportData::kMinSize) {
                ++session.echo_replies;
            }
        }
    }
    return session;
}

}  // namespace wg::conformance::captures::test
