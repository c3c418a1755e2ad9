// An in-process target: wgref's sans-I/O Device behind a ProbeNetwork, with
// a one-function IP stack (it answers echo requests to its tunnel
// addresses) and simulated time. wgconform's own tests run every case
// against it twice: as it is, where the case must PASS, and with exactly
// the flaw the case looks for, where it must FAIL. A harness whose cases
// cannot fail proves nothing.
//
// Flaws that live in the Device's logic are DeviceFlaws; those that only
// change bytes on their way in or out are TargetFlaws, applied here.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <memory>

#include "device/device.hpp"
#include "device/simulated_network.hpp"
#include "probe_network.hpp"
#include "suite.hpp"

namespace wg::conformance {

struct TargetFlaws {
    bool ignore_mac1 = false;             ///< recomputes mac1 on what arrives, so a bad one passes (§5.4.4)
    bool ignore_reserved_bytes = false;   ///< clears reserved bytes on what arrives (§5.4.2)
    bool corrupt_response_mac1 = false;   ///< responses leave with a wrong mac1 (§5.4.4)
    bool corrupt_cookie_reply = false;    ///< cookie replies leave with a damaged cookie (§5.4.7)
    bool hang_after_malformed = false;    ///< one malformed datagram and the target stops
    bool drop_all_data = false;           ///< transport data never arrives (§5.4.6)
    bool drop_keepalives = false;         ///< keepalives are thrown away unauthenticated (§5.4.6)
    bool no_roaming = false;              ///< data is taken as coming from the handshake's address (§2.1)
    bool window_of_one = false;           ///< any counter not above the highest is refused (§5.4.6)
};

class LoopbackTarget final : public ProbeNetwork {
public:
    /// A target with identities 1 and 2 of the harness as its peers.
    LoopbackTarget(const device::DeviceFlaws& device_flaws = {}, const TargetFlaws& flaws = {}, std::uint64_t seed = 1);
    ~LoopbackTarget() override;

    /// The SuiteConfig that describes this target and the harness's two identities.
    const SuiteConfig& suite_config() const { return config_; }
    device::Device& device() { return *device_; }

    Port open_port(std::uint16_t local_port = 0) override;
    void send(Port from, ByteView datagram) override;
    std::optional<Bytes> receive(Port port, Duration wait) override;
    Duration now() override { return now_; }
    void sleep(Duration duration) override;
    crypto::Tai64n wall_clock() override;

private:
    Endpoint endpoint_of(Port port) const;
    void deliver(Port from, Bytes datagram);
    void collect();
    void step_toward(Time t);
    void advance_to(Time t);

    TargetFlaws flaws_;
    device::SeededRng rng_;
    SuiteConfig config_;
    std::unique_ptr<device::Device> device_;
    device::Outbox out_;
    Time now_{std::chrono::seconds(1)};
    Port next_port_ = 0;
    std::set<Port> open_ports_;
    std::map<Port, std::deque<Bytes>> queues_;
    std::map<std::uint32_t, std::uint64_t> highest_counter_;  ///< window_of_one, per receiver index
    std::optional<Port> last_handshake_port_;
    bool hung_ = false;
};

}  // namespace wg::conformance
