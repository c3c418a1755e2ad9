// `wgref`: the command line of the readable WireGuard implementation, used
// exactly as wireguard-go is: `wgref wg0` creates the interface and goes to
// the background; `wg` then configures it over /var/run/wireguard/wg0.sock.
// It also makes keys exactly as `wg genkey | wg pubkey` and `wg genpsk` do.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <sstream>
#include <string>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "io/config_file.hpp"
#include "io/interface.hpp"
#include "io/system.hpp"

namespace {

constexpr const char* kUsage = R"(usage: wgref [options] IFACE
       wgref genkey | pubkey | genpsk

A readable WireGuard implementation, laid out after the paper
(Donenfeld, "WireGuard: Next Generation Kernel Network Tunnel", NDSS 2017).

wgref IFACE creates the TUN interface IFACE and serves the cross-platform UAPI on
/var/run/wireguard/IFACE.sock, so `wg show`, `wg set`, `wg setconf` and `wg syncconf`
drive it as they drive wireguard-go. Bring it up with `ip link set IFACE up`.

Options:
  -f, --foreground      stay attached to the terminal (default: go to the background)
  --config FILE         apply FILE first (the format `wg setconf` reads); it must not be
                        readable by group or others when it holds a PrivateKey
  --mtu N               interface MTU (default 1420)
  --trace[=json]        one line per protocol event, naming its paper section
  --keylog FILE         append each handshake's secrets to FILE (mode 0600) in Wireshark's
                        WireGuard key-log format, so tshark -o wg.keylog_file:FILE decrypts
                        a capture; for labs and debugging only
  -h, --help            this text

Key commands, as in `wg`:
  genkey      print a new private key (base64)
  pubkey      read a private key on standard input, print its public key
  genpsk      print a new pre-shared key
)";

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
    if (e.peer) {
        for (auto id : device.peers()) {
            if (id == *e.peer) peer = short_key(device.peer_info(id).public_key);
        }
    }
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

int run_interface(int argc, char** argv) {
    bool foreground = false;
    std::optional<std::string> config_path;
    std::optional<std::string> trace;
    std::string keylog;
    std::size_t mtu = wg::wire::kDefaultMtu;
    std::string name;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "-f" || arg == "--foreground") {
            foreground = true;
        } else if (arg == "--config" && i + 1 < argc) {
            config_path = argv[++i];
        } else if (arg == "--keylog" && i + 1 < argc) {
            keylog = argv[++i];
        } else if (arg == "--mtu" && i + 1 < argc) {
            const std::string value = argv[++i];
            if (value.empty() || value.size() > 5 || value.find_first_not_of("0123456789") != std::string::npos ||
                std::stoul(value) < 1280 || std::stoul(value) > 65535) {
                std::cerr << "wgref: --mtu: expected 1280..65535, got '" << value << "'\n";
                return 2;
            }
            mtu = std::stoul(value);
        } else if (arg == "--trace" || arg == "--trace=text" || arg == "--trace=json") {
            trace = arg == "--trace=json" ? "json" : "text";
        } else if (!arg.empty() && arg[0] != '-' && name.empty()) {
            name = arg;
        } else {
            std::cerr << "wgref: unexpected argument '" << arg << "'. See wgref --help.\n";
            return 2;
        }
    }
    if (name.empty()) {
        std::cerr << "wgref: no interface name given. See wgref --help.\n";
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
    options.mtu = mtu;
    options.keylog_path = keylog;
    if (trace) {
        const bool json = *trace == "json";
        options.on_event = [json](const wg::device::Event& e, const wg::device::Device& d) { trace_event(e, d, json); };
    }
    std::string error;
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
    }
    return interface->run();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::cerr << kUsage;
        return 2;
    }
    const std::string command = argv[1];
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kUsage;
        return 0;
    }
    if (command == "genkey") return generate_key(true);
    if (command == "genpsk") return generate_key(false);
    if (command == "pubkey") return print_public_key();
    return run_interface(argc, argv);
}
