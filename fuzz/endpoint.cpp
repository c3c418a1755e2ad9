// SPDX-License-Identifier: MIT
// Endpoints as text, "192.0.2.1:51820" or "[2001:db8::1]:51820"
// (wg::Endpoint::parse): the one parser behind UAPI `endpoint=` lines,
// configuration files and wgconform's --target. Each accepted text prints
// back as text that parses to the same endpoint, and nothing may crash.
#include "common/address.hpp"
#include "fuzz_support.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const auto endpoint = Endpoint::parse(fuzz::as_text(data, size));
    if (!endpoint) return 0;
    const auto again = Endpoint::parse(endpoint->to_string());
    fuzz::expect(again.has_value() && *again == *endpoint, "an endpoint prints as text that parses back");
    return 0;
}
