// SPDX-License-Identifier: MIT
// Key logs (conformance/captures/session_keys.hpp): Wireshark's WireGuard
// key-log format, `NAME = base64` lines in blocks, as `wgconform inspect
// --keylog FILE` reads them. Text that parses becomes a SessionTable, which
// is then shown the oracle's four handshakes (initiation, response, data):
// with the right keys (the seeds hold them) a session is recovered and its
// data message opens; with fuzzed keys every AEAD check must simply fail.
#include "fuzz_support.hpp"
#include "oracle.hpp"
#include "session_keys.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    auto entries = conformance::captures::parse_keylog(fuzz::as_text(data, size));
    if (!entries || entries.value().empty()) return 0;
    conformance::captures::SessionTable table(std::move(entries.value()));
    for (const auto& c : fuzz::oracle_cases()) {
        (void)table.learn(c.record.bytes("initiation"));
        (void)table.learn(c.record.bytes("response"));
        auto opened = table.open_data(c.record.bytes("transport_message"));
        if (opened.inner) fuzz::expect(table.session_count() > 0, "data opens only with a recovered session");
    }
    return 0;
}
