// SPDX-License-Identifier: MIT
// Cryptokey routing (paper §3): first the cases a reader learns from, then
// the trie against a naive longest-prefix matcher on random tables.
#include <catch2/catch.hpp>

#include <map>
#include <random>

#include "routing/allowed_ips.hpp"

using namespace wg;
using namespace wg::routing;

namespace {
IpPrefix P(const char* text) {
    auto p = IpPrefix::parse(text);
    REQUIRE(p);
    return *p;
}
std::optional<PeerId> at(const AllowedIps& t, const char* address) {
    auto a = IpAddress::parse(address);
    REQUIRE(a);
    return t.lookup(*a);
}
IpAddress address_of(const std::array<std::uint8_t, 16>& bytes, bool v4) {
    return *IpAddress::from_bytes({bytes.data(), v4 ? 4u : 16u});
}
}  // namespace

TEST_CASE("A /0 catches every address of its own family only", "[routing]") {
    AllowedIps t;
    t.insert(P("0.0.0.0/0"), 1);
    CHECK(at(t, "192.0.2.1") == 1u);
    CHECK(at(t, "255.255.255.255") == 1u);
    CHECK_FALSE(at(t, "2001:db8::1"));  // IPv6 needs its own ::/0
    t.insert(P("::/0"), 2);
    CHECK(at(t, "2001:db8::1") == 2u);
}

TEST_CASE("Host routes: /32 and /128 match one address", "[routing]") {
    AllowedIps t;
    t.insert(P("192.0.2.7/32"), 1);
    t.insert(P("2001:db8::7/128"), 2);
    CHECK(at(t, "192.0.2.7") == 1u);
    CHECK_FALSE(at(t, "192.0.2.6"));
    CHECK(at(t, "2001:db8::7") == 2u);
    CHECK_FALSE(at(t, "2001:db8::8"));
    CHECK(P("192.0.2.7") == P("192.0.2.7/32"));  // a bare address is a host prefix
}

TEST_CASE("Overlapping prefixes: the longest match wins", "[routing]") {
    AllowedIps t;
    t.insert(P("10.0.0.0/8"), 1);
    t.insert(P("10.1.0.0/16"), 2);
    t.insert(P("10.1.2.3/32"), 3);
    CHECK(at(t, "10.9.9.9") == 1u);
    CHECK(at(t, "10.1.9.9") == 2u);
    CHECK(at(t, "10.1.2.3") == 3u);
    CHECK(at(t, "10.1.2.4") == 2u);
    CHECK_FALSE(at(t, "11.0.0.1"));
}

TEST_CASE("Inserting a prefix another peer has moves it", "[routing]") {
    AllowedIps t;
    t.insert(P("198.51.100.0/24"), 1);
    t.insert(P("198.51.100.0/24"), 2);
    CHECK(at(t, "198.51.100.9") == 2u);
    CHECK(t.prefixes_of(1).empty());
    CHECK(t.size() == 1);
}

TEST_CASE("Host bits are masked off when a prefix is stored", "[routing]") {
    AllowedIps t;
    t.insert(P("192.0.2.77/24"), 1);
    REQUIRE(t.prefixes_of(1).size() == 1);
    CHECK(t.prefixes_of(1)[0].to_string() == "192.0.2.0/24");
    CHECK(P("2001:db8:ffff::1/32").to_string() == "2001:db8::/32");
}

TEST_CASE("Removing one prefix, a wrong owner, and a whole peer", "[routing]") {
    AllowedIps t;
    t.insert(P("203.0.113.0/24"), 1);
    t.insert(P("203.0.113.128/25"), 2);
    t.insert(P("2001:db8::/32"), 2);
    CHECK_FALSE(t.remove(P("203.0.113.0/24"), 2));  // not 2's to remove
    CHECK(t.remove(P("203.0.113.128/25"), 2));
    CHECK(at(t, "203.0.113.200") == 1u);  // the shorter prefix shows through again
    t.remove_peer(1);
    CHECK_FALSE(at(t, "203.0.113.200"));
    CHECK(at(t, "2001:db8::1") == 2u);
    CHECK(t.size() == 1);
}

