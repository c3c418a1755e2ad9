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
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
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
    std::size_t memory_bytes() const;

private:
    struct Node;
    std::unique_ptr<Node>& root_for(IpFamily family) { return family == IpFamily::v4 ? ipv4_ : ipv6_; }

    std::unique_ptr<Node> ipv4_;
    std::unique_ptr<Node> ipv6_;
    std::size_t size_ = 0;
};

}  // namespace wg::routing
