// SPDX-License-Identifier: MIT
// The capture reader against the committed fixtures (pcaps/), files it must
// refuse clearly, and frames of every link type it knows, built by hand.
#include <catch2/catch.hpp>

#include <netinet/in.h>

#include <filesystem>
#include <fstream>

#include "pcap_file.hpp"
#include "test_sessions.hpp"

using namespace wg;
using namespace wg::conformance::captures;
using test::endpoint;

namespace {

const std::string kPcaps = WGCONFORM_PCAPS_DIR;

/// An IPv4/UDP packet 192.0.2.1:1000 → 192.0.2.2:51820 carrying `payload`.
Bytes ipv4_udp(ByteView payload) {
    const std::array<std::uint8_t, 28> headers = {0x45, 0, 0, 0, 0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2,
                                                  0x03, 0xe8, 0xca, 0x6c, 0, 0, 0, 0};
    Bytes packet(headers.size() + payload.size());
    std::copy(headers.begin(), headers.end(), packet.begin());
    std::copy(payload.begin(), payload.end(), packet.begin() + headers.size());
    packet[2] = static_cast<std::uint8_t>(packet.size() >> 8);
    packet[3] = static_cast<std::uint8_t>(packet.size());
    packet[24] = static_cast<std::uint8_t>((8 + payload.size()) >> 8);
    packet[25] = static_cast<std::uint8_t>(8 + payload.size());
    return packet;
}

Bytes with_prefix(const Bytes& prefix, const Bytes& packet) {
    Bytes frame(prefix.size() + packet.size());
    std::copy(prefix.begin(), prefix.end(), frame.begin());
    std::copy(packet.begin(), packet.end(), frame.begin() + static_cast<std::ptrdiff_t>(prefix.size()));
    return frame;
}

}  // namespace

TEST_CASE("malformed.pcap: every UDP datagram, non-UDP frames counted and skipped", "[captures]") {
    const auto capture = read_capture(kPcaps + "/malformed.pcap");
    REQUIRE(capture.ok());
    const Capture& c = capture.value();
    CHECK(c.link_type == "EN10MB");
    CHECK(c.frames == 27);
    CHECK(c.skipped == 2);  // ARP and ICMP
    REQUIRE(c.datagrams.size() == 25);
    CHECK(c.datagrams[0].frame == 1);
    CHECK(c.datagrams[0].payload.size() == 148);
    CHECK(c.datagrams[0].source.to_string() == "192.0.2.1:51820");
    CHECK(c.datagrams[0].destination.to_string() == "192.0.2.2:51820");
    CHECK(c.datagrams[0].seconds == 1'700'000'000);
    CHECK(c.datagrams[1].microseconds == 1000);
    CHECK(c.datagrams[21].payload.empty());  // the empty UDP payload is a datagram too
    CHECK(c.datagrams[24].source.address.is_v6());
    CHECK(c.datagrams[24].destination.to_string() == "[2001:db8::2]:51820");
}

TEST_CASE("The real wgref <-> wireguard-go capture reads as 20 WireGuard datagrams", "[captures]") {
    const auto capture = read_capture(kPcaps + "/wgref-wireguard-go.pcap");
    REQUIRE(capture.ok());
    REQUIRE(capture.value().datagrams.size() == 20);
    for (const auto& d : capture.value().datagrams) {
        CHECK(d.source.port == 51820);
        CHECK(d.destination.port == 51820);
    }
}

TEST_CASE("Unreadable, truncated and foreign files are clear errors", "[captures]") {
    test::TempDir dir;
    const auto missing = read_capture(dir.file("missing.pcap"));
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error(), Catch::Contains("missing.pcap"));

    test::write_text(dir.file("text.pcap"), "this is not a capture file, just some text\n");
    const auto text = read_capture(dir.file("text.pcap"));
    REQUIRE_FALSE(text.ok());
    CHECK_THAT(text.error(), Catch::Contains("text.pcap"));

    // The real capture cut in the middle of a frame.
    const auto size = std::filesystem::file_size(kPcaps + "/wgref-wireguard-go.pcap");
    std::filesystem::copy_file(kPcaps + "/wgref-wireguard-go.pcap", dir.file("cut.pcap"));
    std::filesystem::resize_file(dir.file("cut.pcap"), size - 50);
    const auto cut = read_capture(dir.file("cut.pcap"));
    REQUIRE_FALSE(cut.ok());
    CHECK_THAT(cut.error(), Catch::Contains("cut.pcap") && Catch::Contains("after frame 19"));

    // Only the file header.
    std::filesystem::resize_file(dir.file("cut.pcap"), 24);
    const auto header_only = read_capture(dir.file("cut.pcap"));
    REQUIRE(header_only.ok());
    CHECK(header_only.value().frames == 0);
}

