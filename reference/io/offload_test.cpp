// SPDX-License-Identifier: MIT
// Offloads, by example: the kernel's super-packets cut into the packets a
// sender without offloads would have sent, and our packets glued into the
// super-packets the kernel expects, both checked against Scapy
// (vectors/offload_scapy.txt); then properties that must hold for any
// traffic: cutting what was glued gives back exactly what went in.
#include <catch2/catch.hpp>

#include <random>

#include "io/offload.hpp"
#include "vector_file.hpp"

using namespace wg;
using namespace wg::io::offload;

namespace {

std::vector<Bytes> split_all(ByteView header_bytes, Bytes packet, bool& ok) {
    std::vector<Bytes> out;
    const auto header = VirtioHeader::read(header_bytes);
    REQUIRE(header);
    Segmenter segmenter;
    ok = segmenter.split(*header, packet, [&](ByteView p) { out.emplace_back(p.begin(), p.end()); });
    return out;
}

std::vector<Bytes> coalesce_all(const std::vector<Bytes>& packets) {
    Coalescer coalescer;
    for (const auto& p : packets) coalescer.add(p);
    std::vector<Bytes> out;
    coalescer.for_each_output([&](ByteView b) { out.emplace_back(b.begin(), b.end()); });
    return out;
}

/// A TCP segment of flow `flow` (0..3) with valid checksums, built here
/// without the code under test's help beyond ones_complement_sum, which the
/// RFC 1071 example checks below.
Bytes tcp_packet(int flow, std::uint32_t sequence, std::size_t payload, std::uint8_t flags, std::uint16_t id, bool v6) {
    const std::size_t ip = v6 ? 40 : 20;
    Bytes p(ip + 20 + payload, 0);
    if (v6) {
        p[0] = 0x60;
        p[4] = static_cast<std::uint8_t>((20 + payload) >> 8);
        p[5] = static_cast<std::uint8_t>(20 + payload);
        p[6] = 6;
        p[7] = 64;
        p[8] = 0x20, p[9] = 0x01, p[10] = 0x0d, p[11] = 0xb8, p[23] = 1;
        p[24] = 0x20, p[25] = 0x01, p[26] = 0x0d, p[27] = 0xb8, p[39] = static_cast<std::uint8_t>(2 + flow);
    } else {
        p[0] = 0x45;
        p[2] = static_cast<std::uint8_t>(p.size() >> 8);
        p[3] = static_cast<std::uint8_t>(p.size());
        p[4] = static_cast<std::uint8_t>(id >> 8);
        p[5] = static_cast<std::uint8_t>(id);
        p[6] = 0x40;  // DF
        p[8] = 64;
        p[9] = 6;
        p[12] = 203, p[13] = 0, p[14] = 113, p[15] = 1;
        p[16] = 203, p[17] = 0, p[18] = 113, p[19] = static_cast<std::uint8_t>(2 + flow);
        const auto sum = static_cast<std::uint16_t>(~ones_complement_sum(ByteView(p).first(20)));
        p[10] = static_cast<std::uint8_t>(sum >> 8);
        p[11] = static_cast<std::uint8_t>(sum);
    }
    std::uint8_t* t = p.data() + ip;
    t[0] = 0x9c, t[1] = 0x40, t[2] = 0x14, t[3] = static_cast<std::uint8_t>(0x51 + flow);
    store_be32(t + 4, sequence);
    store_be32(t + 8, 4242);
    t[12] = 0x50;
    t[13] = flags;
    t[14] = 0x02;
    for (std::size_t i = 0; i < payload; ++i) t[20 + i] = static_cast<std::uint8_t>(sequence + i);
    // The pseudo-header: addresses, protocol, TCP length.
    Bytes pseudo(v6 ? p.begin() + 8 : p.begin() + 12, v6 ? p.begin() + 40 : p.begin() + 20);
    const std::size_t length = 20 + payload;
    pseudo.insert(pseudo.end(), {0, 6, static_cast<std::uint8_t>(length >> 8), static_cast<std::uint8_t>(length)});
    const auto sum = static_cast<std::uint16_t>(
        ~ones_complement_sum(ByteView(p).subspan(ip), ones_complement_sum(pseudo)));
    t[16] = static_cast<std::uint8_t>(sum >> 8);
    t[17] = static_cast<std::uint8_t>(sum);
    return p;
}

}  // namespace

