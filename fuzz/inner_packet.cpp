// SPDX-License-Identifier: MIT
// What a decrypted data message carries (paper §5.4.6, §3): the receiver
// strips the padding by the inner IP header's own length
// (transport::inner_packet_length) and checks the inner source address
// against the sender's allowed IPs (AllowedIps::lookup_packet_source); the
// sender routes by destination. The input is a plaintext, as if decrypted.
#include "fuzz_support.hpp"
#include "routing/allowed_ips.hpp"
#include "transport/data_message.hpp"

using namespace wg;

namespace {

const routing::AllowedIps& table() {
    static const routing::AllowedIps t = [] {
        routing::AllowedIps out;
        const char* prefixes[] = {"203.0.113.0/24", "203.0.113.7/32", "0.0.0.0/0", "10.0.0.0/8",
                                  "2001:db8::/32", "2001:db8::7/128", "::/0", "fe80::/10"};
        routing::PeerId peer = 1;
        for (const char* p : prefixes) out.insert(*IpPrefix::parse(p), peer++);
        return out;
    }();
    return t;
}

}  // namespace

WGREF_FUZZ_TARGET {
    const ByteView plaintext(data, size);
    const auto length = transport::inner_packet_length(plaintext);
    if (length) {
        fuzz::expect(*length <= size, "an inner packet fits in its plaintext");
        fuzz::expect(*length >= 20, "an inner packet holds at least an IP header");
        const ByteView packet = plaintext.first(*length);
        fuzz::expect(table().lookup_packet_source(packet).has_value(), "a whole IP packet has a source to look up");
        fuzz::expect(table().lookup_packet_destination(packet).has_value(), "a whole IP packet has a destination");
    }
    (void)table().lookup_packet_source(plaintext);
    (void)table().lookup_packet_destination(plaintext);
    return 0;
}
