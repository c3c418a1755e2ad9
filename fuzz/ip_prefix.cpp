// Allowed IPs as text (paper §3; routing::IpPrefix::parse): "192.0.2.0/24",
// "2001:db8::/32" or a bare address, from UAPI `allowed_ip=` lines and
// configuration files. An accepted prefix prints back as text that parses to
// the same prefix, and once in a table it is found by its own address.
#include <sys/socket.h>

#include "fuzz_support.hpp"
#include "routing/allowed_ips.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const auto prefix = routing::IpPrefix::parse(fuzz::as_text(data, size));
    if (!prefix) return 0;
    fuzz::expect(prefix->family == AF_INET || prefix->family == AF_INET6, "a prefix is IPv4 or IPv6");
    fuzz::expect(prefix->length <= (prefix->family == AF_INET ? 32 : 128), "a prefix length fits its family");
    const auto again = routing::IpPrefix::parse(prefix->to_string());
    fuzz::expect(again.has_value() && *again == *prefix, "a prefix prints as text that parses back to it");

    routing::AllowedIps table;
    table.insert(*prefix, 7);
    const std::size_t address_size = prefix->family == AF_INET ? 4 : 16;
    fuzz::expect(table.lookup({prefix->bytes.data(), address_size}) == routing::PeerId{7},
                 "a prefix's own address matches it");
    fuzz::expect(table.prefixes_of(7) == std::vector<routing::IpPrefix>{*prefix}, "the table lists the prefix");
    fuzz::expect(table.remove(*prefix, 7) && table.size() == 0, "the prefix can be removed");
    return 0;
}
