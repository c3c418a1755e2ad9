// SPDX-License-Identifier: MIT
// Reading an inner IP header (see ip_header.hpp).
#include "common/ip_header.hpp"

#include "common/bytes.hpp"

namespace wg {

std::optional<IpHeader> read_ip_header(ByteView packet) {
    if (packet.empty()) return std::nullopt;
    IpHeader header;
    switch (packet[0] >> 4) {
        case 4:  // RFC 791: total length at bytes 2-3; addresses at 12 and 16
            if (packet.size() < 20) return std::nullopt;
            header.claimed_length = load_be16(packet.data() + 2);
            header.source = *IpAddress::from_bytes(packet.subspan(12, 4));
            header.destination = *IpAddress::from_bytes(packet.subspan(16, 4));
            return header;
        case 6:  // RFC 8200: payload length at bytes 4-5; addresses at 8 and 24
            if (packet.size() < 40) return std::nullopt;
            header.family = IpFamily::v6;
            header.claimed_length = 40 + std::size_t{load_be16(packet.data() + 4)};
            header.source = *IpAddress::from_bytes(packet.subspan(8, 16));
            header.destination = *IpAddress::from_bytes(packet.subspan(24, 16));
            return header;
        default:
            return std::nullopt;
    }
}

}  // namespace wg
