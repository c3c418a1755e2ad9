// SPDX-License-Identifier: MIT
// The allowed-IPs radix trie (see allowed_ips.hpp).
#include "routing/allowed_ips.hpp"

#include "common/ip_header.hpp"

#include <algorithm>
#include <bit>
#include <functional>

namespace wg::routing {
namespace {

/// Bit `i` of an address, counting from the most significant bit.
int bit_at(const std::array<std::uint8_t, 16>& key, unsigned i) { return (key[i / 8] >> (7 - i % 8)) & 1; }

/// How many leading bits `a` and `b` share, up to `limit`.
unsigned common_bits(const std::array<std::uint8_t, 16>& a, const std::array<std::uint8_t, 16>& b, unsigned limit) {
    unsigned n = 0;
    for (unsigned byte = 0; n < limit; ++byte) {
        const std::uint8_t diff = a[byte] ^ b[byte];
        if (diff != 0) return std::min(limit, n + static_cast<unsigned>(std::countl_zero(diff)));
        n += 8;
    }
    return limit;
}

/// Clears every bit from `length` on (as IpPrefix::make does; the trie's
/// keys are 16 bytes whatever the family).
std::array<std::uint8_t, 16> masked(const std::array<std::uint8_t, 16>& key, unsigned length) {
    return IpPrefix::make(IpAddress::v6(key), static_cast<std::uint8_t>(length)).address.bytes;
}

}  // namespace

/// A node stands for the prefix key/bits. It belongs to a peer if that
/// prefix was inserted; otherwise it only joins two subtries that differ at
/// bit `bits` (child[0] has a 0 there, child[1] a 1).
struct AllowedIps::Node {
    std::array<std::uint8_t, 16> key{};
    std::uint8_t bits = 0;
    std::optional<PeerId> peer;
    std::array<std::unique_ptr<Node>, 2> child;

