// SPDX-License-Identifier: MIT
// Cases: cookies and mac2 (paper §5.4.7). A responder that is not under
// load answers initiations without asking for mac2. Under load it answers
// an initiation that lacks a valid mac2 with a cookie reply (and nothing
// else): the cookie is MAC(R_secret, source address and port), sealed with
// XChaCha20-Poly1305 under HASH("cookie--" || responder's public key) with
// the initiation's mac1 as associated data, so only the one who sent that
// initiation, from that address, can use it. A retry carrying mac2 made
// from the cookie is answered. An initiation with a bad mac1 gets nothing,
// loaded or not: mac1 is checked first.
//
// "Under load" is the target's own judgement: the kernel counts queued
// handshakes (512 of 4,096), wireguard-go 128 of 1,024, wgref an arrival
// rate. The harness drives it with bounded bursts of initiations that have
// a valid mac1 (from a key that is no peer, so they are cheap to refuse)
// and asks, after each burst, with a probe initiation of its own.
#include <array>

#include "case_support.hpp"
#include "cookie/macs.hpp"
#include "crypto/x25519.hpp"

namespace wg::conformance {
namespace {

using namespace std::chrono_literals;
using Kind = ProbePeer::Answer::Kind;

/// Burst sizes: growing, and bounded in count (about 20,000 datagrams).
constexpr std::array<int, 6> kBursts = {512, 1024, 2048, 4096, 6144, 6144};
constexpr int kProbeAttempts = 3;
constexpr Duration kProbePause = 100ms;
constexpr Duration kProbeWait = 300ms;

struct UnderLoad {
    ProbePeer::Initiation probe;
    ProbePeer::Answer answer;  ///< to the probe: a cookie reply if the target was loaded
    Port port = 0;
    int sent = 0;              ///< burst datagrams it took
};

/// Bursts until the probe gets a cookie reply or the bursts run out.
UnderLoad drive_under_load(CaseContext& c) {
    if (!c.load_port) c.load_port = c.network.open_port();
    std::array<std::uint8_t, crypto::kKeySize> random{};
    c.rng.fill(random);
    ProbePeer stranger(c.network, crypto::make_private_key(random), c.config.target, c.rng);
    const auto noise = stranger.initiate();
    UnderLoad result;
    result.port = c.network.open_port();
    for (int burst : kBursts) {
        for (int i = 0; i < burst; ++i) c.network.send(*c.load_port, noise.bytes);
        result.sent += burst;
        // A loaded target may drop what arrives while its queues are full
        // (a slow guest's NIC ring, the kernel's handshake queue), so the
        // probe asks up to three times: a little after the burst, while the
        // target still counts itself under load (it lingers for a second).
        for (int attempt = 0; attempt < kProbeAttempts; ++attempt) {
            c.network.sleep(kProbePause);
            result.probe = c.first.initiate();
            c.first.send_initiation(result.port, result.probe.bytes);
            result.answer = c.first.await_answer(result.port, result.probe, kProbeWait);
            if (result.answer.kind != Kind::silence) break;
        }
        c.last_load = c.network.now();
        if (result.answer.kind == Kind::cookie_reply) break;
    }
    return result;
}

std::string after(const UnderLoad& load) { return " after " + std::to_string(load.sent) + " initiations in bursts"; }

Outcome none_when_idle(CaseContext& c) {
    const auto initiation = c.first.initiate();
    const Port port = c.network.open_port();
    c.first.send_initiation(port, initiation.bytes);
    const auto answer = c.first.await_answer(port, initiation, c.config.answer_wait);
    if (answer.kind == Kind::cookie_reply) return fail("not under load (one initiation), yet a cookie reply came instead of a response");
    if (answer.kind != Kind::response) return skip("the initiation got " + describe(answer.kind));
    return pass("one initiation without mac2, target idle: a response, no cookie reply");
}

Outcome reply_under_load(CaseContext& c) {
    const auto load = drive_under_load(c);
    if (load.answer.kind != Kind::cookie_reply) {
        return fail("no cookie reply to an initiation without mac2" + after(load) + " (last answer: " + describe(load.answer.kind) + ")");
    }
    // Under load the answer is the cookie reply and nothing else.
    const auto more = c.first.await_answer(load.port, load.probe, c.config.silence_wait);
    if (more.kind == Kind::response) return fail("under load, an initiation without mac2 got a cookie reply and also a response");
    return pass("cookie reply (64 bytes) to the probe, no response" + after(load));
}

Outcome cookie_decrypts(CaseContext& c) {
    const auto load = drive_under_load(c);
    if (load.answer.kind != Kind::cookie_reply) return skip("no cookie reply came" + after(load) + " (see cookie.reply_under_load)");
    if (!load.answer.cookie) return fail(load.answer.detail + " with HASH(\"cookie--\" || target's public key) and our mac1 as associated data");
    return pass("the cookie decrypts with XChaCha20-Poly1305, key HASH(\"cookie--\" || target's public key), our mac1 as AD");
}

Outcome mac2_retry(CaseContext& c) {
    const auto load = drive_under_load(c);
    if (!load.answer.cookie) return skip("no usable cookie reply came" + after(load));
    const auto retry = c.first.initiate(load.answer.cookie);
    c.first.send_initiation(load.port, retry.bytes);
    const auto answer = c.first.await_answer(load.port, retry, 3 * c.config.answer_wait);
    if (answer.kind == Kind::cookie_reply) return fail("the retry with mac2 from the cookie got another cookie reply");
    if (answer.kind != Kind::response) return fail("the retry with mac2 from the cookie got " + describe(answer.kind));
    return pass("under load, the retry with mac2 = MAC(cookie, msg) got a response");
}

Outcome bad_mac1_under_load(CaseContext& c) {
    const auto load = drive_under_load(c);
    if (load.answer.kind != Kind::cookie_reply) return skip("the target could not be seen under load" + after(load));
    auto bad = c.first.initiate();
    auto bytes = bad.bytes;
    bytes[wire::Initiation::mac1.offset + 3] ^= 0x10;
    c.first.send_initiation(load.port, bytes);
    const auto answer = c.first.await_answer(load.port, bad, c.config.silence_wait);
    if (answer.kind != Kind::silence) return fail("under load, an initiation with a bad mac1 got " + describe(answer.kind));
    return pass("under load (a cookie reply came just before), a bad mac1 got nothing");
}

const CaseDefinition kCases[] = {
    {"cookie.none_when_idle", "5.4.7", "not under load, no cookie reply is sent", false, none_when_idle},
    {"cookie.reply_under_load", "5.4.7", "under load, an initiation without mac2 gets a cookie reply and no response", false, reply_under_load},
    {"cookie.decrypts", "5.4.7", "the cookie decrypts with the key derived from the target's public key", false, cookie_decrypts},
    {"cookie.mac2_retry", "5.4.7", "under load, a retry with mac2 from the cookie gets a response", false, mac2_retry},
    {"cookie.bad_mac1_under_load", "5.4.4", "under load, an invalid mac1 gets nothing", false, bad_mac1_under_load},
};

}  // namespace

std::span<const CaseDefinition> cookie_cases() { return kCases; }

}  // namespace wg::conformance
