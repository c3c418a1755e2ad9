// SPDX-License-Identifier: MIT
// A worked example for the labs: two hosts on the simulated network, a ping
// every second for four minutes, then silence. Prints every protocol event
// with its time and the section of the paper it comes from, so a reader can
// watch §6's timers act: the first handshake, keepalives, the rekey after
// REKEY_AFTER_TIME, and finally the erasure of keys after 3 x REJECT_AFTER_TIME.
// Run: build/reference/wgref-timeline   (data packets themselves are not events)
#include <cstdio>

#include "device/simulated_network.hpp"

using namespace wg;
using namespace wg::device;
using namespace std::chrono_literals;

int main() {
    SimulatedNetwork net(42);
    net.add_host("a", 1);
    net.add_host("b", 2);
    net.connect("a", "b", {"203.0.113.2/32"}, {"203.0.113.1/32"});

    for (Time t = 0s; t < 240s; t += 1s) {
        net.send("a", make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, as_bytes("ping")));
        net.run_until(t + 1s);
    }
    net.run_until(900s);  // silence: watch the timers wind down

    std::vector<std::pair<std::string, Event>> merged;
    for (const char* name : {"a", "b"}) {
        for (const auto& e : net.host(name).events) merged.emplace_back(name, e);
    }
    std::stable_sort(merged.begin(), merged.end(), [](const auto& x, const auto& y) { return x.second.time < y.second.time; });
    std::printf("%10s  host  %-32s  paper\n", "time (s)", "event");
    for (const auto& [name, e] : merged) {
        std::string what(to_string(e.kind));
        if (e.kind == EventKind::dropped) what += std::string(" (") + std::string(to_string(e.reason)) + ")";
        std::printf("%10.3f  %-4s  %-32s  §%s\n", std::chrono::duration<double>(e.time).count(), name.c_str(),
                    what.c_str(), std::string(paper_section(e)).c_str());
    }
    std::printf("\na sent 240 packets; b's interface received %zu.\n", net.host("b").delivered.size());
    return 0;
}
