// SPDX-License-Identifier: MIT
// Capture files (conformance/captures/): what `wgconform inspect PCAP
// --keylog FILE` reads, which can come from anywhere. The input is written
// to an in-memory file (memfd) and read through libpcap and our frame
// parser (read_capture), then the whole of inspect runs on it with the key
// log of the committed wgref <-> wireguard-go session, so the seeds (that
// capture and the others in pcaps/) decrypt, and mutations of them reach
// the handshake replay, data decryption and inner-packet description.
#include <sys/mman.h>
#include <unistd.h>

#include <sstream>

#include "fuzz_support.hpp"
#include "inspect.hpp"
#include "pcap_file.hpp"

using namespace wg;

WGREF_FUZZ_TARGET {
    const int fd = memfd_create("fuzz.pcap", 0);
    if (fd < 0) return 0;
    std::size_t written = 0;
    while (written < size) {
        const ssize_t n = write(fd, data + written, size - written);
        if (n <= 0) break;
        written += static_cast<std::size_t>(n);
    }
    const std::string path = "/proc/self/fd/" + std::to_string(fd);

    auto capture = conformance::captures::read_capture(path);
    if (capture) {
        for (const auto& d : capture.value().datagrams) (void)conformance::captures::describe_message(d.payload);
    }
    conformance::captures::InspectOptions options;
    options.keylog = WGREF_SOURCE_DIR "/pcaps/wgref-wireguard-go.keylog";
    options.fields = size % 2 == 1;
    std::ostringstream out, errors;
    (void)conformance::captures::run_inspect(path, options, out, errors);
    close(fd);
    return 0;
}