TEST_CASE("A peer's prefixes are listed in address order, IPv4 first", "[routing]") {
    AllowedIps t;
    for (const char* p : {"2001:db8:2::/48", "198.51.100.0/24", "2001:db8:1::/48", "192.0.2.0/24", "192.0.2.128/25"}) {
        t.insert(P(p), 4);
    }
    std::vector<std::string> listed;
    for (const auto& p : t.prefixes_of(4)) listed.push_back(p.to_string());
    CHECK(listed == std::vector<std::string>{"192.0.2.0/24", "192.0.2.128/25", "198.51.100.0/24", "2001:db8:1::/48",
                                             "2001:db8:2::/48"});
}

TEST_CASE("Both questions of section 3, asked of real packet headers", "[routing]") {
    AllowedIps t;
    t.insert(P("203.0.113.1/32"), 1);
    t.insert(P("203.0.113.2/32"), 2);
    t.insert(P("2001:db8::2/128"), 2);
    Bytes v4(20, 0);
    v4[0] = 0x45;
    const std::array<std::uint8_t, 4> from{203, 0, 113, 1}, to{203, 0, 113, 2};
    std::copy(from.begin(), from.end(), v4.begin() + 12);
    std::copy(to.begin(), to.end(), v4.begin() + 16);
    CHECK(t.lookup_packet_destination(v4) == 2u);  // sending: who gets it
    CHECK(t.lookup_packet_source(v4) == 1u);       // receiving: who may have sent it
    Bytes v6(40, 0);
    v6[0] = 0x60;
    v6[39] = 2;
    v6[24] = 0x20; v6[25] = 0x01; v6[26] = 0x0d; v6[27] = 0xb8;
    CHECK(t.lookup_packet_destination(v6) == 2u);
    CHECK_FALSE(t.lookup_packet_source(v6));  // source :: belongs to nobody
    CHECK_FALSE(t.lookup_packet_destination(Bytes{0x45, 0}));  // truncated: no answer
}

TEST_CASE("Malformed prefixes are refused", "[routing]") {
    for (const char* bad : {"1.2.3.4/33", "::/129", "foo", "1.2.3.4/", "", "1.2.3.4/-1", "1.2.3.4/8x", "1.2.3/8"}) {
        INFO(bad);
        CHECK_FALSE(IpPrefix::parse(bad));
    }
    // A NUL inside the text must not cut it short for inet_pton.
    using namespace std::string_view_literals;
    CHECK_FALSE(IpPrefix::parse("10.0.0.1\0junk/32"sv));
    CHECK_FALSE(IpPrefix::parse("10.0.0.1\0"sv));
}

