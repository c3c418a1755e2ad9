// SPDX-License-Identifier: MIT
// Allowed IPs as text (paper §3; IpPrefix::parse): "192.0.2.0/24",
// "2001:db8::/32" or a bare address, from UAPI `allowed_ip=` lines and
// configuration files. An accepted prefix prints back as text that parses to
// the same prefix, and once in a table it is found by its own address.

#include "fuzz_support.hpp"
#include "routing/allowed_ips.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const auto prefix = IpPrefix::parse(fuzz::as_text(data, size));
    if (!prefix) return 0;
    fuzz::expect(prefix->length <= prefix->address.size() * 8, "a prefix length fits its family");
    const auto again = IpPrefix::parse(prefix->to_string());
    fuzz::expect(again.has_value() && *again == *prefix, "a prefix prints as text that parses back to it");

    routing::AllowedIps table;
    table.insert(*prefix, 7);
    fuzz::expect(table.lookup(prefix->address) == routing::PeerId{7}, "a prefix's own address matches it");
    fuzz::expect(prefix->contains(prefix->address), "a prefix contains its own address");
    fuzz::expect(table.prefixes_of(7) == std::vector<IpPrefix>{*prefix}, "the table lists the prefix");
    fuzz::expect(table.remove(*prefix, 7) && table.size() == 0, "the prefix can be removed");
    return 0;
}
