// SPDX-License-Identifier: MIT
// An in-process target: wgref's sans-I/O Device behind a ProbeNetwork, with
// a one-function IP stack (it answers echo requests to its tunnel
// addresses) and simulated time, so even the minutes of §6 take milliseconds.
// wgconform's own tests run every case against it, where each must PASS;
// and every case is shown able to FAIL by the mutants (conformance/mutants/):
// wgref builds with one rule broken, each run through this same target.
#pragma once

#include <deque>
#include <map>
#include <set>
#include <memory>

#include "device/device.hpp"
#include "device/simulated_network.hpp"
#include "io/uapi.hpp"
#include "probe_network.hpp"
#include "suite.hpp"

namespace wg::conformance {

class LoopbackTarget final : public ProbeNetwork {
public:
    /// A target with the harness's identities 1 and 2 as its peers, and 3 and
    /// 4 as peers it initiates to (endpoint the harness, persistent keepalive
    /// 6 s); a second, key-less target (has_zero_key_target); and its UAPI.
    /// `load_threshold` as in device::DeviceOptions (1: always under load).
    explicit LoopbackTarget(std::uint64_t seed = 1, int load_threshold = cookie::LoadMeter::kDefaultThreshold);
    ~LoopbackTarget() override;

    /// The SuiteConfig that describes this target and the harness's two identities.
    const SuiteConfig& suite_config() const { return config_; }
    device::Device& device() { return *device_; }

    Port open_port(std::uint16_t local_port = 0) override;
    std::optional<Port> open_port_at(const IpAddress& source) override;
    void send(Port from, ByteView datagram) override;
    std::optional<Bytes> receive(Port port, Duration wait) override;
    Duration now() override { return now_; }
    void sleep(Duration duration) override;
    crypto::Tai64n wall_clock() override;
    Duration unix_time() override;
    bool has_zero_key_target() override { return true; }
    void send_to_zero_key_target(Port from, ByteView datagram) override;
    std::optional<std::string> uapi(const std::string& request) override;

private:
    Endpoint endpoint_of(Port port) const;
    void collect(device::Outbox& out);
    void step_toward(Time t);
    void advance_to(Time t);

    device::SeededRng rng_;
    SuiteConfig config_;
    std::unique_ptr<device::Device> device_;
    std::unique_ptr<device::Device> zero_key_device_;
    io::InterfaceSettings settings_;
    device::Outbox out_;
    Time now_{std::chrono::seconds(1)};
    Port next_port_ = 0;
    std::set<Port> open_ports_;
    std::map<Port, IpAddress> other_addresses_;  ///< ports not at the harness's first address
    std::map<Port, std::deque<Bytes>> queues_;
};

}  // namespace wg::conformance