TEST_CASE("write_capture and read_capture agree, IPv4 and IPv6", "[captures]") {
    test::TempDir dir;
    std::vector<CapturedDatagram> written(2);
    written[0].seconds = 1'700'000'000;
    written[0].microseconds = 250;
    written[0].source = endpoint("198.51.100.7", 40001);
    written[0].destination = endpoint("192.0.2.2", 51820);
    written[0].payload = {4, 0, 0, 0, 1, 2, 3};
    written[1].source = endpoint("2001:db8::7", 1234);
    written[1].destination = endpoint("2001:db8::2", 51820);
    written[1].payload = Bytes(200, 0xab);
    REQUIRE(write_capture(dir.file("w.pcap"), written).empty());
    const auto read = read_capture(dir.file("w.pcap"));
    REQUIRE(read.ok());
    REQUIRE(read.value().datagrams.size() == 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& d = read.value().datagrams[i];
        CHECK(d.frame == i + 1);
        CHECK(d.source == written[i].source);
        CHECK(d.destination == written[i].destination);
        CHECK(d.payload == written[i].payload);
    }
    CHECK(read.value().datagrams[0].microseconds == 250);
}

TEST_CASE("Frames of each link type: anything else is skipped, never read past its end", "[captures]") {
    const Bytes payload = {1, 0, 0, 0, 9, 9};
    const Bytes ip = ipv4_udp(payload);
    const Bytes ethernet = with_prefix({2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00}, ip);
    const Bytes vlan = with_prefix({2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x81, 0x00, 0, 5, 0x08, 0x00}, ip);
    const Bytes sll = with_prefix({0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00}, ip);
    const Bytes sll2 = with_prefix({0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0}, ip);
    const struct {
        int link_type;
        const Bytes& frame;
    } frames[] = {{1, ethernet}, {1, vlan}, {113, sll}, {276, sll2}, {12, ip}, {101, ip}, {228, ip}};
    for (const auto& f : frames) {
        INFO("link type " << f.link_type);
        const auto d = parse_frame(f.link_type, f.frame);
        REQUIRE(d);
        CHECK(d->payload == payload);
        CHECK(d->source.to_string() == "192.0.2.1:1000");
        CHECK(d->destination.to_string() == "192.0.2.2:51820");
        // Every prefix of the frame is refused, none is misread.
        for (std::size_t n = 0; n < f.frame.size(); ++n) CHECK_FALSE(parse_frame(f.link_type, ByteView(f.frame).first(n)));
    }
    CHECK_FALSE(parse_frame(147, ip));  // a link type it does not know

    Bytes fragment = ip;
    fragment[6] = 0x20;  // more fragments: not a whole datagram
    CHECK_FALSE(parse_frame(12, fragment));
    Bytes tcp = ip;
    tcp[9] = 6;
    CHECK_FALSE(parse_frame(12, tcp));
    Bytes long_udp = ip;
    long_udp[25] = static_cast<std::uint8_t>(long_udp[25] + 1);  // UDP length beyond the IP packet
    CHECK_FALSE(parse_frame(12, long_udp));
}
