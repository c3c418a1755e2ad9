// SPDX-License-Identifier: MIT
// Offloads (reference/io/offload.cpp): the first 10 bytes are a virtio-net
// header and the rest the packet the TUN device handed over, which the
// Segmenter cuts; then the input, cut into packets at the lengths its IP
// headers claim, goes through the Coalescer, as decrypted packets from a
// peer do (a peer chooses those bytes). Nothing may crash, a super-packet the
// Coalescer makes must fit IP's 16-bit length, and the Segmenter must accept
// every one of them and cut it into packets that fit too.
#include <algorithm>

#include "fuzz_support.hpp"
#include "io/offload.hpp"

using namespace wg;
using namespace wg::io::offload;

WGREF_FUZZ_TARGET {
    const ByteView input(data, size);
    Segmenter segmenter;
    if (const auto header = VirtioHeader::read(input)) {
        Bytes packet(input.begin() + VirtioHeader::kSize, input.end());
        segmenter.split(*header, packet, [](ByteView p) { fuzz::expect(p.size() <= 65535 + 60, "a segment fits IP"); });
    }
    // The same bytes as a run of packets, each as long as its header says
    // (at least 1 byte, at most what is left).
    Coalescer coalescer;
    for (std::size_t at = 0; at < size;) {
        std::size_t length = size - at;
        std::size_t claimed = length;
        if ((data[at] >> 4) == 4 && length >= 4) claimed = static_cast<std::size_t>(data[at + 2] << 8 | data[at + 3]);
        if ((data[at] >> 4) == 6 && length >= 6) claimed = 40 + static_cast<std::size_t>(data[at + 4] << 8 | data[at + 5]);
        length = std::clamp<std::size_t>(claimed, 1, length);
        coalescer.add(input.subspan(at, length));
        at += length;
    }
    coalescer.for_each_output([&](ByteView out) {
        fuzz::expect(out.size() >= VirtioHeader::kSize && out.size() <= VirtioHeader::kSize + 65535, "an output fits IP");
        const auto header = VirtioHeader::read(out);
        if (header->gso_type == VirtioHeader::kGsoNone) return;
        Bytes super(out.begin() + VirtioHeader::kSize, out.end());
        const bool cut = segmenter.split(*header, super, [](ByteView p) { fuzz::expect(p.size() <= 65535, "a segment fits IP"); });
        fuzz::expect(cut, "every super-packet the Coalescer makes, the Segmenter cuts");
    });
    return 0;
}
