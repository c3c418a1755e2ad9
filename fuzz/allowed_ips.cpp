// SPDX-License-Identifier: MIT
// Cryptokey routing's table (paper §3; routing/allowed_ips.hpp) against a
// naive longest-prefix matcher. The input is a script of changes and
// lookups; after each lookup the trie must name the peer the naive matcher
// names (a map of prefixes, tried from the longest length down, obviously
// right), and at the end every peer's list and the size must agree too.
//
// What to take away: the trie grows a shortcut (a direct table of its first
// 10 to 20 bits) once it holds 512 IPv4 prefixes, and every insert or removal
// after that recomputes the entries it touched. No other target builds a
// table that big, so the script has a step that adds up to 2048 neighbouring
// prefixes at once (a carrier's block cut into /24s, say), and the single
// inserts and removals after it are what exercise that incremental repair,
// under AddressSanitizer: an entry left pointing at a removed node is a
// use-after-free here, not just a wrong answer.
#include <fuzzer/FuzzedDataProvider.h>

#include <map>

#include "common/bytes.hpp"
#include "fuzz_support.hpp"
#include "routing/allowed_ips.hpp"

using namespace wg;
using namespace wg::routing;

namespace {

constexpr int kMaxSteps = 96;
constexpr int kPeers = 8;

IpAddress address(FuzzedDataProvider& input, bool v4) {
    std::array<std::uint8_t, 16> bytes{};
    const auto taken = input.ConsumeBytes<std::uint8_t>(v4 ? 4 : 16);
    std::copy(taken.begin(), taken.end(), bytes.begin());
    return *IpAddress::from_bytes({bytes.data(), v4 ? 4u : 16u});
}

/// IPv4 addresses as numbers, so a block of prefixes is a count and a step.
IpAddress v4_from_word(std::uint32_t word) {
    std::array<std::uint8_t, 4> octets{};
    store_be32(octets.data(), word);
    return IpAddress::v4(octets);
}

std::uint32_t word_of(const IpAddress& a) { return load_be32(a.bytes.data()); }

struct Naive {
    std::map<IpPrefix, PeerId> table;
    std::optional<PeerId> lookup(const IpAddress& a) const {
        for (int length = a.is_v6() ? 128 : 32; length >= 0; --length) {
            const auto it = table.find(IpPrefix::make(a, static_cast<std::uint8_t>(length)));
            if (it != table.end()) return it->second;
        }
        return std::nullopt;
    }
};

void both_insert(AllowedIps& trie, Naive& naive, const IpPrefix& p, PeerId peer) {
    trie.insert(p, peer);
    naive.table[p] = peer;
}

void check_lookup(const AllowedIps& trie, const Naive& naive, const IpAddress& a) {
    fuzz::expect(trie.lookup(a) == naive.lookup(a), "the trie names the peer of the longest matching prefix (3)");
}

}  // namespace

WGREF_FUZZ_TARGET {
    FuzzedDataProvider input(data, size);
    AllowedIps trie;
    Naive naive;
    for (int step = 0; step < kMaxSteps && input.remaining_bytes() > 0; ++step) {
        switch (input.ConsumeIntegralInRange(0, 7)) {
            case 0: {  // a block of neighbouring IPv4 prefixes, peers taking turns
                const auto length = input.ConsumeIntegralInRange<std::uint8_t>(8, 32);
                const auto count = input.ConsumeIntegralInRange<std::uint32_t>(1, 2048);
                const auto peers = input.ConsumeIntegralInRange<PeerId>(1, kPeers);
                const std::uint32_t step_size = std::uint32_t{1} << (32 - length);  // length is 8 to 32
                std::uint32_t word = word_of(address(input, true));
                for (std::uint32_t i = 0; i < count; ++i, word += step_size) {
                    both_insert(trie, naive, IpPrefix::make(v4_from_word(word), length), i % peers);
                }
                break;
            }
            case 1: {  // one prefix, IPv4 or IPv6, any length
                const bool v4 = input.ConsumeBool();
                const auto length = input.ConsumeIntegralInRange<std::uint8_t>(0, v4 ? 32 : 128);
                const auto peer = input.ConsumeIntegralInRange<PeerId>(0, kPeers - 1);
                both_insert(trie, naive, IpPrefix::make(address(input, v4), length), peer);
                break;
            }
            case 2: {  // remove a prefix the table holds, by its owner or by another peer
                if (naive.table.empty()) break;
                auto it = std::next(naive.table.begin(), input.ConsumeIntegralInRange<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(naive.table.size()) - 1));
                const bool owner = input.ConsumeBool();
                const PeerId peer = owner ? it->second : (it->second + 1) % kPeers;
                fuzz::expect(trie.remove(it->first, peer) == owner, "a prefix is removed by its owner only");
                if (owner) naive.table.erase(it);
                break;
            }
            case 3: {  // remove a prefix the table may not hold
                const bool v4 = input.ConsumeBool();
                const auto length = input.ConsumeIntegralInRange<std::uint8_t>(0, v4 ? 32 : 128);
                const auto peer = input.ConsumeIntegralInRange<PeerId>(0, kPeers - 1);
                const IpPrefix p = IpPrefix::make(address(input, v4), length);
                const auto it = naive.table.find(p);
                const bool held = it != naive.table.end() && it->second == peer;
                fuzz::expect(trie.remove(p, peer) == held, "removing a prefix says whether the peer held it");
                if (held) naive.table.erase(it);
                break;
            }
            case 4: {  // a whole peer goes (wg set PEER remove)
                const auto peer = input.ConsumeIntegralInRange<PeerId>(0, kPeers - 1);
                trie.remove_peer(peer);
                std::erase_if(naive.table, [&](const auto& e) { return e.second == peer; });
                break;
            }
            case 5: {  // an address inside, or just past, a prefix the table holds
                if (naive.table.empty()) break;
                const auto& p = std::next(naive.table.begin(), input.ConsumeIntegralInRange<std::ptrdiff_t>(0, static_cast<std::ptrdiff_t>(naive.table.size()) - 1))->first;
                IpAddress a = p.address;
                if (!a.is_v6()) {
                    const std::uint32_t span = p.length == 0 ? 0xffffffffu : (std::uint32_t{1} << (32 - p.length)) - 1;
                    const std::uint32_t offset = input.ConsumeBool() ? span + 1 : input.ConsumeIntegralInRange<std::uint32_t>(0, span);
                    a = v4_from_word(word_of(a) + offset);
                } else {
                    a.bytes[15] ^= input.ConsumeIntegral<std::uint8_t>();
                }
                check_lookup(trie, naive, a);
                break;
            }
            case 6:  // any address
                check_lookup(trie, naive, address(input, input.ConsumeBool()));
                break;
            case 7:  // the whole table goes
                trie.clear();
                naive.table.clear();
                break;
        }
    }
    fuzz::expect(trie.size() == naive.table.size(), "the table counts the prefixes it holds");
    for (PeerId peer = 0; peer < kPeers; ++peer) {
        std::vector<IpPrefix> expected;
        for (const auto& [prefix, owner] : naive.table) {
            if (owner == peer) expected.push_back(prefix);
        }
        fuzz::expect(trie.prefixes_of(peer) == expected, "a peer's list is its prefixes, IPv4 first, in address order");
    }
    return 0;
}
