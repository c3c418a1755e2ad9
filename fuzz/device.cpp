// SPDX-License-Identifier: MIT
// The whole receive path (paper §5.4, §6, §3, §2.1): two Devices, a and b,
// on the simulated network (device/simulated_network.hpp), with a real
// handshake already done and data flowing both ways, so valid indices,
// sessions, replay windows and timers exist. The input is then a script of
// events, each of which ends in Device::receive_datagram, send_packet or
// advance:
//   - a datagram of fuzz bytes, to b or to a, from the peer's endpoint, the
//     other host's, or a stranger's (IPv4 or IPv6)
//   - a datagram from the wire log (every real message sent so far: the
//     handshake, data, keepalives, cookie replies), replayed to either host
//     from any endpoint, optionally with bytes flipped and mac1 recomputed
//     with the receiver's key, so a mutated handshake message gets past
//     §5.4.4 into the Noise work
//   - an inner packet sent by a or b: fuzz bytes as the whole IP packet, or
//     as the payload of a well-formed one; the other host decrypts it, so
//     the inner-packet checks run on fuzz bytes under real keys
//   - time advancing by up to five minutes: retries, rekeys, expiry, erasure
// The first byte chooses the setting: b under load at once (cookies,
// §5.4.7), a pre-shared key (§5.2), a persistent keepalive (§6.5).
//
// Whatever happens, cryptokey routing must hold (§3): every packet a host
// hands its interface came through the peer, from one of its allowed IPs.
#include <fuzzer/FuzzedDataProvider.h>

#include "cookie/macs.hpp"
#include "device/simulated_network.hpp"
#include "forge.hpp"
#include "fuzz_support.hpp"
#include "transport/data_message.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

namespace {

constexpr std::array<std::uint8_t, 4> kA{203, 0, 113, 1}, kB{203, 0, 113, 2};
constexpr int kMaxEvents = 64;

Endpoint stranger_v6() { return *Endpoint::parse("[2001:db8::99]:4242"); }

/// The hosts a fuzz event can name, and who they are to each other.
struct Scene {
    SimulatedNetwork net{1};
    std::array<std::string, 2> names{"a", "b"};
    std::array<Endpoint, 4> endpoints;  // a, b, two strangers

    explicit Scene(std::uint8_t setting) {
        DeviceOptions b_options;
        if (setting & 1) b_options.load_threshold = 1;
        net.add_host("a", 1);
        net.add_host("b", 2, b_options);
        net.connect("a", "b", {"203.0.113.2/32", "2001:db8:b::/48"}, {"203.0.113.1/32", "2001:db8:a::/48"});
        if (setting & 2) {
            crypto::SymmetricKey psk;
            psk.data()[0] = 0x42;
            host(0).device->set_preshared_key(1, psk);
            host(1).device->set_preshared_key(1, psk);
        }
        if (setting & 4) host(0).device->set_persistent_keepalive(1, 25s);
        endpoints = {host(0).endpoint, host(1).endpoint, Endpoint{IpAddress::v4({198, 51, 100, 50}), 9999}, stranger_v6()};
        // A real session: a initiates with its first packet, b answers with its own.
        net.send("a", make_ipv4_packet(kA, kB, as_bytes("hello b")));
        net.run_for(1s);
        net.send("b", make_ipv4_packet(kB, kA, as_bytes("hello a")));
        net.run_for(1s);
    }
    SimulatedNetwork::Host& host(std::size_t i) { return net.host(names[i]); }
};

void replay(Scene& scene, FuzzedDataProvider& input) {
    auto& log = scene.net.wire_log;
    if (log.empty()) return;
    const auto& [original_from, original] = log[input.ConsumeIntegralInRange<std::size_t>(0, log.size() - 1)];
    Bytes bytes = original.bytes;
    const std::size_t to = original.to == scene.host(0).endpoint ? 0 : 1;
    const Endpoint from = input.ConsumeBool() ? original_from : scene.endpoints[input.ConsumeIntegralInRange(0, 3)];
    for (int flips = input.ConsumeIntegralInRange(0, 3); flips > 0 && !bytes.empty(); --flips) {
        bytes[input.ConsumeIntegralInRange<std::size_t>(0, bytes.size() - 1)] ^= input.ConsumeIntegral<std::uint8_t>();
    }
    if (input.ConsumeBool()) {
        // A fresh mac1 (mac2 kept), as an attacker who knows the receiver's public key could make.
        if (wire::InitiationMessage::parse(bytes) || wire::ResponseMessage::parse(bytes)) {
            test::refresh_mac1(bytes, cookie::MacKeys::of(scene.host(to).device->public_key()).mac1_key);
        }
    }
    scene.net.inject(scene.names[to], from, bytes);
}

void send_inner(Scene& scene, FuzzedDataProvider& input, std::size_t from) {
    const std::string bytes = input.ConsumeRandomLengthString(1500);
    if (input.ConsumeBool()) {
        scene.net.send(scene.names[from], as_bytes(bytes));
    } else {
        scene.net.send(scene.names[from], make_ipv4_packet(from == 0 ? kA : kB, from == 0 ? kB : kA, as_bytes(bytes)));
    }
}

}  // namespace

WGREF_FUZZ_TARGET {
    FuzzedDataProvider input(data, size);
    Scene scene(input.ConsumeIntegral<std::uint8_t>());
    for (int event = 0; event < kMaxEvents && input.remaining_bytes() > 0; ++event) {
        switch (input.ConsumeIntegralInRange(0, 6)) {
            case 0:
            case 1: {  // fuzz bytes as a datagram, mostly to b (the responder)
                const std::size_t to = input.ConsumeIntegralInRange(0, 3) == 0 ? 0 : 1;
                const Endpoint from = scene.endpoints[input.ConsumeIntegralInRange(0, 3)];
                const std::string bytes = input.ConsumeRandomLengthString(1600);
                scene.net.inject(scene.names[to], from, as_bytes(bytes));
                break;
            }
            case 2:
            case 3:
                replay(scene, input);
                break;
            case 4:
                send_inner(scene, input, input.ConsumeIntegralInRange<std::size_t>(0, 1));
                break;
            case 5:  // the wire delivers what is in flight
                scene.net.run_for(std::chrono::milliseconds(input.ConsumeIntegralInRange(0, 2000)));
                break;
            case 6:  // time passes: timers fire (§6)
                scene.net.run_for(std::chrono::seconds(input.ConsumeIntegralInRange(0, 300)));
                break;
        }
    }
    scene.net.run_for(1s);

    for (std::size_t i = 0; i < 2; ++i) {
        auto& host = scene.host(i);
        for (const Bytes& packet : host.delivered) {
            fuzz::expect(transport::inner_packet_length(packet) == packet.size(),
                         "a delivered packet is one whole IP packet, padding removed (5.4.6)");
            fuzz::expect(host.device->allowed_ips().lookup_packet_source(packet) == PeerId{1},
                         "a delivered packet's source is in the sending peer's allowed IPs (3)");
        }
    }
    return 0;
}
