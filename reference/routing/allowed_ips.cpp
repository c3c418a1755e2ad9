// SPDX-License-Identifier: MIT
// The allowed-IPs radix trie (see allowed_ips.hpp). The `// [lab-4]` lines
// mark what lab 4 asks a student to write (tools/lab, docs/course/lab4.md).
#include "routing/allowed_ips.hpp"

#include "common/ip_header.hpp"

#include <algorithm>
#include <bit>
#include <functional>
#include <utility>

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

/// The first `n` bits (n <= 32) of an IPv4 key, as a number.
std::uint32_t top_bits(const std::array<std::uint8_t, 16>& key, unsigned n) {
    const std::uint32_t word = (std::uint32_t{key[0]} << 24) | (std::uint32_t{key[1]} << 16) |
                               (std::uint32_t{key[2]} << 8) | key[3];
    return n == 0 ? 0 : word >> (32 - n);
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
    const IpPrefix exact = IpPrefix::make(prefix.address, prefix.length);
    const std::size_t size_before = size_;
    unsigned changed = bits;  // the prefix of the highest node this insertion touches
    std::unique_ptr<Node>* slot = &root_for(prefix.address.family);
    while (*slot) {
        Node& node = **slot;
        const unsigned common = common_bits(node.key, key, std::min<unsigned>(node.bits, bits));
        if (common == node.bits && node.bits == bits) {  // the prefix itself: (re)assign it
            if (node.peer == peer) return;
            if (node.peer) {
                forget(*node.peer, exact);  // it moves from the peer that had it
            } else {
                ++size_;
            }
            node.peer = peer;
            break;
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
            break;
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
        changed = common;
        break;
    }
    if (!*slot) {  // an empty place: the prefix goes there
        *slot = std::make_unique<Node>();
        (*slot)->key = key;
        (*slot)->bits = static_cast<std::uint8_t>(bits);
        (*slot)->peer = peer;
        ++size_;
    }
    by_peer_[peer].push_back(exact);
    if (prefix.address.family == IpFamily::v4) {
        ipv4_size_ += size_ - size_before;
        refresh_shortcut(key, changed);
    }
}

void AllowedIps::forget(PeerId peer, const IpPrefix& prefix) {
    const auto list = by_peer_.find(peer);
    if (list == by_peer_.end()) return;
    auto& prefixes = list->second;
    const auto it = std::find(prefixes.begin(), prefixes.end(), prefix);
    if (it != prefixes.end()) {
        *it = prefixes.back();
        prefixes.pop_back();
    }
    if (prefixes.empty()) by_peer_.erase(list);
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
    if (!remove_from_trie(prefix, peer)) return false;
    forget(peer, IpPrefix::make(prefix.address, prefix.length));
    return true;
}

bool AllowedIps::remove_from_trie(const IpPrefix& prefix, PeerId peer) {
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
            unsigned changed = prefix.length;  // the prefix of the highest node compaction replaced
            for (auto it = path.rbegin(); it != path.rend(); ++it) {
                const Node* before = (**it).get();
                const unsigned before_bits = before ? before->bits : 0;
                compact(**it);
                if ((**it).get() != before) changed = before_bits;
            }
            if (prefix.address.family == IpFamily::v4) {
                --ipv4_size_;
                refresh_shortcut(key, changed);
            }
            return true;
        }
        path.push_back(&node.child[bit_at(key, node.bits)]);
    }
    return false;
}

void AllowedIps::remove_peer(PeerId peer) {
    // From the peer's own list: a walk down the trie per prefix it has, not
    // a walk over the whole table.
    const auto list = by_peer_.find(peer);
    if (list == by_peer_.end()) return;
    for (const IpPrefix& prefix : list->second) remove_from_trie(prefix, peer);
    by_peer_.erase(list);
}

void AllowedIps::clear() {
    ipv4_.reset();
    ipv6_.reset();
    size_ = 0;
    ipv4_size_ = 0;
    shortcut_ = Shortcut{};
    by_peer_.clear();
}

// ---- asking the table ---------------------------------------------------------

std::optional<PeerId> AllowedIps::lookup(const IpAddress& address) const {
    const std::array<std::uint8_t, 16>& key = address.bytes;
    const unsigned max_bits = static_cast<unsigned>(address.size() * 8);
    std::optional<PeerId> best;
    const Node* node = (address.is_v6() ? ipv6_ : ipv4_).get();
    if (!address.is_v6() && shortcut_.stride) {  // a big IPv4 table: skip the first `stride` bits
        const auto& entry = shortcut_.entries[top_bits(key, shortcut_.stride)];
        best = entry.best;
        node = entry.next;
    }
    // [lab-4]
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
    // [lab-4]
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
    const auto list = by_peer_.find(peer);
    if (list == by_peer_.end()) return {};
    std::vector<IpPrefix> out = list->second;
    // IPv4 before IPv6, then by address, a shorter prefix before a longer
    // one at the same address: the order a walk of the trie meets them in.
    std::sort(out.begin(), out.end());
    return out;
}