TEST_CASE("The Internet checksum of RFC 1071's example") {
    // RFC 1071 §3: 00 01 f2 03 f4 f5 f6 f7 sums to dd f2.
    const Bytes data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    CHECK(ones_complement_sum(data) == 0xddf2);
    CHECK(ones_complement_sum(ByteView(data).first(7)) == 0xdcfb);  // an odd last byte counts as f6 00
}

TEST_CASE("A virtio-net header reads back as it was written") {
    VirtioHeader h{VirtioHeader::kNeedsChecksum, VirtioHeader::kGsoTcpV6, 60, 1368, 40, 16};
    Bytes bytes(VirtioHeader::kSize);
    h.write(bytes);
    CHECK(bytes == Bytes{0x01, 0x04, 60, 0, 0x58, 0x05, 40, 0, 16, 0});  // little-endian, as the TUN device has it
    const auto back = VirtioHeader::read(bytes);
    REQUIRE(back);
    CHECK(back->segment_size == 1368);
    CHECK(back->checksum_start == 40);
    CHECK_FALSE(VirtioHeader::read(ByteView(bytes).first(9)));
}

TEST_CASE("Super-packets are cut into the packets Scapy builds one by one") {
    int records = 0;
    for (const auto& r : vectors::load("offload_scapy.txt")) {
        if (r.text("kind") != "split") continue;
        ++records;
        bool ok = false;
        const auto segments = split_all(r.bytes("header"), r.bytes("super"), ok);
        REQUIRE(ok);
        REQUIRE(segments.size() == r.number("segments"));
        for (std::size_t i = 0; i < segments.size(); ++i) {
            INFO("segment " << i);
            CHECK(segments[i] == r.bytes("segment" + std::to_string(i)));
        }
    }
    CHECK(records == 7);
}

TEST_CASE("Consecutive segments are glued into the super-packet Scapy builds") {
    int records = 0;
    for (const auto& r : vectors::load("offload_scapy.txt")) {
        if (r.text("kind") != "coalesce") continue;
        ++records;
        std::vector<Bytes> packets;
        for (std::size_t i = 0; i < r.number("packets"); ++i) packets.push_back(r.bytes("packet" + std::to_string(i)));
        const auto out = coalesce_all(packets);
        REQUIRE(out.size() == 1);
        CHECK(out[0] == r.bytes("output"));
    }
    CHECK(records == 3);
}

TEST_CASE("Packets that must reach the kernel as they came are never glued") {
    const Bytes a = tcp_packet(0, 1000, 500, 0x10, 1, false);
    const auto lone = [](const std::vector<Bytes>& packets) {
        const auto out = coalesce_all(packets);
        bool all_lone = out.size() == packets.size();
        for (std::size_t i = 0; all_lone && i < out.size(); ++i) {
            // A zero header, then the packet untouched.
            all_lone = std::all_of(out[i].begin(), out[i].begin() + VirtioHeader::kSize, [](auto b) { return b == 0; }) &&
                       Bytes(out[i].begin() + VirtioHeader::kSize, out[i].end()) == packets[i];
        }
        return all_lone;
    };
    SECTION("a gap in the sequence") { CHECK(lone({a, tcp_packet(0, 1501, 500, 0x10, 2, false)})); }
    SECTION("a larger segment after a smaller one") { CHECK(lone({a, tcp_packet(0, 1500, 501, 0x10, 2, false)})); }
    SECTION("another flow") { CHECK(lone({a, tcp_packet(1, 1500, 500, 0x10, 2, false)})); }
    SECTION("a SYN, a FIN, a RST, a bare ACK") {
        CHECK(lone({a, tcp_packet(0, 1500, 500, 0x11, 2, false)}));
        CHECK(lone({tcp_packet(0, 1000, 500, 0x12, 1, false), tcp_packet(0, 1500, 500, 0x10, 2, false)}));
        CHECK(lone({a, tcp_packet(0, 1500, 500, 0x14, 2, false)}));
        CHECK(lone({tcp_packet(0, 1000, 0, 0x10, 1, false), tcp_packet(0, 1000, 0, 0x10, 2, false)}));
    }
    SECTION("a wrong TCP checksum: the kernel must see it and drop it") {
        Bytes bad = tcp_packet(0, 1500, 500, 0x10, 2, false);
        bad[60] ^= 1;
        CHECK(lone({a, bad}));
        CHECK(lone({bad, tcp_packet(0, 2000, 500, 0x10, 3, false)}));
    }
    SECTION("a PSH ends a run: nothing joins after it") {
        CHECK(coalesce_all({a, tcp_packet(0, 1500, 500, 0x18, 2, false), tcp_packet(0, 2000, 500, 0x10, 3, false)}).size() == 2);
    }
    SECTION("not TCP, or not IP at all") { CHECK(lone({Bytes{0x45, 0, 0}, Bytes{}, Bytes(60, 0x60)})); }
}

