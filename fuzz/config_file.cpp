// SPDX-License-Identifier: MIT
// Configuration files in `wg setconf` format (io/config_file.hpp): what
// `wgref --config FILE` reads. A file that parses is applied to a Device and
// reported back with format_get; a file that does not must be refused with
// an error that never repeats a key.
//
// Endpoint host names are resolved by a stand-in that never leaves the
// process (the system's resolver would send fuzz-made names to a DNS server
// and wait on it), and that checks what reaches it: only names a resolver
// could hold, so nothing is cut short at a NUL.
#include <algorithm>
#include <cctype>

#include "device/simulated_network.hpp"
#include "io/config_file.hpp"
#include "text_secrets.hpp"

using namespace wg;

namespace {

std::optional<IpAddress> lookup_in_process(const std::string& name, std::string& why) {
    fuzz::expect(!name.empty() && name.size() <= 253 && std::all_of(name.begin(), name.end(), [](char c) {
                     return std::isalnum(static_cast<unsigned char>(c)) || std::string_view("-_.:%").find(c) != std::string_view::npos;
                 }),
                 "only a name a resolver could hold is asked about");
    if (name.size() % 3 == 0) {
        why = "cannot resolve '" + name + "'";
        return std::nullopt;
    }
    return IpAddress::v4({192, 0, 2, static_cast<std::uint8_t>(name.size())});
}

}  // namespace

WGREF_FUZZ_TARGET {
    const std::string_view text = fuzz::as_text(data, size);
    auto change = io::parse_config(text, lookup_in_process);
    if (!change) {
        fuzz::expect_no_secret_in(text, change.error().line, change.error().message,
                                  {"PrivateKey", "PublicKey", "PresharedKey"},
                                  [](std::string_view other) -> std::optional<std::string> {
                                      auto c = io::parse_config(other, lookup_in_process);
                                      if (c) return std::nullopt;
                                      return c.error().message;
                                  });
        return 0;
    }
    fuzz::expect(change.value().replace_peers, "a configuration file replaces all peers");
    device::SeededRng rng(7);
    device::Device device(crypto::PrivateKey{}, rng);
    io::InterfaceSettings settings;
    io::apply(change.value(), device, settings);
    (void)io::format_get(device, settings);
    return 0;
}
