// SPDX-License-Identifier: MIT
// `wgref`: the command line of the readable WireGuard implementation, used
// exactly as wireguard-go is: `wgref wg0` creates the interface and goes to
// the background; `wg` then configures it over /var/run/wireguard/wg0.sock.
// It also makes keys exactly as `wg genkey | wg pubkey` and `wg genpsk` do.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "io/command_line.hpp"
#include "io/config_file.hpp"
#include "io/interface.hpp"
#include "io/log.hpp"
#include "io/system.hpp"

namespace {

constexpr const char* kUsage = R"(usage: wgref [options] IFACE
       wgref genkey | pubkey | genpsk
       wgref --version

A readable WireGuard implementation, laid out after the paper
(Donenfeld, "WireGuard: Next Generation Kernel Network Tunnel", NDSS 2017).

wgref IFACE creates the TUN interface IFACE and serves the cross-platform UAPI on
/var/run/wireguard/IFACE.sock, so `wg show`, `wg set`, `wg setconf` and `wg syncconf`
drive it as they drive wireguard-go. Bring it up with `ip link set IFACE up`, or let
wg-quick do it all: WG_QUICK_USERSPACE_IMPLEMENTATION=wgref wg-quick up wg0.

Options (--opt value and --opt=value both work):
  -f, --foreground      stay attached to the terminal (default: go to the background)
  --config FILE         apply FILE first (the format `wg setconf` reads); it must not be
                        readable by group or others when it holds a PrivateKey
  --mtu N               interface MTU (default 1420)
  --trace[=json]        one line per protocol event, naming its paper section
  --keylog FILE         append each handshake's secrets to FILE (mode 0600) in Wireshark's
                        WireGuard key-log format, so tshark -o wg.keylog_file:FILE decrypts
                        a capture; for labs and debugging only
  --no-offload          move one packet per system call: no TUN super-packets (IFF_VNET_HDR,
                        TSO/USO), no UDP_SEGMENT or UDP_GRO (default: each where the kernel
                        has it); for comparison and teaching
  --threads N           seal and open packets on N threads, 1 to 256 (default: one per core
                        wgref may use); 1 keeps everything on the event loop's thread
  -h, --help            this text
  --version             the version

Environment, as wireguard-go reads it:
  WG_PROCESS_FOREGROUND=1   as --foreground
  LOG_LEVEL=verbose|error|silent   what goes to the log (default error): stderr in the
                            foreground, syslog (daemon) in the background
  WG_TUN_FD, WG_UAPI_FD     an open TUN device and a listening UAPI socket to use

Key commands, as in `wg`:
  genkey      print a new private key (base64)
  pubkey      read a private key on standard input, print its public key
  genpsk      print a new pre-shared key

Exit status: 0 a clean stop (SIGINT, SIGTERM), 1 an error (the message says which),
2 a usage error.
)";

constexpr wg::io::OptionSpec kOptions[] = {
    {"foreground", 'f', wg::io::OptionSpec::Value::none}, {"config", 0, wg::io::OptionSpec::Value::required},
    {"mtu", 0, wg::io::OptionSpec::Value::required},      {"trace", 0, wg::io::OptionSpec::Value::optional},
    {"keylog", 0, wg::io::OptionSpec::Value::required},   {"no-offload", 0, wg::io::OptionSpec::Value::none},
    {"threads", 0, wg::io::OptionSpec::Value::required},
    {"help", 'h', wg::io::OptionSpec::Value::none},
    {"version", 0, wg::io::OptionSpec::Value::none},
};

/// `wg` subcommands: a user typing `wgref show` wants `wg show`, not an
/// interface called "show".
constexpr const char* kWgCommands[] = {"show", "showconf", "set", "setconf", "addconf", "syncconf", "strip", "up", "down"};

/// An inherited descriptor from the environment (WG_TUN_FD, WG_UAPI_FD), or -1.
int descriptor_from_environment(const char* name, std::string& error) {
    const char* value = std::getenv(name);
    if (!value) return -1;
    char* end = nullptr;
    const long fd = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || fd < 0 || fd > 65535 || ::fcntl(static_cast<int>(fd), F_GETFD) < 0) {
        error = std::string(name) + "=" + value + " is not an open file descriptor";
        return -2;
    }
    return static_cast<int>(fd);
}