TEST_CASE("Cutting what was glued gives back every packet, in order per flow") {
    std::mt19937 random(20261202);
    std::size_t packets_in = 0, outputs = 0;
    for (int round = 0; round < 200; ++round) {
        // Four flows, IPv4 and IPv6, interleaved at random; segments of a
        // flow's size with now and then a short one, a PSH, a lone ACK, a
        // gap, or a UDP-like stranger.
        const bool v6 = round % 2 == 1;
        std::vector<Bytes> in;
        std::array<std::uint32_t, 4> sequence{1, 100000, 200000, 300000};
        std::array<std::uint16_t, 4> id{};
        const std::array<std::size_t, 4> size{1368, 1000, 536, 1380};
        const int count = std::uniform_int_distribution<int>(1, 120)(random);
        for (int i = 0; i < count; ++i) {
            const int flow = std::uniform_int_distribution<int>(0, 3)(random);
            const int what = std::uniform_int_distribution<int>(0, 19)(random);
            const std::size_t payload = what == 0 ? size[flow] / 3 : what == 1 ? 0 : size[flow];
            const std::uint8_t flags = what == 2 ? 0x18 : 0x10;
            if (what == 3) sequence[flow] += 7;  // a gap
            in.push_back(tcp_packet(flow, sequence[flow], payload, flags, id[flow]++, v6));
            sequence[flow] += static_cast<std::uint32_t>(payload);
        }
        std::vector<std::vector<Bytes>> per_flow_in(4), per_flow_out(4);
        const auto flow_of = [&](ByteView p) { return p[v6 ? 39 : 19] - 2; };
        for (const auto& p : in) per_flow_in[flow_of(p)].push_back(p);
        const auto glued = coalesce_all(in);
        packets_in += in.size();
        outputs += glued.size();
        for (const auto& g : glued) {
            bool ok = false;
            for (auto& p : split_all(ByteView(g).first(VirtioHeader::kSize), Bytes(g.begin() + VirtioHeader::kSize, g.end()), ok)) {
                per_flow_out[flow_of(p)].push_back(std::move(p));
            }
            REQUIRE(ok);
        }
        for (int f = 0; f < 4; ++f) {
            INFO("round " << round << " flow " << f);
            // IPv4 identifications come back counted from each run's first:
            // here every flow counts up by one, so they match exactly.
            REQUIRE(per_flow_out[f].size() == per_flow_in[f].size());
            for (std::size_t i = 0; i < per_flow_in[f].size(); ++i) {
                const auto& a = per_flow_in[f][i];
                const auto& b = per_flow_out[f][i];
                const auto differ = std::mismatch(a.begin(), a.end(), b.begin(), b.end());
                INFO("packet " << i << " of " << a.size() << " bytes: first difference at byte "
                               << (differ.first - a.begin()));
                CHECK(a == b);
            }
        }
    }
    // ...and the rounds did glue: far fewer writes than packets.
    CHECK(outputs * 3 < packets_in);
}

