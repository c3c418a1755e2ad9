// SPDX-License-Identifier: MIT
// Configuration files in `wg setconf` format (io/config_file.hpp): what
// `wgref --config FILE` reads. A file that parses is applied to a Device and
// reported back with format_get; a file that does not must be refused with
// an error that never repeats a key.
#include "device/simulated_network.hpp"
#include "io/config_file.hpp"
#include "text_secrets.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const std::string_view text = fuzz::as_text(data, size);
    auto change = io::parse_config(text);
    if (!change) {
        fuzz::expect_no_secret_in(text, change.error().line, change.error().message,
                                  {"PrivateKey", "PublicKey", "PresharedKey"},
                                  [](std::string_view other) -> std::optional<std::string> {
                                      auto c = io::parse_config(other);
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