int generate_key(bool clamp) {
    wg::io::SystemRng rng;
    std::array<std::uint8_t, wg::crypto::kKeySize> random{};
    rng.fill(random);
    // A private key is clamped (RFC 7748 §5); a pre-shared key is 32 raw bytes.
    const wg::crypto::Secret<wg::crypto::kKeySize> key =
        clamp ? wg::crypto::make_private_key(random) : wg::crypto::Secret<wg::crypto::kKeySize>{random};
    wg::crypto::wipe(random.data(), random.size());
    std::cout << wg::crypto::key_to_base64(key.view()) << "\n";
    return 0;
}

int print_public_key() {
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    const auto private_key = wg::crypto::secret_from_base64(line);
    wg::crypto::wipe(line.data(), line.size());
    if (!private_key) {
        std::cerr << "wgref pubkey: standard input is not a base64 WireGuard key\n";
        return 1;
    }
    std::cout << wg::crypto::key_to_base64(wg::crypto::view(wg::crypto::public_key_of(*private_key))) << "\n";
    return 0;
}

std::string short_key(const wg::crypto::PublicKey& key) {
    return wg::crypto::key_to_base64(wg::crypto::view(key)).substr(0, 8);
}

/// `--trace`: one line per protocol event, with its paper section.
void trace_event(const wg::device::Event& e, const wg::device::Device& device, bool json) {
    const double t = std::chrono::duration<double>(e.time).count();
    std::string peer = "-";
    if (e.peer && device.has_peer(*e.peer)) peer = short_key(device.peer_info(*e.peer).public_key);
    std::string what(wg::device::to_string(e.kind));
    std::string reason;
    if (e.kind == wg::device::EventKind::dropped) reason = std::string(wg::to_string(e.reason));
    const std::string section(wg::device::paper_section(e));
    std::ostringstream line;
    line << std::fixed << std::setprecision(3);
    if (json) {
        line << "{\"time\":" << t << ",\"event\":\"" << what << "\",\"peer\":\"" << peer << "\",\"section\":\""
             << section << "\"";
        if (!reason.empty()) line << ",\"reason\":\"" << reason << "\"";
        line << "}";
    } else {
        line << "[" << t << "] " << what << (reason.empty() ? "" : " (" + reason + ")") << " peer " << peer
             << "  [paper " << section << "]";
    }
    std::cout << line.str() << std::endl;
}

/// A whole number option between `least` and `most`, or `absent` when not
/// given; nullopt, after saying why, when it is not a number in range.
std::optional<std::size_t> number_option(const wg::io::CommandLine& line, const std::string& name, std::size_t least,
                                         std::size_t most, std::size_t absent) {
    if (!line.has(name)) return absent;
    const std::string& value = line.value(name);
    const bool digits = !value.empty() && value.size() <= 9 && value.find_first_not_of("0123456789") == std::string::npos;
    if (!digits || std::stoul(value) < least || std::stoul(value) > most) {
        std::cerr << "wgref: --" << name << ": expected " << least << ".." << most << ", got '" << value << "'\n";
        return std::nullopt;
    }
    return std::stoul(value);
}

