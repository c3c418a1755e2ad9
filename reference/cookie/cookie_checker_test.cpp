// SPDX-License-Identifier: MIT
// The responder's cookie machinery (§5.4.7) in isolation: mac2 against the
// cookie of the sender's address, the two-minute secret, the per-source rate
// limit and the "under load" rule.
#include <catch2/catch.hpp>

#include "cookie/cookie_checker.hpp"
#include "device/simulated_network.hpp"
#include "crypto/x25519.hpp"
#include "handshake/noise.hpp"

using namespace wg;
using namespace std::chrono_literals;

namespace {
const Endpoint kSource = *Endpoint::parse("192.0.2.1:51820");
const Endpoint kOtherSource = *Endpoint::parse("192.0.2.1:51821");  // same address, another port
}  // namespace

TEST_CASE("A cookie reply's cookie makes mac2 valid, for that source only", "[cookie]") {
    device::SeededRng rng(1);
    std::array<std::uint8_t, 32> random{};
    rng.fill(random);
    const auto responder = handshake::StaticIdentity::from_private_key(crypto::make_private_key(random));
    const auto keys = cookie::MacKeys::of(responder.public_key);
    cookie::CookieChecker checker(keys);

    Bytes message(148, 0x42);  // stands for an initiation: only its MACs matter here
    cookie::add_macs(message, keys.mac1_key, std::nullopt);
    CHECK(checker.mac1_is_valid(message));
    CHECK_FALSE(checker.mac2_is_valid(message, kSource, 0s));  // no cookie, no secret yet

    std::array<std::uint8_t, 64> reply{};
    checker.create_reply(message, 77, kSource, 1s, rng, reply);
    auto cookie = cookie::consume_cookie_reply(*wire::CookieReplyMessage::parse(reply), 77, keys.cookie_key,
                                               cookie::mac1_of(message));
    REQUIRE(cookie.ok());

    cookie::add_macs(message, keys.mac1_key, cookie.value());
    CHECK(checker.mac2_is_valid(message, kSource, 2s));
    CHECK_FALSE(checker.mac2_is_valid(message, kOtherSource, 2s));  // a cookie is bound to address and port
    CHECK_FALSE(checker.mac2_is_valid(message, kSource, 1s + wire::kCookieSecretMaxAge));  // the secret aged out
}

TEST_CASE("A held cookie is used for 115 s: the secret's 120 s less 5 s in flight, as the kernel does", "[cookie]") {
    cookie::PeerCookie jar;
    CHECK_FALSE(jar.for_mac2(0s));
    jar.store(crypto::Mac{9}, 10s);
    CHECK(jar.for_mac2(10s + 114s));
    CHECK_FALSE(jar.for_mac2(10s + 115s));
}

TEST_CASE("One message we sent earns at most one cookie reply", "[cookie]") {
    cookie::PeerCookie jar;
    CHECK_FALSE(jar.awaited_reply());  // nothing sent: no reply is expected
    jar.message_sent(crypto::Mac{1});
    jar.message_sent(crypto::Mac{2});  // a newer message: a reply must answer it
    REQUIRE(jar.awaited_reply());
    CHECK(*jar.awaited_reply() == crypto::Mac{2});
    jar.store(crypto::Mac{7}, 0s);
    CHECK_FALSE(jar.awaited_reply());  // a second reply to the same message is refused
}

TEST_CASE("Rate limiter: bursts of 5, then 20 per second, per source: IPv6 by /64", "[cookie]") {
    cookie::RateLimiter limiter;
    const IpAddress a = IpAddress::v4({198, 51, 100, 1}), b = IpAddress::v4({198, 51, 100, 2});
    int allowed = 0;
    for (int i = 0; i < 10; ++i) allowed += limiter.allow(a, 0s);
    CHECK(allowed == wire::kHandshakeBurst);
    CHECK(limiter.allow(b, 0s));  // another source has its own bucket
    CHECK_FALSE(limiter.allow(a, 10ms));
    CHECK(limiter.allow(a, 50ms));  // one packet's worth of time (1/20 s) later
    allowed = 0;
    for (int ms = 100; ms < 1100; ms += 10) allowed += limiter.allow(a, std::chrono::milliseconds(ms));
    CHECK(allowed == 20);  // a steady stream gets 20 a second

    const IpAddress v6a = *IpAddress::parse("2001:db8:1:2::1"), v6b = *IpAddress::parse("2001:db8:1:2::99");  // same /64
    for (int i = 0; i < 5; ++i) REQUIRE(limiter.allow(v6a, 5s));
    CHECK_FALSE(limiter.allow(v6b, 5s));
}

TEST_CASE("Under load after a burst of handshakes, and for one second after", "[cookie]") {
    cookie::LoadMeter meter(4);
    CHECK_FALSE(meter.record_handshake(0ms));
    CHECK_FALSE(meter.record_handshake(1ms));
    CHECK_FALSE(meter.record_handshake(2ms));
    CHECK(meter.record_handshake(3ms));  // the 4th within 1/8 s
    CHECK(meter.under_load(900ms));
    CHECK_FALSE(meter.under_load(1003ms));
    CHECK_FALSE(meter.record_handshake(2s));  // a lone handshake later: not load
}
