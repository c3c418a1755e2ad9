// `wgref`: the command line of the readable WireGuard implementation. Today
// it makes keys exactly as `wg genkey | wg pubkey` and `wg genpsk` do; the
// interface itself (`wgref IFACE`, driven by `wg` over the UAPI socket)
// arrives with the I/O shell in reference/io/.
#include <cstring>
#include <iostream>
#include <string>

#include "crypto/key_text.hpp"
#include "crypto/x25519.hpp"
#include "io/system.hpp"

namespace {

constexpr const char* kUsage = R"(usage: wgref <command>

A readable WireGuard implementation, laid out after the paper
(Donenfeld, "WireGuard: Next Generation Kernel Network Tunnel", NDSS 2017).

Commands:
  genkey      print a new private key (base64), as `wg genkey`
  pubkey      read a private key on standard input, print its public key
  genpsk      print a new pre-shared key, as `wg genpsk`
  --help      this text

Coming next (see the project's issues): `wgref [-f] IFACE` creates a TUN interface
that `wg` configures over /var/run/wireguard/IFACE.sock, like wireguard-go;
--config FILE, --keylog FILE, --trace[=json].
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
    std::cerr << "wgref: '" << command << "' is not available yet (the TUN interface comes next). See --help.\n";
    return 2;
}