int run_interface(const wg::io::CommandLine& line) {
    const bool foreground = line.has("foreground") || std::getenv("WG_PROCESS_FOREGROUND") != nullptr;
    const std::optional<std::string> config_path = line.value_or_none("config");
    std::optional<std::string> trace;
    if (line.has("trace")) {
        const std::string format = line.value("trace");
        if (format != "" && format != "text" && format != "json") {
            std::cerr << "wgref: --trace: expected --trace, --trace=text or --trace=json\n";
            return 2;
        }
        trace = format == "json" ? "json" : "text";
    }
    const std::string keylog = line.value_or_none("keylog").value_or("");
    const auto mtu = number_option(line, "mtu", 1280, 65535, wg::wire::kDefaultMtu);
    const auto threads = number_option(line, "threads", 1, 256, 0);  // 0: one per core
    if (!mtu || !threads) return 2;
    if (line.positional.size() != 1) {
        std::cerr << "wgref: " << (line.positional.empty() ? "no interface name given" : "one interface name, please")
                  << "; see wgref --help\n";
        return 2;
    }
    const std::string name = line.positional.front();
    for (const char* command : kWgCommands) {
        if (name == command) {
            std::cerr << "wgref: '" << name << "' is a command of wg (or wg-quick), not an interface name: run `wg " << name
                      << "`\n";
            return 2;
        }
    }
    const wg::io::LogLevel log_level = wg::io::log_level_from_environment();
    wg::io::log_to_stderr(log_level, name);
    std::string error;
    const int tun_fd = descriptor_from_environment("WG_TUN_FD", error);
    const int uapi_fd = tun_fd == -2 ? -2 : descriptor_from_environment("WG_UAPI_FD", error);
    if (tun_fd == -2 || uapi_fd == -2) {
        std::cerr << "wgref: " << error << "\n";
        return 2;
    }

    // Read and check the configuration before anything is created.
    std::optional<wg::io::DeviceChange> config;
    if (config_path) {
        std::ifstream in(*config_path);
        if (!in) {
            std::cerr << "wgref: --config: cannot read " << *config_path << ": " << std::strerror(errno) << "\n";
            return 1;
        }
        std::stringstream text;
        text << in.rdbuf();
        auto parsed = wg::io::parse_config(text.str());
        if (!parsed) {
            std::cerr << "wgref: " << *config_path << ":" << parsed.error().line << ": " << parsed.error().message << "\n";
            return 1;
        }
        struct stat st {};
        if (parsed.value().private_key && ::stat(config_path->c_str(), &st) == 0 && (st.st_mode & (S_IRWXG | S_IRWXO))) {
            std::cerr << "wgref: " << *config_path << " holds a private key but is accessible by group or others;"
                      << " run: chmod 600 " << *config_path << "\n";
            return 1;
        }
        config = std::move(parsed).value();
    }

    wg::io::InterfaceOptions options;
    options.name = name;
    options.mtu = *mtu;
    options.keylog_path = keylog;
    options.offload = !line.has("no-offload");
    options.threads = *threads;
    options.tun_fd = tun_fd;
    options.uapi_fd = uapi_fd;
    if (trace) {
        const bool json = *trace == "json";
        options.on_event = [json](const wg::device::Event& e, const wg::device::Device& d) { trace_event(e, d, json); };
    }
    auto interface = wg::io::Interface::create(options, error);
    if (!interface) {
        std::cerr << "wgref: " << name << ": " << error << "\n";
        return 1;
    }
    if (config && !interface->configure(*config, error)) {
        std::cerr << "wgref: " << *config_path << ": " << error << "\n";
        return 1;
    }
    if (!foreground) {
        // Like wireguard-go: the interface exists when the command returns,
        // and the daemon carries on alone. _exit skips the parent's
        // destructors, which would remove the UAPI socket the child serves.
        const pid_t child = ::fork();
        if (child < 0) {
            std::cerr << "wgref: fork: " << std::strerror(errno) << "\n";
            return 1;
        }
        if (child > 0) _exit(0);
        ::setsid();
        const int null = ::open("/dev/null", O_RDWR);
        if (null >= 0) {
            ::dup2(null, 0);
            if (!trace) ::dup2(null, 1);
            ::dup2(null, 2);
        }
        wg::io::log_to_syslog(log_level, name);  // no terminal any more
    }
    wg::io::log_verbose("UAPI listening; " + std::string(foreground ? "in the foreground" : "in the background"));
    const int status = interface->run();
    wg::io::log_verbose(status == 0 ? "stopped by a signal" : "stopped");
    return status;
}

}  // namespace

int main(int argc, char** argv) {
    std::string error;
    const auto line = wg::io::parse_command_line("wgref", argc, argv, 1, kOptions, error);
    if (!line) {
        std::cerr << error << "\n";
        return 2;
    }
    if (line->has("help")) {
        std::cout << kUsage;
        return 0;
    }
    if (line->has("version")) {
        std::cout << "wgref " << wg::io::project_version() << "\n";
        return 0;
    }
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    // The key commands take nothing else, as in `wg`.
    const std::string first = line->positional.empty() ? "" : line->positional.front();
    if (first == "genkey" || first == "genpsk" || first == "pubkey") {
        if (line->positional.size() != 1 || !line->options.empty()) {
            std::cerr << "wgref " << first << ": takes no arguments; see wgref --help\n";
            return 2;
        }
        if (first == "pubkey") return print_public_key();
        return generate_key(first == "genkey");
    }
    return run_interface(*line);
}