TEST_CASE("The trie agrees with a naive longest-prefix matcher on random tables", "[routing][random]") {
    std::mt19937_64 random(3);
    AllowedIps trie;
    std::map<IpPrefix, PeerId> naive;  // prefix -> peer
    // Prefixes cluster around a few hundred base addresses so they overlap.
    std::vector<std::array<std::uint8_t, 16>> bases(300);
    for (auto& b : bases) for (auto& x : b) x = static_cast<std::uint8_t>(random());
    auto random_prefix = [&]() {
        const bool v4 = random() % 2;
        auto bytes = bases[random() % bases.size()];
        for (int i = 0; i < 3; ++i) bytes[random() % (v4 ? 4 : 16)] ^= static_cast<std::uint8_t>(1u << (random() % 8));
        const unsigned max = v4 ? 32 : 128;
        const auto length = static_cast<std::uint8_t>(random() % (max + 1));
        return IpPrefix::make(address_of(bytes, v4), length);
    };
    // The naive matcher: try every length from the longest down; the first
    // (family, masked address, length) in the table wins. Obviously right.
    auto naive_lookup = [&](const std::array<std::uint8_t, 16>& address, bool v4) -> std::optional<PeerId> {
        const unsigned max = v4 ? 32 : 128;
        for (int length = static_cast<int>(max); length >= 0; --length) {
            const auto it = naive.find(IpPrefix::make(address_of(address, v4), static_cast<std::uint8_t>(length)));
            if (it != naive.end()) return it->second;
        }
        return std::nullopt;
    };
    int lookups = 0;
    for (int round = 0; round < 5; ++round) {
        for (int i = 0; i < 2500; ++i) {  // 12,500 prefixes inserted over the rounds
            const IpPrefix p = random_prefix();
            const auto peer = static_cast<PeerId>(random() % 100);
            trie.insert(p, peer);
            naive[p] = peer;
        }
        for (int i = 0; i < 20'000; ++i) {
            const bool v4 = random() % 2;
            auto address = bases[random() % bases.size()];
            if (random() % 2) for (auto& x : address) x = static_cast<std::uint8_t>(random());  // half anywhere
            else address[random() % (v4 ? 4 : 16)] ^= static_cast<std::uint8_t>(1u << (random() % 8));
            if (v4) std::fill(address.begin() + 4, address.end(), 0);
            const auto expected = naive_lookup(address, v4);
            const auto got = trie.lookup(address_of(address, v4));
            if (got != expected) FAIL("lookup differs in round " << round);
            ++lookups;
        }
        // Between rounds: drop some peers entirely and some single prefixes.
        for (int i = 0; i < 5; ++i) {
            const auto peer = static_cast<PeerId>(random() % 100);
            trie.remove_peer(peer);
            std::erase_if(naive, [&](const auto& e) { return e.second == peer; });
        }
        for (int i = 0; i < 300 && !naive.empty(); ++i) {
            auto it = std::next(naive.begin(), static_cast<std::ptrdiff_t>(random() % naive.size()));
            REQUIRE(trie.remove(it->first, it->second));
            naive.erase(it);
        }
        REQUIRE(trie.size() == naive.size());
        // Each peer's own list (what `wg show` prints) is exactly its
        // prefixes in the naive table, in its order (IPv4 first, by address).
        for (PeerId peer = 0; peer < 100; ++peer) {
            std::vector<IpPrefix> expected;
            for (const auto& e : naive) {
                if (e.second == peer) expected.push_back(e.first);
            }
            if (trie.prefixes_of(peer) != expected) FAIL("prefixes of peer " << peer << " differ in round " << round);
        }
    }
    CHECK(lookups == 100'000);
}

TEST_CASE("A big IPv4 table takes the shortcut and still agrees with the naive matcher, growing and shrinking", "[routing][random]") {
    std::mt19937_64 random(11);
    AllowedIps trie;
    std::map<IpPrefix, PeerId> naive;
    auto naive_lookup = [&](const std::array<std::uint8_t, 16>& address) -> std::optional<PeerId> {
        for (int length = 32; length >= 0; --length) {
            const auto it = naive.find(IpPrefix::make(address_of(address, true), static_cast<std::uint8_t>(length)));
            if (it != naive.end()) return it->second;
        }
        return std::nullopt;
    };
    auto random_address = [&]() {
        std::array<std::uint8_t, 16> a{};
        // Half near 198.51.100.0/22 so prefixes nest and branch; half anywhere.
        const std::uint32_t word = random() % 2 ? 0xC6336400u | static_cast<std::uint32_t>(random() % 1024)
                                                : static_cast<std::uint32_t>(random());
        for (int i = 0; i < 4; ++i) a[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(word >> (24 - 8 * i));
        return a;
    };
    auto agree = [&](const char* when) {
        for (int i = 0; i < 20'000; ++i) {
            const auto address = random_address();
            if (trie.lookup(address_of(address, true)) != naive_lookup(address)) FAIL("lookup differs " << when);
        }
    };
    std::vector<IpPrefix> inserted;
    for (int i = 0; i < 40'000; ++i) {  // past 512 prefixes the shortcut appears, then grows with the table
        const auto p = IpPrefix::make(address_of(random_address(), true), static_cast<std::uint8_t>(random() % 33));
        const auto peer = static_cast<PeerId>(random() % 50);
        trie.insert(p, peer);
        naive[p] = peer;
        inserted.push_back(p);
        if (i == 300) {
            CHECK(trie.shortcut_stride() == 0);
            agree("before the shortcut");
        }
    }
    const unsigned grown = trie.shortcut_stride();
    CHECK(grown >= 12);
    agree("with the shortcut");
    for (PeerId peer = 0; peer < 10; ++peer) {  // whole peers go, and single prefixes
        trie.remove_peer(peer);
        std::erase_if(naive, [&](const auto& e) { return e.second == peer; });
    }
    std::shuffle(inserted.begin(), inserted.end(), random);
    for (const auto& p : inserted) {
        const auto it = naive.find(p);
        if (it == naive.end() || random() % 10 == 0) continue;  // keep a tenth
        REQUIRE(trie.remove(p, it->second));
        naive.erase(it);
    }
    REQUIRE(trie.size() == naive.size());
    CHECK(trie.shortcut_stride() < grown);
    agree("after shrinking");
}
