// SPDX-License-Identifier: MIT
// Names and paper sections of the refusals (see drop_reason.hpp).
#include "common/drop_reason.hpp"

#include <array>

namespace wg {

std::string_view to_string(DropReason reason) {
    static constexpr std::array<std::string_view, kDropReasonCount> kNames{
        "malformed",       "bad_mac1",     "decrypt_failed", "unknown_static_key", "timestamp_not_newer",
        "low_order_point", "handshake_flood", "rate_limited", "cookie_required",  "unknown_index",
        "replay",          "expired_session", "allowed_ips", "no_route",         "no_endpoint",
        "not_ip",          "queue_full",      "handshake_gave_up", "no_identity",      "unsolicited_cookie",
        "peer_removed"};
    return kNames[static_cast<std::size_t>(reason)];
}

std::string_view paper_section(DropReason reason) {
    switch (reason) {
        case DropReason::malformed: return "5.4";
        case DropReason::bad_mac1: return "5.4.4";
        case DropReason::unknown_static_key:
        case DropReason::handshake_flood: return "5.4.2";
        case DropReason::timestamp_not_newer: return "5.1";
        case DropReason::decrypt_failed:
        case DropReason::low_order_point: return "5.4";
        case DropReason::rate_limited:
        case DropReason::cookie_required:
        case DropReason::unsolicited_cookie: return "5.4.7";
        case DropReason::unknown_index:
        case DropReason::replay: return "5.4.6";
        case DropReason::expired_session: return "6.2";
        case DropReason::allowed_ips:
        case DropReason::no_route: return "3";
        case DropReason::handshake_gave_up: return "6.4";
        case DropReason::peer_removed:  // configuration, not a rule of the paper
        case DropReason::no_identity:
        case DropReason::no_endpoint:
        case DropReason::not_ip:
        case DropReason::queue_full: return "5.4";
    }
    return "5.4";
}

}  // namespace wg
