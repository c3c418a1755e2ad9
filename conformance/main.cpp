// SPDX-License-Identifier: MIT
// `wgconform`: the conformance harness for any WireGuard endpoint (see
// docs/conformance.md). This file is only the command line: options become a
// SuiteConfig, the suite runs against a LiveNetwork (or, with --spawn
// loopback, the in-process target), and results become reports.
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <span>
#include <string>
#include <tuple>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "io/command_line.hpp"
#include "io/socket_address.hpp"
#include "io/system.hpp"
#include "command.hpp"
#include "live_network.hpp"
#include "loopback_target.hpp"
#include "mutation_score.hpp"
#include "ping.hpp"
#include "report.hpp"
#include "suite.hpp"

namespace {

constexpr const char* kUsage = R"(usage: wgconform [command] [options]

Checks a WireGuard endpoint you did not write, from outside, as one of its peers.

The suite (no command): every case of the catalogue, each tied to its paper section
  wgconform --target HOST:PORT --target-public-key KEY --private-key FILE
            --tunnel-ip ADDR[,ADDR6] --target-tunnel-ip ADDR[,ADDR6] [options]
      --target HOST:PORT             the target's UDP endpoint
      --target-public-key KEY        the target's public key (base64)
      --private-key FILE             identity 1's private key file (mode 0600)
      --tunnel-ip ADDRS              identity 1's inner addresses (IPv4 and/or IPv6, comma-separated)
      --target-tunnel-ip ADDRS       the target's inner addresses
      [--second-private-key FILE]    identity 2, for the allowed-IPs cases:
      [--second-tunnel-ip ADDRS]       a second peer of the target with its own addresses
      [--third-private-key FILE]     identities 3 and 4, for the initiator.* cases and
      [--third-port N]                 timers.rekey_after_time: peers the target initiates to,
      [--fourth-private-key FILE]      endpoint HARNESS:N (defaults 51821 and 51822),
      [--fourth-port N]                persistent-keepalive 6 (see print-peer-config)
      [--zero-key-target HOST:PORT]  a second target of the same kind, identity 1 its peer, whose
                                       private key was set and then set to zeros
      [--uapi-socket PATH]           the target's UAPI socket, for the uapi.* cases
      [--flood-sources ADDRS]        more outer addresses of this host (comma-separated), for the
                                       flood of cookie.flood_spares_session to come from
      [--psk FILE]                   pre-shared key file, if the target uses one for all
      [--cases PATTERN]              comma-separated globs of case ids, e.g. 'transport.*'
      [--slow]                       add the timer cases, which take minutes (paper 6)
      [--timeout-ms N]               bound on waiting for an expected answer (default 1000)
      [--junit FILE] [--json FILE]   reports besides the table
      [--target-name TEXT]           how reports name the target
      [--no-precheck]                skip the first handshake and echo that make sure the target
                                       is reachable before any case runs
  wgconform --spawn wgref|wireguard-go[-modern]|linux|loopback [--cases ...] [--slow] [--junit ...] [--json ...]
                                     build that target in network namespaces (linux: the kernel's
                                     WireGuard under qemu; loopback: wgref's core in-process), run
                                     the suite against it, and remove everything it made
  wgconform --list                   the case catalogue

Commands:
  ping                 handshake with the target as initiator (paper 5.4.2-5.4.5),
                       send one ICMP echo through the tunnel (5.4.6), and decrypt the reply
      --target --target-public-key --private-key [--psk] --tunnel-ip ADDR
      --target-tunnel-ip ADDR [--timeout-ms N (default 3000)] [--keylog FILE (0600, appended)]
  inspect PCAP [--keylog FILE] [--fields]
                       print each WireGuard message of a capture with its paper section;
                       with the key log (Wireshark's format, as wgref --keylog writes it),
                       decrypt handshakes and data; --fields: tab-separated, as tshark -T fields
  replay PCAP --target HOST:PORT [--keylog FILE] [--port N] [--wait-ms N]
                       resend every message the capture shows going to the target (or to
                       port N), each from a fresh port; fails any that is accepted again
                       (paper 5.1, 5.4.6)
  mutants --dir DIR [--require-every-case] [--require-exclusive] [--real] [--only GLOB] [--jobs N]
                       run the catalogue against every mutant of DIR (a build's
                       conformance/mutants, -DWGREF_MUTANTS=ON: wgref with one rule broken
                       each) and print what caught each, and the mutation score
  print-peer-config    print what adds the harness's identities to a target as its peers
      --private-key FILE --tunnel-ip ADDRS [--second-private-key FILE --second-tunnel-ip ADDRS]
      [--third-private-key FILE [--third-port N] [--fourth-private-key FILE [--fourth-port N]]
       --harness-address ADDR] [--psk FILE] [--interface NAME]
      [--format wg-set|ini]          `wg set` lines (default), or [Peer] blocks for a
                                     configuration file or a router's UI

Every option takes --name VALUE or --name=VALUE; wgconform --version prints the version.
Exit status: 0 every selected case passed, diverged or was skipped (each skip says why),
1 a case failed (or ping failed), 2 usage or local error, a harness error, or a
target that could not be reached at all (the pre-check: nothing was judged).
)";

using Options = std::map<std::string, std::string>;
using Value = wg::io::OptionSpec::Value;

/// The suite's options (also --spawn's and --list's).
constexpr wg::io::OptionSpec kSuiteOptions[] = {
    {"target", 0, Value::required},         {"target-public-key", 0, Value::required},
    {"private-key", 0, Value::required},    {"tunnel-ip", 0, Value::required},
    {"target-tunnel-ip", 0, Value::required}, {"second-private-key", 0, Value::required},
    {"second-tunnel-ip", 0, Value::required}, {"third-private-key", 0, Value::required},
    {"third-port", 0, Value::required},     {"fourth-private-key", 0, Value::required},
    {"fourth-port", 0, Value::required},    {"zero-key-target", 0, Value::required},
    {"uapi-socket", 0, Value::required},    {"psk", 0, Value::required},
    {"cases", 0, Value::required},          {"slow", 0, Value::none},
    {"timeout-ms", 0, Value::required},     {"junit", 0, Value::required},
    {"json", 0, Value::required},           {"target-name", 0, Value::required},
    {"spawn", 0, Value::required},          {"list", 0, Value::none},
    {"no-precheck", 0, Value::none},        {"flood-sources", 0, Value::required},
};
constexpr wg::io::OptionSpec kPingOptions[] = {
    {"target", 0, Value::required},      {"target-public-key", 0, Value::required}, {"private-key", 0, Value::required},
    {"psk", 0, Value::required},         {"tunnel-ip", 0, Value::required},         {"target-tunnel-ip", 0, Value::required},
    {"timeout-ms", 0, Value::required},  {"keylog", 0, Value::required},
};
constexpr wg::io::OptionSpec kPeerConfigOptions[] = {
    {"private-key", 0, Value::required},        {"tunnel-ip", 0, Value::required},
    {"second-private-key", 0, Value::required}, {"second-tunnel-ip", 0, Value::required},
    {"third-private-key", 0, Value::required},  {"third-port", 0, Value::required},
    {"fourth-private-key", 0, Value::required}, {"fourth-port", 0, Value::required},
    {"harness-address", 0, Value::required},    {"interface", 0, Value::required},
    {"psk", 0, Value::required},                {"format", 0, Value::required},
};

/// Parses argv[first..] against `specs` into `options` (the last value of
/// each); false, with the reason printed, on a mistake or a stray argument.
bool parse_options(int argc, char** argv, int first, std::span<const wg::io::OptionSpec> specs, Options& options) {
    std::string error;
    const auto line = wg::io::parse_command_line("wgconform", argc, argv, first, specs, error);
    if (!line) {
        std::cerr << error << "\n";
        return false;
    }
    if (!line->positional.empty()) {
        std::cerr << "wgconform: unexpected argument '" << line->positional.front() << "'; see wgconform --help\n";
        return false;
    }
    for (const auto& [name, values] : line->options) options[name] = values.back();
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

// Each option parser prints what is wrong with its option and returns nullopt.

std::optional<wg::crypto::PrivateKey> key_option(const Options& options, const char* name) {
    std::string error;
    auto key = wg::io::read_key_file(options.at(name), error);
    // read_key_file refuses a key file others may read (chmod 600 it).
    if (!key) std::cerr << "wgconform: --" << name << ": " << error << "\n";
    return key;
}

std::optional<wg::Endpoint> target_option(const Options& options, const char* name = "target") {
    std::string why;
    auto target = wg::io::resolve_endpoint(options.at(name), why);
    if (target && target->port == 0) why = "port 0 is no target";
    if (!target || target->port == 0) {
        std::cerr << "wgconform: --" << name << ": " << why << "\n";
        return std::nullopt;
    }
    return target;
}

std::optional<wg::crypto::PublicKey> target_key_option(const Options& options) {
    auto key = wg::crypto::public_key_from_base64(options.at("target-public-key"));
    if (!key) std::cerr << "wgconform: --target-public-key: not a base64 WireGuard key\n";
    return key;
}

/// A decimal number in [low, high].
std::optional<int> number_option(const Options& options, const char* name, int low, int high) {
    const std::string& text = options.at(name);
    if (!text.empty() && text.size() <= std::to_string(high).size() && text.find_first_not_of("0123456789") == std::string::npos) {
        const int n = std::stoi(text);
        if (n >= low && n <= high) return n;
    }
    std::cerr << "wgconform: --" << name << ": expected " << low << ".." << high << "\n";
    return std::nullopt;
}

int command_ping(const Options& options) {
    if (!require(options, {"target", "target-public-key", "private-key", "tunnel-ip", "target-tunnel-ip"})) return 2;
    wg::conformance::PingOptions ping;
    const auto target = target_option(options);
    const auto target_key = target_key_option(options);
    const auto private_key = key_option(options, "private-key");
    if (!target || !target_key || !private_key) return 2;
    ping.target = *target;
    ping.target_public_key = *target_key;
    ping.private_key = *private_key;
    if (options.count("psk")) {
        const auto psk = key_option(options, "psk");
        if (!psk) return 2;
        ping.preshared_key = *psk;
    }
    const auto tunnel_ip = wg::IpAddress::parse(options.at("tunnel-ip"));
    const auto target_tunnel_ip = wg::IpAddress::parse(options.at("target-tunnel-ip"));
    if (!tunnel_ip || !target_tunnel_ip || tunnel_ip->family != target_tunnel_ip->family) {
        std::cerr << "wgconform: --tunnel-ip and --target-tunnel-ip must be addresses of one family\n";
        return 2;
    }
    ping.tunnel_ip = *tunnel_ip;
    ping.target_tunnel_ip = *target_tunnel_ip;
    if (options.count("timeout-ms")) {
        const auto timeout = number_option(options, "timeout-ms", 1, 999999);
        if (!timeout) return 2;
        ping.timeout_ms = *timeout;
    }
    if (options.count("keylog")) ping.keylog_path = options.at("keylog");
    return wg::conformance::run_ping(ping, std::cout);
}

/// "192.0.2.101,192.0.2.102,...": comma-separated addresses, nullopt if one is not.
std::optional<std::vector<wg::IpAddress>> parse_address_list(const std::string& text) {
    std::vector<wg::IpAddress> addresses;
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto comma = text.find(',', start);
        const auto address = wg::IpAddress::parse(text.substr(start, comma - start));
        if (!address) return std::nullopt;
        addresses.push_back(*address);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return addresses;
}

/// "203.0.113.2,2001:db8:1::2": at most one address per family.
std::optional<std::vector<wg::IpAddress>> parse_addresses(const std::string& text) {
    auto addresses = parse_address_list(text);
    if (!addresses) return std::nullopt;
    for (std::size_t i = 0; i < addresses->size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if ((*addresses)[i].family == (*addresses)[j].family) return std::nullopt;
        }
    }
    return addresses;
}

std::optional<std::vector<wg::IpAddress>> addresses_option(const Options& options, const char* name) {
    auto addresses = parse_addresses(options.at(name));
    if (!addresses) std::cerr << "wgconform: --" << name << ": expected IP addresses, at most one IPv4 and one IPv6, comma-separated\n";
    return addresses;
}

int command_print_peer_config(const Options& options) {
    if (!require(options, {"private-key", "tunnel-ip"})) return 2;
    const std::string iface = options.count("interface") ? options.at("interface") : "wg0";
    const std::string format = options.count("format") ? options.at("format") : "wg-set";
    if (format != "wg-set" && format != "ini") {
        std::cerr << "wgconform: --format: expected wg-set or ini, got '" << format << "'\n";
        return 2;
    }
    // One peer each: its public key, and either allowed IPs (identities 1
    // and 2) or an endpoint with a persistent keepalive (3 and 4).
    struct Peer {
        std::string public_key, allowed_ips, endpoint;
    };
    std::vector<Peer> peers;
    for (const auto& [key_name, ip_name] : {std::pair{"private-key", "tunnel-ip"}, std::pair{"second-private-key", "second-tunnel-ip"}}) {
        if (!options.count(key_name)) continue;
        if (!require(options, {ip_name})) return 2;
        const auto key = key_option(options, key_name);
        const auto addresses = addresses_option(options, ip_name);
        if (!key || !addresses) return 2;
        Peer peer{wg::crypto::key_to_base64(wg::crypto::view(wg::crypto::public_key_of(*key))), "", ""};
        for (const auto& a : *addresses) {
            // Appended piece by piece: GCC 12 warns falsely (-Wrestrict) on a `+` chain here.
            if (!peer.allowed_ips.empty()) peer.allowed_ips += ',';
            peer.allowed_ips += a.to_string();
            peer.allowed_ips += a.is_v6() ? "/128" : "/32";
        }
        peers.push_back(peer);
    }
    for (const auto& [key_name, port_name, port] : {std::tuple{"third-private-key", "third-port", "51821"},
                                                     std::tuple{"fourth-private-key", "fourth-port", "51822"}}) {
        if (!options.count(key_name)) continue;
        if (!require(options, {"harness-address"})) return 2;
        const auto key = key_option(options, key_name);
        if (!key) return 2;
        const std::string address = options.at("harness-address");
        const std::string host = address.find(':') != std::string::npos ? "[" + address + "]" : address;
        peers.push_back(Peer{wg::crypto::key_to_base64(wg::crypto::view(wg::crypto::public_key_of(*key))), "",
                             host + ":" + (options.count(port_name) ? options.at(port_name) : port)});
    }
    std::optional<wg::crypto::PrivateKey> psk;
    if (options.count("psk") && !(psk = key_option(options, "psk"))) return 2;
    for (const auto& peer : peers) {
        if (format == "ini") {
            std::cout << "[Peer]\nPublicKey = " << peer.public_key << "\n";
            // A router's UI wants the key itself, as `wg showconf` prints it.
            if (psk) std::cout << "PresharedKey = " << wg::crypto::key_to_base64(psk->view()) << "\n";
            if (!peer.allowed_ips.empty()) std::cout << "AllowedIPs = " << peer.allowed_ips << "\n";
            if (!peer.endpoint.empty()) std::cout << "Endpoint = " << peer.endpoint << "\nPersistentKeepalive = 6\n";
            std::cout << "\n";
        } else {
            std::cout << "wg set " << iface << " peer " << peer.public_key;
            if (psk) std::cout << " preshared-key " << options.at("psk");
            if (!peer.allowed_ips.empty()) std::cout << " allowed-ips " << peer.allowed_ips;
            if (!peer.endpoint.empty()) std::cout << " endpoint " << peer.endpoint << " persistent-keepalive 6";
            std::cout << "\n";
        }
    }
    return 0;
}

int list_cases() {
    for (const auto& c : wg::conformance::catalogue()) {
        std::cout << c.id << "  (paper " << c.section << (c.slow ? ", --slow" : "") << ")  " << c.title << "\n";
    }
    return 0;
}

/// Runs the suite, then writes the table and any reports asked for.
int run_and_report(wg::conformance::ProbeNetwork& network, const wg::conformance::SuiteConfig& config,
                   wg::crypto::Rng& rng, const Options& options, const std::string& target_name) {
    const std::string pattern = options.count("cases") ? options.at("cases") : "";
    const auto results = wg::conformance::run_suite(network, config, rng, pattern, &std::cerr);
    if (results.empty()) {
        std::cerr << "wgconform: no case matches --cases '" << pattern << "' (see --list)\n";
        return 2;
    }
    wg::conformance::write_table(std::cout, results, target_name);
    for (const auto& [option, writer] : {std::pair{"junit", &wg::conformance::write_junit}, std::pair{"json", &wg::conformance::write_json}}) {
        if (!options.count(option)) continue;
        std::ofstream file(options.at(option));
        writer(file, results, target_name);
        if (!file) {
            std::cerr << "wgconform: cannot write --" << option << " " << options.at(option) << "\n";
            return 2;
        }
    }
    return wg::conformance::exit_status(results);
}

int command_suite(const Options& options) {
    using namespace wg::conformance;
    if (!require(options, {"target", "target-public-key", "private-key", "tunnel-ip", "target-tunnel-ip"})) return 2;
    const auto target = target_option(options);
    const auto target_key = target_key_option(options);
    if (!target || !target_key) return 2;
    SuiteConfig config;
    config.target.public_key = *target_key;
    auto first_key = key_option(options, "private-key");
    auto first_ips = addresses_option(options, "tunnel-ip");
    auto target_ips = addresses_option(options, "target-tunnel-ip");
    if (!first_key || !first_ips || !target_ips) return 2;
    config.first_key = *first_key;
    config.first_ips = *first_ips;
    config.target.tunnel_ips = *target_ips;
    if (options.count("second-private-key") != options.count("second-tunnel-ip")) {
        std::cerr << "wgconform: --second-private-key and --second-tunnel-ip go together\n";
        return 2;
    }
    if (options.count("second-private-key")) {
        auto second_key = key_option(options, "second-private-key");
        auto second_ips = addresses_option(options, "second-tunnel-ip");
        if (!second_key || !second_ips) return 2;
        config.second_key = *second_key;
        config.second_ips = *second_ips;
    }
    for (const auto& [key_name, port_name, key, port] :
         {std::tuple{"third-private-key", "third-port", &config.third_key, &config.third_port},
          std::tuple{"fourth-private-key", "fourth-port", &config.fourth_key, &config.fourth_port}}) {
        if (options.count(key_name)) {
            auto value = key_option(options, key_name);
            if (!value) return 2;
            *key = *value;
        }
        if (options.count(port_name)) {
            const auto number = number_option(options, port_name, 1, 65535);
            if (!number) return 2;
            *port = static_cast<std::uint16_t>(*number);
        }
    }
    std::optional<wg::Endpoint> zero_key_target;
    if (options.count("zero-key-target")) {
        zero_key_target = target_option(options, "zero-key-target");
        if (!zero_key_target) return 2;
    }
    const std::string uapi_socket = options.count("uapi-socket") ? options.at("uapi-socket") : "";
    if (options.count("psk")) {
        auto psk = key_option(options, "psk");
        if (!psk) return 2;
        config.target.preshared_key = *psk;
    }
    if (options.count("timeout-ms")) {
        const auto timeout = number_option(options, "timeout-ms", 1, 999999);
        if (!timeout) return 2;
        config.answer_wait = std::chrono::milliseconds(*timeout);
    }
    config.slow = options.count("slow") > 0;
    if (options.count("flood-sources")) {
        auto sources = parse_address_list(options.at("flood-sources"));
        if (!sources || sources->size() > 64) {
            std::cerr << "wgconform: --flood-sources: expected at most 64 IP addresses, comma-separated\n";
            return 2;
        }
        config.flood_sources = *sources;
    }
    const std::string name = options.count("target-name") ? options.at("target-name") : options.at("target");
    try {
        LiveNetwork network(*target, zero_key_target, uapi_socket);
        wg::io::SystemRng rng;
        if (!options.count("no-precheck") && options.count("list") == 0) {
            if (const auto problem = precheck(network, config, rng)) {
                std::cerr << "wgconform: " << name << ": " << *problem << "\n";
                return 2;
            }
        }
        return run_and_report(network, config, rng, options, name);
    } catch (const std::exception& e) {
        std::cerr << "wgconform: " << e.what() << "\n";
        return 2;
    }
}

/// --spawn: loopback runs here; the others are built by spawn_target.sh in
/// namespaces, which calls this program back with --target.
int command_spawn(int argc, char** argv, const Options& options) {
    const std::string kind = options.at("spawn");
    if (kind == "loopback") {
        wg::conformance::LoopbackTarget target;
        wg::conformance::SuiteConfig config = target.suite_config();
        config.slow = options.count("slow") > 0;
        wg::io::SystemRng rng;
        return run_and_report(target, config, rng, options, "loopback (wgref's core, in-process, simulated time)");
    }
    for (const char* own : {"target", "target-public-key", "private-key", "tunnel-ip", "target-tunnel-ip"}) {
        if (options.count(own)) {
            std::cerr << "wgconform: --spawn makes its own target; --" << own << " does not apply\n";
            return 2;
        }
    }
    // The script calls this very program back; find it before exec replaces us.
    std::array<char, 4096> self{};
    const ssize_t n = readlink("/proc/self/exe", self.data(), self.size() - 1);
    if (n <= 0) {
        std::cerr << "wgconform: cannot find its own path: " << std::strerror(errno) << "\n";
        return 2;
    }
    const std::filesystem::path self_path(std::string(self.data(), static_cast<std::size_t>(n)));
    // Installed (cmake --install), the script and wgref are found from this
    // program: PREFIX/bin/wgconform, PREFIX/bin/wgref and
    // PREFIX/share/wgref/conformance/spawn_target.sh. In a build tree, the
    // paths this build was configured with.
    const auto installed_script =
        (self_path.parent_path() / WGCONFORM_INSTALLED_DATA / "conformance/spawn_target.sh").lexically_normal();
    const auto installed_wgref = self_path.parent_path() / "wgref";
    const std::string script = std::filesystem::exists(installed_script) ? installed_script.string() : WGCONFORM_SPAWN_SCRIPT;
    if (!std::filesystem::exists(script)) {
        std::cerr << "wgconform --spawn: spawn_target.sh is neither at " << installed_script.string() << " (installed) nor at "
                  << WGCONFORM_SPAWN_SCRIPT << " (the source tree this was built from)\n";
        return 2;
    }
    std::vector<std::string> args = {"bash", script, kind, self_path.string()};
    const char* wgref = std::getenv("WGREF");
    args.push_back(wgref ? wgref : std::filesystem::exists(installed_wgref) ? installed_wgref.string() : WGREF_BINARY);
    args.push_back("--");
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--spawn") {
            ++i;  // and its value
            continue;
        }
        if (arg.rfind("--spawn=", 0) == 0) continue;
        args.push_back(arg);
    }
    std::vector<char*> exec_args;
    for (auto& a : args) exec_args.push_back(a.data());
    exec_args.push_back(nullptr);
    execvp("bash", exec_args.data());
    std::cerr << "wgconform: cannot run " << script << ": " << std::strerror(errno) << "\n";
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
        std::cout << kUsage;
        return argc < 2 ? 2 : 0;
    }
    if (!std::strcmp(argv[1], "--version")) {
        std::cout << "wgconform " << wg::io::project_version() << "\n";
        return 0;
    }
    const std::string command = argv[1];
    Options options;
    if (command == "ping") return parse_options(argc, argv, 2, kPingOptions, options) ? command_ping(options) : 2;
    if (command == "print-peer-config") {
        return parse_options(argc, argv, 2, kPeerConfigOptions, options) ? command_print_peer_config(options) : 2;
    }
    if (command == "inspect" || command == "replay") {
        return wg::conformance::captures::run_capture_command(std::vector<std::string>(argv + 1, argv + argc));
    }
    if (command == "mutants") return wg::conformance::run_mutants_command(std::vector<std::string>(argv + 1, argv + argc));
    if (command.rfind("-", 0) == 0) {
        if (!parse_options(argc, argv, 1, kSuiteOptions, options)) return 2;
        if (options.count("list")) return list_cases();
        if (options.count("spawn")) return command_spawn(argc, argv, options);
        return command_suite(options);
    }
    std::cerr << "wgconform: unknown command '" << command << "'; see wgconform --help\n";
    return 2;
}
