// SPDX-License-Identifier: MIT
// Paper §3, "Cryptokey Routing": the table at the heart of WireGuard. Each
// peer owns a list of allowed IPs, and one table answers two questions:
//   - sending: which peer gets this outgoing packet? Look up its DESTINATION
//     address; the longest matching prefix names the peer.
//   - receiving: may this peer send us this packet? Look up the decrypted
//     packet's SOURCE address; it must name the very peer whose keys
//     decrypted it, or the packet is dropped.
// So an address belongs to exactly one peer, and a peer's public key is what
// proves a packet's source address: routing and authentication are one table.
//
// The table is a binary radix trie with path compression (one for IPv4, one
// for IPv6): each node stands for a prefix; a lookup walks down while the
// address matches the node's prefix, remembering the last node that belongs
// to a peer. Single-child chains are compressed into one node, so the depth
// is bounded by the number of distinct branch points, not by 32 or 128.
//
// For big IPv4 tables, a shortcut beside the trie (the trie stays the truth,
// and small tables never use it): a direct table indexed by an address's
// first `stride` bits (10 to 20, growing with the table) that holds where
// a lookup of any address starting so would be after those bits: the node to
// go on from, and the best match so far. A lookup then makes one step into
// the table and a few down the trie, not one per branch point: at a million
// prefixes, that is the difference between a few cache misses and twenty.
// Each change to the trie recomputes the entries whose walk it touched.
//
// Beside the trie, each peer's own list of prefixes (the kernel keeps one
// too), so that listing or removing one peer's prefixes costs in proportion
// to that peer's prefixes, not to the whole table: `wg show` of 100,000
// peers then takes time linear in the peers.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "common/address.hpp"

namespace wg::routing {

using PeerId = std::uint32_t;

class AllowedIps {
public:
    AllowedIps();
    ~AllowedIps();
    AllowedIps(AllowedIps&&) noexcept;
    AllowedIps& operator=(AllowedIps&&) noexcept;

    /// Gives `prefix` to `peer`; if another peer had exactly this prefix, it moves.
    void insert(const IpPrefix& prefix, PeerId peer);
    /// Removes `prefix` if `peer` owns it; returns whether it did.
    bool remove(const IpPrefix& prefix, PeerId peer);
    /// Removes every prefix of `peer`.
    void remove_peer(PeerId peer);
    void clear();

    /// Longest-prefix match.
    std::optional<PeerId> lookup(const IpAddress& address) const;
    /// §3, sending: the peer for an IP packet's destination address.
    std::optional<PeerId> lookup_packet_destination(ByteView ip_packet) const;
    /// §3, receiving: the peer that owns an IP packet's source address.
    std::optional<PeerId> lookup_packet_source(ByteView ip_packet) const;

    /// `peer`'s prefixes: IPv4 first, then IPv6, each in address order.
    std::vector<IpPrefix> prefixes_of(PeerId peer) const;
    std::size_t size() const { return size_; }
    /// What the table holds in memory: the trie's nodes and the per-peer lists.
    std::size_t memory_bytes() const;

    /// The shortcut's stride in bits (0 while the IPv4 table is too small to need one).
    unsigned shortcut_stride() const { return shortcut_.stride; }

private:
    struct Node;
    /// Where a lookup stands after the first `stride` bits of an address.
    struct ShortcutEntry {
        const Node* next = nullptr;    ///< the node to go on from (its prefix is `stride` bits or longer)
        std::optional<PeerId> best;    ///< the longest match among shorter prefixes
    };
    struct Shortcut {
        unsigned stride = 0;
        std::vector<ShortcutEntry> entries;  ///< 2^stride of them
    };
    std::unique_ptr<Node>& root_for(IpFamily family) { return family == IpFamily::v4 ? ipv4_ : ipv6_; }
    /// After a change to the IPv4 trie below the prefix (key, bits): the
    /// shortcut entries inside it are walked again; the stride follows the size.
    void refresh_shortcut(const std::array<std::uint8_t, 16>& key, unsigned bits);
    void rebuild_shortcut(unsigned stride);
    ShortcutEntry walk_to_stride(std::uint32_t top_bits) const;
    /// Takes `prefix` out of the trie (not out of the per-peer lists).
    bool remove_from_trie(const IpPrefix& prefix, PeerId peer);
    void forget(PeerId peer, const IpPrefix& prefix);

    std::unique_ptr<Node> ipv4_;
    std::unique_ptr<Node> ipv6_;
    std::size_t size_ = 0;
    std::size_t ipv4_size_ = 0;
    Shortcut shortcut_;
    std::unordered_map<PeerId, std::vector<IpPrefix>> by_peer_;  ///< each peer's prefixes, masked
};

}  // namespace wg::routing
