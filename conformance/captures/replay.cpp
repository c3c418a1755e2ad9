// SPDX-License-Identifier: MIT
// `wgconform replay` (see replay.hpp).
#include "replay.hpp"

#include <algorithm>
#include <ostream>

#include "wire/messages.hpp"
#include "inspect.hpp"
#include "pcap_file.hpp"
#include "session_keys.hpp"

namespace wg::conformance::captures {
namespace {

using wire::MessageType;
namespace layout = wire;

/// One replayed message and what came back to its port.
struct Replayed {
    const CapturedDatagram* captured = nullptr;
    MessageType type{};
    Port port = 0;
    std::vector<Bytes> answers;
};

enum class Judgement { not_accepted, accepted, under_load, unknown };

struct Verdict {
    Judgement judgement;
    std::string text;
};

/// What the answers to one replayed message say (see the file comment of replay.hpp).
Verdict judge(const Replayed& r, const SessionTable& sessions) {
    if (r.answers.empty()) {
        if (r.type == MessageType::transport_data && sessions.empty()) {
            return {Judgement::unknown, "sent; no answer, and without keys delivery cannot be seen [§5.4.6]"};
        }
        return {Judgement::not_accepted, "ok: no answer"};
    }
    std::string text;
    bool accepted = false;
    for (const Bytes& answer : r.answers) {
        if (!text.empty()) text += "; ";
        const auto type = wire::classify(answer);
        if (type == MessageType::cookie_reply) {
            text += "cookie reply: the target is under load [§5.4.7], not evidence of acceptance";
            continue;
        }
        accepted = true;
        if (type == MessageType::response && r.type == MessageType::initiation &&
            answer.size() == layout::Response::kSize &&
            load_le32(layout::Response::receiver.in(answer).data()) ==
                load_le32(layout::Initiation::sender.in(r.captured->payload).data())) {
            text += "FAIL: the replayed initiation was answered with a handshake response (§5.1: its timestamp "
                    "is not newer than the one already accepted)";
            continue;
        }
        text += "FAIL: the target answered: " + describe_message(answer);
        if (type == MessageType::transport_data && !sessions.empty()) {
            const auto opened = sessions.open_data(answer);
            if (opened.inner) {
                text += opened.inner->empty() ? " = keepalive through the captured session"
                                              : " = " + describe_inner_packet(*opened.inner) +
                                                    " through the captured session (§5.4.6: replay window)";
            }
        }
    }
    if (accepted) return {Judgement::accepted, text};
    return {Judgement::under_load, text};
}

std::string_view type_name(MessageType type) {
    switch (type) {
    case MessageType::initiation: return "initiation";
    case MessageType::response: return "response";
    case MessageType::cookie_reply: return "cookie reply";
    case MessageType::transport_data: return "transport data";
    }
    return "message";
}

}  // namespace

int run_replay(const std::string& pcap, ProbeNetwork& network, const Endpoint& target_endpoint, std::ostream& out,
               const ReplayOptions& options) {
    const auto capture = read_capture(pcap);
    if (!capture) {
        out << "replay: " << capture.error() << "\n";
        return 2;
    }
    std::vector<KeyLogEntry> keys;
    if (options.keylog) {
        auto parsed = read_keylog(*options.keylog);
        if (!parsed) {
            out << "replay: " << parsed.error() << "\n";
            return 2;
        }
        keys = std::move(parsed.value());
    }
    // The key log opens the capture's handshakes, in capture order, so that
    // answers can be decrypted with the sessions they established.
    SessionTable sessions(std::move(keys));
    const Endpoint& target = target_endpoint;
    std::vector<Replayed> replayed;
    for (const CapturedDatagram& d : capture.value().datagrams) {
        (void)sessions.learn(d.payload);
        const bool to_target = options.destination_port ? d.destination.port == *options.destination_port
                                                        : d.destination == target;
        if (!to_target) continue;
        const auto type = wire::classify(d.payload);
        if (!type) continue;  // not WireGuard: nothing to replay
        replayed.push_back(Replayed{&d, *type, 0, {}});
    }
    if (replayed.empty()) {
        out << "replay: no WireGuard message in " << pcap << " was sent to "
            << (options.destination_port ? "port " + std::to_string(*options.destination_port) : target.to_string())
            << "; destinations in the capture:";
        std::vector<std::string> seen;
        for (const auto& d : capture.value().datagrams) seen.push_back(d.destination.to_string());
        std::sort(seen.begin(), seen.end());
        seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
        for (const auto& s : seen) out << " " << s;
        out << (seen.empty() ? " none\n" : "\n");
        return 2;
    }

    out << "Replaying " << replayed.size() << " messages from " << pcap << " to " << target_endpoint.to_string()
        << (sessions.empty() ? "" : " (key log: " + std::to_string(sessions.session_count()) + " sessions)") << "\n";
    // Send each from its own fresh port, in capture order: an answer at a
    // port can only be to the message sent from it (or, for data, to a later
    // one, if the target roamed on; both are acceptance).
    std::optional<Duration> last_initiation;
    for (Replayed& r : replayed) {
        if (r.type == MessageType::initiation && last_initiation) {
            const Duration since = network.now() - *last_initiation;
            if (since < options.initiation_spacing) network.sleep(options.initiation_spacing - since);
        }
        r.port = network.open_port();
        network.send(r.port, r.captured->payload);
        if (r.type == MessageType::initiation) last_initiation = network.now();
    }
    // One bounded wait for all: the first port gets the whole wait, the rest
    // only what is left, since their answers have had as long to arrive.
    const Duration deadline = network.now() + options.answer_wait;
    for (Replayed& r : replayed) {
        for (int answers = 0; answers < 16; ++answers) {
            const Duration left = std::max(Duration::zero(), deadline - network.now());
            auto answer = network.receive(r.port, left);
            if (!answer) break;
            r.answers.push_back(std::move(*answer));
        }
    }

    std::size_t accepted = 0, under_load = 0, unknown = 0;
    for (const Replayed& r : replayed) {
        const Verdict verdict = judge(r, sessions);
        accepted += verdict.judgement == Judgement::accepted;
        under_load += verdict.judgement == Judgement::under_load;
        unknown += verdict.judgement == Judgement::unknown;
        out << "#" << r.captured->frame << " " << type_name(r.type) << " (" << describe_message(r.captured->payload)
            << "): " << verdict.text << "\n";
    }
    out << "\n"
        << replayed.size() << " replayed: " << accepted << " accepted again, " << under_load
        << " answered with a cookie reply, " << unknown << " data messages unverifiable without keys\n";
    out << (accepted == 0 ? "PASS: no replayed message was accepted again\n"
                          : "FAIL: the target accepted replayed messages\n");
    return accepted == 0 ? 0 : 1;
}

int run_replay(const std::string& pcap, ProbeNetwork& network, const Endpoint& target_endpoint,
               std::ostream& out) {
    return run_replay(pcap, network, target_endpoint, out, ReplayOptions{});
}

}  // namespace wg::conformance::captures