// ---- the shortcut for big IPv4 tables -----------------------------------------

namespace {
/// Below this many IPv4 prefixes the trie is shallow enough on its own.
constexpr std::size_t kShortcutFrom = 512;
constexpr unsigned kMinStride = 10;
constexpr unsigned kMaxStride = 20;  ///< 2^20 entries of 16 bytes: 16 MiB at a million prefixes

/// The stride for `prefixes` IPv4 prefixes: about one entry per prefix.
unsigned stride_for(std::size_t prefixes) {
    if (prefixes < kShortcutFrom) return 0;
    return std::clamp(static_cast<unsigned>(std::bit_width(prefixes)) - 1, kMinStride, kMaxStride);
}
}  // namespace

AllowedIps::ShortcutEntry AllowedIps::walk_to_stride(std::uint32_t top) const {
    // The lookup loop, for the first `stride` bits only: every node it
    // passes has a prefix shorter than the stride, so the same for every
    // address that starts with `top`.
    const unsigned stride = shortcut_.stride;
    std::array<std::uint8_t, 16> key{};
    const std::uint32_t start = top << (32 - stride);
    for (int i = 0; i < 4; ++i) key[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(start >> (24 - 8 * i));
    ShortcutEntry entry;
    const Node* node = ipv4_.get();
    while (node && node->bits < stride) {
        if (!node->contains(key)) return ShortcutEntry{nullptr, entry.best};
        if (node->peer) entry.best = node->peer;
        node = node->child[bit_at(key, node->bits)].get();
    }
    // A path-compressed node may part from these first bits before its own
    // length: then no address of this entry matches it or anything below
    // it. Keep only a node that shares all `stride` bits, so every entry
    // that points at a node is the one entry inside that node's prefix, the
    // one refresh_shortcut walks again when that node changes or goes.
    if (node && common_bits(node->key, key, stride) < stride) node = nullptr;
    entry.next = node;
    return entry;
}

void AllowedIps::rebuild_shortcut(unsigned stride) {
    shortcut_.stride = stride;
    shortcut_.entries.clear();
    shortcut_.entries.shrink_to_fit();
    if (!stride) return;
    shortcut_.entries.resize(std::size_t{1} << stride);
    for (std::uint32_t top = 0; top < shortcut_.entries.size(); ++top) shortcut_.entries[top] = walk_to_stride(top);
}

void AllowedIps::refresh_shortcut(const std::array<std::uint8_t, 16>& key, unsigned bits) {
    const unsigned wanted = stride_for(ipv4_size_);
    // Grow at once; shrink only when the table is a quarter of the size the
    // stride suits, so a table hovering at a power of two does not rebuild.
    if (wanted > shortcut_.stride || wanted + 2 <= shortcut_.stride || (wanted == 0 && shortcut_.stride)) {
        return rebuild_shortcut(wanted);
    }
    if (!shortcut_.stride) return;
    // The entries inside the prefix (key, bits): one if it is at least as
    // long as the stride, else 2^(stride - bits) of them.
    const unsigned stride = shortcut_.stride;
    const std::uint32_t first = top_bits(key, stride) & ~((bits >= stride) ? 0u : ((1u << (stride - bits)) - 1));
    const std::uint32_t count = bits >= stride ? 1u : 1u << (stride - bits);
    for (std::uint32_t top = first; top < first + count; ++top) shortcut_.entries[top] = walk_to_stride(top);
}

std::size_t AllowedIps::memory_bytes() const {
    std::function<std::size_t(const Node*)> count = [&](const Node* node) -> std::size_t {
        return node ? sizeof(Node) + count(node->child[0].get()) + count(node->child[1].get()) : 0;
    };
    std::size_t lists = by_peer_.bucket_count() * sizeof(void*);
    for (const auto& [peer, prefixes] : by_peer_) {
        lists += sizeof(std::pair<const PeerId, std::vector<IpPrefix>>) + 2 * sizeof(void*) +
                 prefixes.capacity() * sizeof(IpPrefix);
    }
    return count(ipv4_.get()) + count(ipv6_.get()) + lists + shortcut_.entries.capacity() * sizeof(ShortcutEntry);
}

}  // namespace wg::routing
