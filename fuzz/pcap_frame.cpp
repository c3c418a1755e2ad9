// SPDX-License-Identifier: MIT
// One captured frame (conformance/captures/pcap_file.hpp, parse_frame): the
// link layer (Ethernet, Linux cooked SLL and SLL2, raw IP), the IP layer
// (IPv4, IPv6 with extension headers) and UDP, peeled off by hand, every
// header length-checked. Input: one byte choosing the link type, then the
// frame. A UDP datagram it finds must fit inside the frame.
#include <pcap/dlt.h>

#include "fuzz_support.hpp"
#include "inspect.hpp"
#include "pcap_file.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    if (size < 1) return 0;
    // The ones parse_frame knows, plus one it does not (DLT_PPP).
    static constexpr int kLinkTypes[] = {DLT_EN10MB, DLT_LINUX_SLL, 276 /* LINUX_SLL2 */, DLT_RAW,
                                         101 /* LINKTYPE_RAW */, 228 /* IPV4 */, 229 /* IPV6 */,
                                         DLT_NULL, DLT_LOOP, DLT_PPP};
    const int link_type = kLinkTypes[data[0] % std::size(kLinkTypes)];
    const ByteView frame(data + 1, size - 1);
    auto datagram = conformance::captures::parse_frame(link_type, frame);
    if (!datagram) return 0;
    fuzz::expect(datagram->payload.size() + 8 <= frame.size(), "a UDP payload fits in its frame with its header");
    (void)conformance::captures::describe_message(datagram->payload);
    (void)datagram->source.to_string();
    (void)datagram->destination.to_string();
    return 0;
}
