// SPDX-License-Identifier: MIT
// The command lines of `wgconform inspect` and `wgconform replay`:
//
//   wgconform inspect PCAP [--keylog FILE] [--fields]
//   wgconform replay PCAP --target HOST:PORT [--keylog FILE] [--port N] [--wait-ms N]
#include <charconv>
#include <iostream>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "command.hpp"
#include "io/command_line.hpp"
#include "io/socket_address.hpp"
#include "inspect.hpp"
#include "live_network.hpp"
#include "replay.hpp"

namespace {

constexpr const char* kUsage =
    "usage: wgconform inspect PCAP [--keylog FILE] [--fields]\n"
    "       wgconform replay PCAP --target HOST:PORT [--keylog FILE] [--port N] [--wait-ms N]\n"
    "  inspect   print each WireGuard message of PCAP with its paper section; with the\n"
    "            key log, decrypt handshakes and data (--fields: tab-separated, as tshark -T fields)\n"
    "  replay    resend the messages PCAP shows going to the target (or to --port N) from\n"
    "            fresh ports; exit 1 if any is accepted again (paper 5.1, 5.4.6)\n";

std::optional<unsigned long> number(const std::string& text) {
    unsigned long value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
    return value;
}

}  // namespace

namespace wg::conformance::captures {

int run_capture_command(const std::vector<std::string>& args) {
    if (args.size() < 2 || (args[0] != "inspect" && args[0] != "replay")) {
        std::cerr << kUsage;
        return args.size() == 1 && (args[0] == "--help" || args[0] == "-h") ? 0 : 2;
    }
    const std::string& command = args[0];
    using Value = io::OptionSpec::Value;
    static constexpr io::OptionSpec kInspect[] = {{"keylog", 0, Value::required}, {"fields", 0, Value::none}};
    static constexpr io::OptionSpec kReplay[] = {{"keylog", 0, Value::required}, {"target", 0, Value::required},
                                                 {"port", 0, Value::required}, {"wait-ms", 0, Value::required}};
    std::string error;
    const auto line = io::parse_command_line("wgconform " + command, std::vector<std::string>(args.begin() + 1, args.end()),
                                             command == "inspect" ? std::span<const io::OptionSpec>(kInspect)
                                                                  : std::span<const io::OptionSpec>(kReplay),
                                             error);
    if (!line) {
        std::cerr << error << "\n";
        return 2;
    }
    if (line->positional.size() != 1) {
        std::cerr << "wgconform " << command << ": one capture file, please\n" << kUsage;
        return 2;
    }
    const std::string& pcap = line->positional.front();
    const std::optional<std::string> keylog = line->value_or_none("keylog"), target = line->value_or_none("target");
    std::optional<std::uint16_t> port;
    std::optional<unsigned long> wait_ms;
    const bool fields = line->has("fields");
    if (line->has("port")) {
        const auto n = number(line->value("port"));
        if (!n || *n == 0 || *n > 65535) {
            std::cerr << "wgconform: --port: expected 1..65535\n";
            return 2;
        }
        port = static_cast<std::uint16_t>(*n);
    }
    if (line->has("wait-ms")) {
        wait_ms = number(line->value("wait-ms"));
        if (!wait_ms || *wait_ms > 60000) {
            std::cerr << "wgconform: --wait-ms: expected 0..60000\n";
            return 2;
        }
    }
    if (command == "inspect") {
        InspectOptions options;
        options.keylog = keylog;
        options.fields = fields;
        return run_inspect(pcap, options, std::cout, std::cerr);
    }
    if (!target) {
        std::cerr << "wgconform: replay needs --target HOST:PORT\n" << kUsage;
        return 2;
    }
    std::string why;
    const auto endpoint = io::resolve_endpoint(*target, why);
    if (!endpoint) {
        std::cerr << "wgconform: --target: " << why << "\n";
        return 2;
    }
    ReplayOptions options;
    options.keylog = keylog;
    options.destination_port = port;
    if (wait_ms) options.answer_wait = std::chrono::milliseconds(*wait_ms);
    try {
        wg::conformance::LiveNetwork network(*endpoint);
        return run_replay(pcap, network, *endpoint, std::cout, options);
    } catch (const std::exception& failure) {
        std::cerr << "wgconform: " << failure.what() << "\n";
        return 2;
    }
}

}  // namespace wg::conformance::captures