TEST_CASE("Super-packets that disagree with their header are refused, not cut") {
    const Bytes p = tcp_packet(0, 1, 3000, 0x10, 1, false);
    Segmenter segmenter;
    std::size_t packets_out = 0;
    const auto refused = [&](VirtioHeader h, Bytes packet) {
        packets_out = 0;
        return !segmenter.split(h, packet, [&](ByteView) { ++packets_out; }) && packets_out == 0;
    };
    const VirtioHeader good{VirtioHeader::kNeedsChecksum, VirtioHeader::kGsoTcpV4, 40, 1000, 20, 16};
    CHECK_FALSE(refused(good, p));
    CHECK(packets_out == 3);
    CHECK(refused({1, VirtioHeader::kGsoTcpV6, 40, 1000, 20, 16}, p));   // IPv6 GSO on an IPv4 packet
    CHECK(refused({1, VirtioHeader::kGsoTcpV4, 40, 0, 20, 16}, p));      // segment size zero
    CHECK(refused({1, VirtioHeader::kGsoTcpV4, 40, 1000, 24, 16}, p));   // TCP not where IPv4's header ends
    CHECK(refused({1, VirtioHeader::kGsoTcpV4, 40, 1000, 20, 16}, Bytes(p.begin(), p.begin() + 30)));  // cut short
    CHECK(refused({1, 0, 0, 0, 20, 65000}, p));                          // a checksum field past the end
    CHECK(refused({1, 42, 0, 0, 0, 0}, p));                              // a GSO type nobody asked for
    // Found by fuzz/offload.cpp: a header that points past a packet too
    // short to hold even an IPv6 header.
    CHECK(refused({1, VirtioHeader::kGsoTcpV6, 0, 1000, 40, 16}, Bytes{0x60, 0, 0, 0, 0}));
    CHECK(refused({1, VirtioHeader::kGsoUdpL4, 0, 1000, 0, 6}, Bytes(12, 0x45)));
    Bytes udp = p;
    udp[9] = 17;
    CHECK(refused(good, udp));                                           // TCP GSO on a UDP packet
}

TEST_CASE("UDP_SEGMENT runs: one destination, one size, the last one shorter") {
    const Endpoint a{*IpAddress::parse("192.0.2.1"), 51820}, b{*IpAddress::parse("192.0.2.2"), 51820};
    std::vector<device::Datagram> d;
    for (std::size_t size : {1452, 1452, 1452, 100}) d.push_back({a, Bytes(size)});  // run 1: 3 full, 1 short
    d.push_back({a, Bytes(1452)});                                                 // run 2: after the short one
    d.push_back({b, Bytes(1452)});                                                 // run 3: another peer
    d.push_back({b, Bytes(1500)});                                                 // run 4: larger
    for (int i = 0; i < 70; ++i) d.push_back({a, Bytes(148)});                     // runs 5, 6: 64 at most
    std::vector<UdpRun> runs;
    udp_segment_runs(d, runs);
    REQUIRE(runs.size() == 6);
    CHECK((runs[0].first == 0 && runs[0].count == 4 && runs[0].segment_size == 1452));
    CHECK((runs[1].first == 4 && runs[1].count == 1));
    CHECK((runs[2].first == 5 && runs[2].count == 1));
    CHECK((runs[3].first == 6 && runs[3].count == 1 && runs[3].segment_size == 1500));
    CHECK((runs[4].first == 7 && runs[4].count == kMaxUdpSegments));
    CHECK((runs[5].first == 7 + kMaxUdpSegments && runs[5].count == 6));
    std::vector<device::Datagram> big(60, {a, Bytes(1452)});
    udp_segment_runs(big, runs);
    CHECK(runs[0].count * 1452 <= kMaxUdpRunBytes);
    CHECK(runs[0].count == kMaxUdpRunBytes / 1452);
}