    bool contains(const std::array<std::uint8_t, 16>& address) const { return common_bits(key, address, bits) == bits; }
};

AllowedIps::AllowedIps() = default;
AllowedIps::~AllowedIps() = default;
AllowedIps::AllowedIps(AllowedIps&&) noexcept = default;
AllowedIps& AllowedIps::operator=(AllowedIps&&) noexcept = default;

// ---- changing the table -------------------------------------------------------

void AllowedIps::insert(const IpPrefix& prefix, PeerId peer) {
    const std::array<std::uint8_t, 16> key = masked(prefix.address.bytes, prefix.length);
    const unsigned bits = prefix.length;
    std::unique_ptr<Node>* slot = &root_for(prefix.address.family);
    while (*slot) {
        Node& node = **slot;
        const unsigned common = common_bits(node.key, key, std::min<unsigned>(node.bits, bits));
        if (common == node.bits && node.bits == bits) {  // the prefix itself: (re)assign it
            if (!node.peer) ++size_;
            node.peer = peer;
            return;
        }
        if (common == node.bits) {  // node is a shorter prefix of ours: go down
            slot = &node.child[bit_at(key, node.bits)];
            continue;
        }
        auto fresh = std::make_unique<Node>();
        if (common == bits) {  // ours is a shorter prefix of node: insert above it
            fresh->key = key;
            fresh->bits = static_cast<std::uint8_t>(bits);
            fresh->peer = peer;
            fresh->child[bit_at(node.key, bits)] = std::move(*slot);
            *slot = std::move(fresh);
            ++size_;
            return;
        }
        // The two differ at bit `common`: a new branch node joins them.
        auto leaf = std::make_unique<Node>();
        leaf->key = key;
        leaf->bits = static_cast<std::uint8_t>(bits);
        leaf->peer = peer;
        fresh->key = masked(key, common);
        fresh->bits = static_cast<std::uint8_t>(common);
        const int side = bit_at(key, common);
        fresh->child[side] = std::move(leaf);
        fresh->child[1 - side] = std::move(*slot);
        *slot = std::move(fresh);
        ++size_;
        return;
    }
    *slot = std::make_unique<Node>();
    (*slot)->key = key;
    (*slot)->bits = static_cast<std::uint8_t>(bits);
    (*slot)->peer = peer;
    ++size_;
}

namespace {
/// After a removal, a node that belongs to nobody and joins fewer than two
/// subtries has no reason to exist: replace it by its child (or nothing).
template <typename NodePtr>
void compact(NodePtr& slot) {
    if (!slot || slot->peer) return;
    if (slot->child[0] && slot->child[1]) return;
    NodePtr only = std::move(slot->child[0] ? slot->child[0] : slot->child[1]);
    slot = std::move(only);
}
}  // namespace

bool AllowedIps::remove(const IpPrefix& prefix, PeerId peer) {
    const std::array<std::uint8_t, 16> key = masked(prefix.address.bytes, prefix.length);
    // Walk down, remembering the path so that emptied nodes can be compacted.
    std::vector<std::unique_ptr<Node>*> path{&root_for(prefix.address.family)};
    while (*path.back()) {
        Node& node = **path.back();
        if (node.bits > prefix.length || !node.contains(key)) return false;
        if (node.bits == prefix.length) {
            if (node.peer != peer) return false;
            node.peer.reset();
            --size_;
            for (auto it = path.rbegin(); it != path.rend(); ++it) compact(**it);
            return true;
        }
        path.push_back(&node.child[bit_at(key, node.bits)]);
    }
    return false;
}

void AllowedIps::remove_peer(PeerId peer) {
    // A walk over the whole table: simple, and configuration changes are
    // rare next to lookups. (The kernel keeps a per-peer list to avoid it.)
    std::function<void(std::unique_ptr<Node>&)> prune = [&](std::unique_ptr<Node>& slot) {
        if (!slot) return;
        prune(slot->child[0]);
        prune(slot->child[1]);
        if (slot->peer == peer) {
            slot->peer.reset();
            --size_;
        }
        compact(slot);
    };
    prune(ipv4_);
    prune(ipv6_);
}

void AllowedIps::clear() {
    ipv4_.reset();
    ipv6_.reset();
    size_ = 0;
}

// ---- asking the table ---------------------------------------------------------

std::optional<PeerId> AllowedIps::lookup(const IpAddress& address) const {
    const std::array<std::uint8_t, 16>& key = address.bytes;
    const unsigned max_bits = static_cast<unsigned>(address.size() * 8);
    std::optional<PeerId> best;
    const Node* node = (address.is_v6() ? ipv6_ : ipv4_).get();
    // [lookup]
    // Down the trie while the address stays inside each node's prefix; the
    // deepest node owned by a peer is the longest match.
    while (node && node->contains(key)) {
        if (node->peer) best = node->peer;
        if (node->bits == max_bits) break;
        node = node->child[bit_at(key, node->bits)].get();
    }
    return best;
    // [lookup]
}

std::optional<PeerId> AllowedIps::lookup_packet_destination(ByteView ip_packet) const {
    const auto header = read_ip_header(ip_packet);
    return header ? lookup(header->destination) : std::nullopt;
}

std::optional<PeerId> AllowedIps::lookup_packet_source(ByteView ip_packet) const {
    const auto header = read_ip_header(ip_packet);
    return header ? lookup(header->source) : std::nullopt;
}

std::vector<IpPrefix> AllowedIps::prefixes_of(PeerId peer) const {
    std::vector<IpPrefix> out;
    std::function<void(const Node*, IpFamily)> walk = [&](const Node* node, IpFamily family) {
        if (!node) return;
        if (node->peer == peer) {
            IpPrefix p;
            p.address.family = family;
            p.address.bytes = node->key;
            p.length = node->bits;
            out.push_back(p);
        }
        walk(node->child[0].get(), family);
        walk(node->child[1].get(), family);
    };
    walk(ipv4_.get(), IpFamily::v4);
    walk(ipv6_.get(), IpFamily::v6);
    return out;
}

std::size_t AllowedIps::memory_bytes() const {
    std::function<std::size_t(const Node*)> count = [&](const Node* node) -> std::size_t {
        return node ? sizeof(Node) + count(node->child[0].get()) + count(node->child[1].get()) : 0;
    };
    return count(ipv4_.get()) + count(ipv6_.get());
}

}  // namespace wg::routing
