// SPDX-License-Identifier: MIT
// Keys as text (crypto/key_text.hpp): the base64 that `wg`, configuration
// files and the command line use. Parsing is promised strict: exactly 32
// bytes, canonical padding, so an accepted text is exactly what encoding the
// key gives back, and the public and secret parsers agree.
#include "crypto/key_text.hpp"
#include "fuzz_support.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const std::string_view text = fuzz::as_text(data, size);
    const auto public_key = crypto::public_key_from_base64(text);
    const auto secret = crypto::secret_from_base64(text);
    fuzz::expect(public_key.has_value() == secret.has_value(), "public and secret key parsers agree");
    if (public_key) {
        fuzz::expect(crypto::key_to_base64(*public_key) == text, "an accepted key is its canonical encoding");
        fuzz::expect(std::equal(public_key->begin(), public_key->end(), secret->view().begin()),
                     "public and secret key parsers decode the same bytes");
    }
    return 0;
}
