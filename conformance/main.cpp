// `wgconform`: the conformance harness for any WireGuard endpoint (see
// ../shared/DESIGN.md, "wgconform"). Today it holds the first probe, `ping`;
// the case catalogue, targets and reports grow on the same probe peer.
#include <cstring>
#include <iostream>
#include <map>
#include <string>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "io/system.hpp"
#include "ping.hpp"

namespace {

constexpr const char* kUsage = R"(usage: wgconform <command> [options]

Checks a WireGuard endpoint you did not write, from outside, as one of its peers.

Commands:
  ping                 handshake with the target as initiator (paper 5.4.2-5.4.5),
                       send one ICMP echo through the tunnel (5.4.6), and decrypt the reply
      --target HOST:PORT             the target's UDP endpoint
      --target-public-key KEY        the target's public key (base64)
      --private-key FILE             the harness's private key file (mode 0600)
      [--psk FILE]                   pre-shared key file, if the target uses one
      --tunnel-ip ADDR               the harness's inner address (the target must allow it)
      --target-tunnel-ip ADDR        the target's inner address
      [--timeout-ms N]               bound on each wait (default 3000)
  print-peer-config    print the `wg set` line that adds the harness as a target's peer
      --private-key FILE --tunnel-ip ADDR [--interface NAME]

Coming next (see the project's issues): the conformance suite itself,
  wgconform --target HOST:PORT --target-public-key KEY --private-key FILE ...
with replay, cookie, allowed-IP and bad-input cases; --spawn wgref|wireguard-go|linux;
`replay` and `inspect` for captures; --junit and --json reports.

Exit status: 0 success, 1 the target failed a check, 2 usage or local error.
)";

using Options = std::map<std::string, std::string>;

/// Parses `--name value` pairs; false (with a message) on anything else.
bool parse_options(int argc, char** argv, int first, Options& options) {
    for (int i = first; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg.rfind("--", 0) != 0 || i + 1 >= argc) {
            std::cerr << "wgconform: unexpected argument '" << arg << "' (options take a value: --name VALUE)\n";
            return false;
        }
        options[arg.substr(2)] = argv[++i];
    }
    return true;
}

bool require(const Options& options, std::initializer_list<const char*> names) {
    bool ok = true;
    for (const char* name : names) {
        if (!options.count(name)) {
            std::cerr << "wgconform: missing --" << name << "\n";
            ok = false;
        }
    }
    return ok;
}

int command_ping(const Options& options) {
    if (!require(options, {"target", "target-public-key", "private-key", "tunnel-ip", "target-tunnel-ip"})) return 2;
    wg::conformance::PingOptions ping;
    const auto target = wg::io::Endpoint::parse(options.at("target"));
    if (!target) {
        std::cerr << "wgconform: --target: expected HOST:PORT or [V6HOST]:PORT, got '" << options.at("target") << "'\n";
        return 2;
    }
    ping.target = *target;
    const auto target_key = wg::crypto::public_key_from_base64(options.at("target-public-key"));
    if (!target_key) {
        std::cerr << "wgconform: --target-public-key: not a base64 WireGuard key\n";
        return 2;
    }
    ping.target_public_key = *target_key;
    std::string error;
    auto private_key = wg::io::read_key_file(options.at("private-key"), error);
    if (!private_key) {
        std::cerr << "wgconform: --private-key: " << error << "\n";
        return 2;
    }
    ping.private_key = *private_key;
    if (options.count("psk")) {
        auto psk = wg::io::read_key_file(options.at("psk"), error);
        if (!psk) {
            std::cerr << "wgconform: --psk: " << error << "\n";
            return 2;
        }
        ping.preshared_key = *psk;
    }
    const auto tunnel_ip = wg::conformance::TunnelAddress::parse(options.at("tunnel-ip"));
    const auto target_tunnel_ip = wg::conformance::TunnelAddress::parse(options.at("target-tunnel-ip"));
    if (!tunnel_ip || !target_tunnel_ip || tunnel_ip->family != target_tunnel_ip->family) {
        std::cerr << "wgconform: --tunnel-ip and --target-tunnel-ip must be addresses of one family\n";
        return 2;
    }
    ping.tunnel_ip = *tunnel_ip;
    ping.target_tunnel_ip = *target_tunnel_ip;
    if (options.count("timeout-ms")) {
        const std::string& t = options.at("timeout-ms");
        if (t.empty() || t.size() > 6 || t.find_first_not_of("0123456789") != std::string::npos || std::stoi(t) == 0) {
            std::cerr << "wgconform: --timeout-ms: expected 1..999999\n";
            return 2;
        }
        ping.timeout_ms = std::stoi(t);
    }
    return wg::conformance::run_ping(ping, std::cout);
}

int command_print_peer_config(const Options& options) {
    if (!require(options, {"private-key", "tunnel-ip"})) return 2;
    std::string error;
    auto private_key = wg::io::read_key_file(options.at("private-key"), error);
    if (!private_key) {
        std::cerr << "wgconform: --private-key: " << error << "\n";
        return 2;
    }
    const auto address = wg::conformance::TunnelAddress::parse(options.at("tunnel-ip"));
    if (!address) {
        std::cerr << "wgconform: --tunnel-ip: not an IP address\n";
        return 2;
    }
    const auto public_key = wg::crypto::public_key_of(*private_key);
    const std::string iface = options.count("interface") ? options.at("interface") : "wg0";
    std::cout << "wg set " << iface << " peer " << wg::crypto::key_to_base64(public_key) << " allowed-ips "
              << address->to_string() << (address->family == AF_INET ? "/32" : "/128") << "\n";
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    const std::string command = argv[1];
    Options options;
    if (command == "ping" || command == "print-peer-config") {
        if (!parse_options(argc, argv, 2, options)) return 2;
        return command == "ping" ? command_ping(options) : command_print_peer_config(options);
    }
    if (command.rfind("--", 0) == 0) {
        std::cerr << "wgconform: the conformance suite (--target ...) is not built yet; today: ping, "
                     "print-peer-config. See --help.\n";
        return 2;
    }
    std::cerr << "wgconform: unknown command '" << command << "'. See --help.\n";
    return 2;
}
