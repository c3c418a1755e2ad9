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
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.hpp"

namespace wg::routing {

using PeerId = std::uint32_t;

/// An IPv4 or IPv6 prefix with its host bits cleared.
struct IpPrefix {
    int family = 0;                      ///< AF_INET or AF_INET6
    std::array<std::uint8_t, 16> bytes{};  ///< the first 4 for IPv4
    std::uint8_t length = 0;             ///< 0..32 or 0..128

    /// "192.0.2.0/24", "2001:db8::/32", or a bare address (a host prefix).
    static std::optional<IpPrefix> parse(std::string_view text);
    /// A prefix of `address` (4 or 16 bytes) with the host bits masked off.
    static IpPrefix make(ByteView address, std::uint8_t length);
    std::string to_string() const;
    bool operator==(const IpPrefix&) const = default;
};

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

    /// Longest-prefix match of a 4- or 16-byte address.
    std::optional<PeerId> lookup(ByteView address) const;
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
    std::unique_ptr<Node>& root_for(std::size_t address_size) { return address_size == 4 ? ipv4_ : ipv6_; }

    std::unique_ptr<Node> ipv4_;
    std::unique_ptr<Node> ipv6_;
    std::size_t size_ = 0;
};

}  // namespace wg::routing
