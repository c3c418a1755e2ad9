// SPDX-License-Identifier: MIT
// "No allocation per packet on the data path": checked, not promised. This
// test program replaces the global operator new with a counting one, warms
// two Devices up (handshake, first packets: buffers, engines and tables are
// allocated then), and counts the heap allocations of the next 1,000 packets
// each way. The answer must be zero.
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdlib>
#include <new>
#include <thread>

#include "crypto/aead.hpp"
#include "crypto/x25519.hpp"
#include "device/simulated_network.hpp"
#include "io/worker_pool.hpp"

namespace {
std::atomic<std::size_t> allocations{0};
}  // namespace

void* operator new(std::size_t size) {
    ++allocations;
    if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
    throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

using namespace wg;
using namespace wg::device;

TEST_CASE("The data path allocates nothing once traffic flows", "[device][allocation]") {
    DevicePair pair(1);
    Device &a = pair.a, &b = pair.b;
    const Endpoint &ea = pair.a_endpoint, &eb = pair.b_endpoint;
    const Bytes to_b = make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, Bytes(1400, 1));
    const Bytes to_a = make_ipv4_packet({203, 0, 113, 2}, {203, 0, 113, 1}, Bytes(1400, 2));

    Outbox out_a, out_b;
    Time now{0};
    std::size_t delivered = 0;
    auto exchange = [&](int rounds) {
        for (int i = 0; i < rounds; ++i) {
            now += std::chrono::microseconds(100);
            a.send_packet(to_b, now, out_a);
            b.send_packet(to_a, now, out_b);
            // Each side's datagrams go to the other; what arrives is delivered.
            for (int hop = 0; hop < 4 && (!out_a.datagrams().empty() || !out_b.datagrams().empty()); ++hop) {
                Outbox* from[] = {&out_a, &out_b};
                for (int side = 0; side < 2; ++side) {
                    Device& receiver = side == 0 ? b : a;
                    Outbox& reply = side == 0 ? out_b : out_a;
                    static Outbox scratch;
                    scratch.clear();
                    for (auto& d : from[side]->datagrams()) receiver.receive_datagram(side == 0 ? ea : eb, d.bytes, now, scratch);
                    from[side]->clear();
                    delivered += scratch.to_interface().size();
                    for (auto& d : scratch.datagrams()) reply.add_datagram(d.to, d.bytes);
                }
            }
        }
    };
    exchange(20);  // the handshake, then warm buffers
    REQUIRE(a.has_sending_session(1, now));
    REQUIRE(b.has_sending_session(1, now));
    delivered = 0;
    const std::size_t before = allocations.load();
    exchange(1000);
    const std::size_t during = allocations.load() - before;
    CHECK(delivered == 2000);
    CHECK(during == 0);
}

TEST_CASE("Batches allocate nothing once traffic flows, crypto on two threads", "[device][allocation]") {
    io::WorkerPool pool(1);
    DeviceOptions options;
    options.parallel_for = pool.parallel_for();
    DevicePair pair(1, options);
    Device &a = pair.a, &b = pair.b;
    const Bytes packet = make_ipv4_packet({203, 0, 113, 1}, {203, 0, 113, 2}, Bytes(1400, 1));
    const std::vector<ByteView> batch(16, ByteView(packet));
    std::vector<ReceivedDatagram> arriving;
    arriving.reserve(64);
    Outbox to_b, to_a;
    Time now{0};
    std::size_t delivered = 0;
    const auto carry = [&](Outbox& from, Device& to, const Endpoint& source, Outbox& into) {
        arriving.clear();
        for (auto& d : from.datagrams()) arriving.push_back({source, d.bytes});
        to.receive_datagrams(arriving, now, into);
        from.clear();
    };
    const auto exchange = [&](int rounds) {
        for (int i = 0; i < rounds; ++i) {
            now += std::chrono::microseconds(100);
            a.send_packets(batch, now, to_b);
            carry(to_b, b, pair.a_endpoint, to_a);
            delivered += to_a.to_interface().size();
            carry(to_a, a, pair.b_endpoint, to_b);  // handshake answers, keepalives
            to_b.clear();
        }
    };
    exchange(20);
    REQUIRE(a.has_sending_session(1, now));
    // Each thread makes its ChaCha20-Poly1305 objects the first time it
    // seals (crypto/aead.cpp): make sure the helper has, before counting.
    pool.run(64, [](std::size_t) {
        std::array<std::uint8_t, 16> sealed{};
        crypto::aead_seal(crypto::SymmetricKey{}, 0, {}, {}, sealed);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    });
    delivered = 0;
    const std::size_t before = allocations.load();
    exchange(500);
    const std::size_t during = allocations.load() - before;
    CHECK(delivered == 500 * 16);
    CHECK(during == 0);
}
