// Endpoints as text, "192.0.2.1:51820" or "[2001:db8::1]:51820": the I/O
// shell's parser (io::Endpoint::parse, for sockets and wgconform's
// --target) and the UAPI's (io::parse_endpoint, for `endpoint=` lines and
// configuration files). Each accepted text prints back as text that parses
// to the same endpoint; the two must not crash on anything.
#include "fuzz_support.hpp"
#include "io/uapi.hpp"
#include "io/udp_socket.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const std::string text(fuzz::as_text(data, size));
    const auto socket_endpoint = io::Endpoint::parse(text);
    const auto device_endpoint = io::parse_endpoint(text);
    if (socket_endpoint) {
        const auto again = io::Endpoint::parse(socket_endpoint->to_string());
        fuzz::expect(again.has_value() && *again == *socket_endpoint, "an endpoint prints as text that parses back");
    }
    if (device_endpoint) {
        const auto again = io::parse_endpoint(device_endpoint->to_string());
        fuzz::expect(again.has_value() && *again == *device_endpoint, "a UAPI endpoint prints as text that parses back");
    }
    return 0;
}
