// SPDX-License-Identifier: MIT
// Random session indices (see index_table.hpp).
#include "device/index_table.hpp"

namespace wg::device {

std::uint32_t IndexTable::allocate(PeerId peer) {
    while (true) {
        std::uint32_t index = 0;
        rng_.fill({reinterpret_cast<std::uint8_t*>(&index), sizeof index});
        if (owners_.emplace(index, peer).second) return index;
    }
}

std::optional<PeerId> IndexTable::owner(std::uint32_t index) const {
    const auto it = owners_.find(index);
    if (it == owners_.end()) return std::nullopt;
    return it->second;
}

}  // namespace wg::device
