// SPDX-License-Identifier: MIT
// inspect on the real capture (keys from the key log of one side only), on
// the malformed fixtures, and on sessions made here with known keys.
#include <catch2/catch.hpp>

#include <sstream>

#include "inspect.hpp"
#include "session_keys.hpp"
#include "test_sessions.hpp"

using namespace wg;
using namespace wg::conformance;
using namespace wg::conformance::captures;

namespace {

const std::string kPcaps = WGCONFORM_PCAPS_DIR;

struct Run {
    int status;
    std::string out, errors;
};

Run inspect(const std::string& pcap, std::optional<std::string> keylog = std::nullopt, bool fields = false) {
    std::ostringstream out, errors;
    InspectOptions options;
    options.keylog = std::move(keylog);
    options.fields = fields;
    const int status = run_inspect(pcap, options, out, errors);
    return {status, out.str(), errors.str()};
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("inspect: the real session, without keys, shows only the clear fields", "[captures]") {
    const auto run = inspect(kPcaps + "/wgref-wireguard-go.pcap");
    REQUIRE(run.status == 0);
    CHECK(count(run.out, "handshake initiation [§5.4.2]") == 2);
    CHECK(count(run.out, "handshake response [§5.4.3]") == 2);
    CHECK(count(run.out, "transport data counter") == 16);
    CHECK(count(run.out, "transport data counter 3 [§5.4.6]") == 2);
    CHECK(count(run.out, "decrypted") == 0);
    CHECK_THAT(run.out, Catch::Contains("20 UDP datagrams in 20 frames"));
}

TEST_CASE("inspect: wgref's key log opens both handshakes, as initiator and as responder", "[captures]") {
    const auto run = inspect(kPcaps + "/wgref-wireguard-go.pcap", kPcaps + "/wgref-wireguard-go.keylog");
    REQUIRE(run.status == 0);
    CHECK(count(run.out, "opened with the initiator's keys") == 1);
    CHECK(count(run.out, "opened with the responder's keys") == 1);
    CHECK(count(run.out, "transport keys derived [§5.4.5]") == 2);
    CHECK(count(run.out, "mac1 valid") == 2);
    CHECK(count(run.out, "timestamp 20") == 2);
    CHECK(count(run.out, "ICMP echo request") == 5);
    CHECK(count(run.out, "ICMP echo reply") == 5);
    CHECK(count(run.out, "ICMPv6 echo request") == 3);
    CHECK(count(run.out, "ICMPv6 echo reply") == 3);
    CHECK(count(run.out, "not decrypted") == 0);
    CHECK_THAT(run.out, Catch::Contains("IPv4 203.0.113.1 → 203.0.113.2 ICMP echo request"));
    CHECK_THAT(run.out, Catch::Contains("IPv6 2001:db8:100::2 → 2001:db8:100::1 ICMPv6 echo reply"));
    CHECK_THAT(run.out, Catch::Contains("2 sessions recovered"));
}

TEST_CASE("inspect: the malformed fixtures, each named for the rule it breaks", "[captures]") {
    const auto run = inspect(kPcaps + "/malformed.pcap");
    REQUIRE(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("malformed handshake initiation [§5.4.2]: 147 bytes, not 148"));
    CHECK_THAT(run.out, Catch::Contains("malformed handshake response [§5.4.3]: 93 bytes, not 92"));
    CHECK_THAT(run.out, Catch::Contains("malformed cookie reply [§5.4.7]: 63 bytes, not 64"));
    CHECK_THAT(run.out, Catch::Contains("malformed transport data [§5.4.6]: 31 bytes, less than the 32-byte minimum"));
    CHECK_THAT(run.out, Catch::Contains("type 1 with non-zero reserved bytes 01 00 00"));
    CHECK_THAT(run.out, Catch::Contains("unknown type 5"));
    CHECK_THAT(run.out, Catch::Contains("empty UDP payload"));
    CHECK_THAT(run.out, Catch::Contains("keepalive [§5.4.6, §6.5] counter 7"));
    CHECK_THAT(run.out, Catch::Contains("25 UDP datagrams in 27 frames (2 frames not UDP"));
    // --fields lists only what is well-formed WireGuard: the five reference messages.
    const auto fields = inspect(kPcaps + "/malformed.pcap", std::nullopt, true);
    CHECK(fields.out ==
          "1\t1\t0x11223344\t\t\n"
          "2\t2\t0x11223344\t0x7210f02b\t\n"
          "3\t3\t\t0x11223344\t\n"
          "4\t4\t\t0x1a2b3c4d\t7\n"
          "5\t4\t\t0x1a2b3c4d\t7\n");
}

TEST_CASE("inspect: files it cannot read are errors (exit 2), never a crash", "[captures]") {
    test::TempDir dir;
    auto run = inspect(dir.file("none.pcap"));
    CHECK(run.status == 2);
    CHECK_THAT(run.errors, Catch::Contains("none.pcap"));

    test::write_text(dir.file("bad.keylog"), "LOCAL_STATIC_PRIVATE_KEY = not-base64\n");
    run = inspect(kPcaps + "/malformed.pcap", dir.file("bad.keylog"));
    CHECK(run.status == 2);
    CHECK_THAT(run.errors, Catch::Contains("line 1") && Catch::Contains("not a base64 key"));

    test::write_text(dir.file("odd.keylog"), "\n# comment\nSOMETHING_ELSE = AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n");
    run = inspect(kPcaps + "/malformed.pcap", dir.file("odd.keylog"));
    CHECK(run.status == 2);
    CHECK_THAT(run.errors, Catch::Contains("line 3") && Catch::Contains("unknown key name"));

    run = inspect(kPcaps + "/malformed.pcap", dir.file("missing.keylog"));
    CHECK(run.status == 2);
}

TEST_CASE("inspect: a key log of other keys decrypts nothing, and says so", "[captures]") {
    test::TempDir dir;
    const std::string zero = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const std::string nine = "CQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    test::write_text(dir.file("other.keylog"), "LOCAL_STATIC_PRIVATE_KEY = " + nine + "\nREMOTE_STATIC_PUBLIC_KEY = " + nine +
                                                  "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + nine + "\nPRESHARED_KEY = " + zero + "\n");
    const auto run = inspect(kPcaps + "/wgref-wireguard-go.pcap", dir.file("other.keylog"));
    REQUIRE(run.status == 0);
    CHECK(count(run.out, "opened with") == 0);
    CHECK(count(run.out, "not decrypted: no session keys for this receiver index") == 16);
}

TEST_CASE("Key-log blocks: static keys may be given once: a block needs an ephemeral", "[captures]") {
    const std::string a = "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", b = "AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const auto parsed = parse_keylog("LOCAL_STATIC_PRIVATE_KEY = " + a + "\nREMOTE_STATIC_PUBLIC_KEY = " + b +
                                     "\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + a + "\nPRESHARED_KEY = " + b +
                                     "\r\nLOCAL_EPHEMERAL_PRIVATE_KEY = " + b + "\n");
    REQUIRE(parsed.ok());
    REQUIRE(parsed.value().size() == 2);
    CHECK(parsed.value()[1].local_static == parsed.value()[0].local_static);
    CHECK_FALSE(parsed.value()[0].preshared_key.is_zero());
    CHECK(parsed.value()[1].preshared_key.is_zero());
    CHECK(parsed.value()[1].line == 5);
    const auto no_ephemeral = parse_keylog("LOCAL_STATIC_PRIVATE_KEY = " + a + "\n");
    REQUIRE_FALSE(no_ephemeral.ok());
    CHECK_THAT(no_ephemeral.error(), Catch::Contains("no LOCAL_EPHEMERAL_PRIVATE_KEY"));
    CHECK_FALSE(parse_keylog("LOCAL_EPHEMERAL_PRIVATE_KEY = " + a + "\n").ok());  // no static keys at all
    CHECK_FALSE(parse_keylog("just words\n").ok());
}

TEST_CASE("Recovered keys equal the ones both sides derived, from either side's key log", "[captures]") {
    // A handshake made here with every secret known, with and without a PSK.
    for (const bool with_psk : {false, true}) {
        INFO("PSK: " << with_psk);
        device::SeededRng rng(with_psk ? 11 : 12);
        const auto key = [&] {
            std::array<std::uint8_t, 32> bytes{};
            rng.fill(bytes);
            return crypto::make_private_key(bytes);
        };
        const auto initiator = handshake::StaticIdentity::from_private_key(key());
        const auto responder = handshake::StaticIdentity::from_private_key(key());
        crypto::SymmetricKey psk;
        if (with_psk) psk = key();
        const handshake::RemotePeer responder_as_peer{responder.public_key, psk};
        const handshake::RemotePeer initiator_as_peer{initiator.public_key, psk};
        handshake::InitiationParameters ip;
        ip.ephemeral_private = key();
        ip.timestamp = crypto::Tai64n::from_unix(1'700'000'000, 5);
        ip.sender_index = 77;
        std::array<std::uint8_t, 148> initiation{};
        const auto state = handshake::InitiatorHandshake::create_initiation(initiator, responder_as_peer, ip, initiation);
        REQUIRE(state);
        struct Directory final : handshake::PeerDirectory {
            const handshake::RemotePeer* peer;
            std::optional<handshake::KnownPeer> find(const crypto::PublicKey&) const override {
                return handshake::KnownPeer{peer, {}};
            }
        } directory;
        directory.peer = &initiator_as_peer;
        const auto consumed = handshake::consume_initiation(*wire::InitiationMessage::parse(initiation), responder, directory);
        REQUIRE(consumed.ok());
        handshake::ResponseParameters rp;
        rp.ephemeral_private = key();
        rp.sender_index = 88;
        std::array<std::uint8_t, 92> response{};
        const auto responder_keys = handshake::create_response(consumed.value(), rp, response);
        REQUIRE(responder_keys);

        KeyLogEntry initiator_entry{initiator.private_key, responder.public_key, ip.ephemeral_private, psk, 1};
        KeyLogEntry responder_entry{responder.private_key, initiator.public_key, rp.ephemeral_private, psk, 1};
        for (const auto& [entry, side] : {std::pair{initiator_entry, Side::initiator}, std::pair{responder_entry, Side::responder}}) {
            const std::vector<KeyLogEntry> keys = {entry};
            const auto opened = open_initiation(initiation, keys);
            REQUIRE(opened);
            CHECK(opened->side == side);
            CHECK(opened->initiator_static == initiator.public_key);
            CHECK(opened->timestamp == ip.timestamp);
            const auto session = open_response(response, *opened, keys);
            REQUIRE(session);
            CHECK(session->initiator_index == 77);
            CHECK(session->responder_index == 88);
            CHECK(session->responder_to_initiator == responder_keys->sending);
            CHECK(session->initiator_to_responder == responder_keys->receiving);
            // A wrong PSK fails at msg.empty's tag, never gives wrong keys.
            std::vector<KeyLogEntry> wrong = keys;
            wrong[0].preshared_key = key();
            CHECK_FALSE(open_response(response, *opened, wrong));
        }
    }
}

TEST_CASE("inspect: a session recorded against the in-process target, with its key log", "[captures]") {
    LoopbackTarget target;
    const auto session = test::record_session(target);
    REQUIRE(session.echo_replies == 2);
    test::TempDir dir;
    REQUIRE(write_capture(dir.file("s.pcap"), session.datagrams).empty());
    test::write_text(dir.file("s.keylog"), session.keylog);
    const auto run = inspect(dir.file("s.pcap"), dir.file("s.keylog"));
    REQUIRE(run.status == 0);
    CHECK_THAT(run.out, Catch::Contains("sender 0x0a0b0c0d"));
    CHECK_THAT(run.out, Catch::Contains("opened with the initiator's keys"));
    CHECK_THAT(run.out, Catch::Contains("timestamp 2023-11-14 22:13:21"));
    CHECK_THAT(run.out, Catch::Contains("IPv4 203.0.113.2 → 203.0.113.1 ICMP echo request id 7 seq 1"));
    CHECK_THAT(run.out, Catch::Contains("IPv6 2001:db8:1::1 → 2001:db8:1::2 ICMPv6 echo reply id 7 seq 2"));
    CHECK(count(run.out, "not decrypted") == 0);
}
