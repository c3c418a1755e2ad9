// SPDX-License-Identifier: MIT
// The three report formats (see report.hpp). Text is escaped for its format;
// evidence lines are written by us, but a target's name comes from the user.
#include "report.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <iomanip>
#include <ostream>

#include "io/command_line.hpp"

namespace wg::conformance {
namespace {

double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

std::string xml_escaped(std::string_view text) {
    std::string out;
    for (char ch : text) {
        switch (ch) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&apos;"; break;
            default: out += ch;
        }
    }
    return out;
}

std::string json_string(std::string_view text) {
    std::string out = "\"";
    for (unsigned char ch : text) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
            out += static_cast<char>(ch);
        } else if (ch < 0x20) {
            char escaped[8];
            std::snprintf(escaped, sizeof escaped, "\\u%04x", ch);
            out += escaped;
        } else {
            out += static_cast<char>(ch);
        }
    }
    return out + "\"";
}

/// Now, as ISO 8601 UTC (JUnit's timestamp; JSON's too).
std::string timestamp() {
    char text[32];
    const std::time_t now = std::time(nullptr);
    std::tm utc{};
    gmtime_r(&now, &utc);
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

std::size_t count(std::span<const CaseResult> results, Verdict verdict) {
    return static_cast<std::size_t>(std::count_if(results.begin(), results.end(), [&](auto& r) { return r.verdict == verdict; }));
}

}  // namespace

void write_table(std::ostream& out, std::span<const CaseResult> results, const std::string& target) {
    std::size_t width = 4;
    for (const auto& r : results) width = std::max(width, r.id.size());
    out << "wgconform: " << target << "\n";
    out << std::left << std::setw(static_cast<int>(width)) << "case" << "  " << std::setw(7) << "paper §" << "  verdict  evidence\n";
    for (const auto& r : results) {
        out << std::left << std::setw(static_cast<int>(width)) << r.id << "  " << std::setw(7) << r.section
            << "  " << std::setw(7) << to_string(r.verdict) << "  " << r.evidence << "\n";
    }
    out << count(results, Verdict::pass) << " passed, " << count(results, Verdict::fail) << " failed, "
        << count(results, Verdict::skip) << " skipped";
    if (const auto d = count(results, Verdict::diverges)) out << ", " << d << " where the kernel and wireguard-go differ: as wireguard-go";
    if (const auto e = count(results, Verdict::error)) out << ", " << e << " harness errors (nothing judged there)";
    out << "\n";
}

void write_junit(std::ostream& out, std::span<const CaseResult> results, const std::string& target) {
    Duration total{};
    for (const auto& r : results) total += r.took;
    out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    out << "<testsuite name=\"wgconform " << xml_escaped(target) << "\" tests=\"" << results.size() << "\" failures=\""
        << count(results, Verdict::fail) << "\" errors=\"" << count(results, Verdict::error) << "\" skipped=\""
        << count(results, Verdict::skip) << "\" time=\"" << seconds(total) << "\" timestamp=\"" << timestamp() << "\">\n";
    out << "  <properties><property name=\"tool\" value=\"wgconform " << xml_escaped(io::project_version())
        << "\"/><property name=\"target\" value=\"" << xml_escaped(target) << "\"/></properties>\n";
    for (const auto& r : results) {
        // The name is the case id alone, stable from release to release; the
        // paper section is a property.
        out << "  <testcase classname=\"wgconform." << xml_escaped(r.id.substr(0, r.id.find('.'))) << "\" name=\""
            << xml_escaped(r.id) << "\" time=\"" << seconds(r.took) << "\"><properties><property name=\"section\" value=\""
            << xml_escaped(r.section) << "\"/></properties>";
        if (r.verdict == Verdict::fail) out << "<failure message=\"" << xml_escaped(r.evidence) << "\"/>";
        if (r.verdict == Verdict::error) out << "<error message=\"" << xml_escaped(r.evidence) << "\"/>";
        if (r.verdict == Verdict::skip) out << "<skipped message=\"" << xml_escaped(r.evidence) << "\"/>";
        if (r.verdict == Verdict::pass) out << "<system-out>" << xml_escaped(r.evidence) << "</system-out>";
        if (r.verdict == Verdict::diverges) out << "<system-out>DIVERGES: " << xml_escaped(r.evidence) << "</system-out>";
        out << "</testcase>\n";
    }
    out << "</testsuite>\n";
}

void write_json(std::ostream& out, std::span<const CaseResult> results, const std::string& target) {
    out << "{\"tool\": \"wgconform\", \"version\": " << json_string(io::project_version()) << ", \"timestamp\": "
        << json_string(timestamp()) << ", \"target\": " << json_string(target) << ", \"passed\": " << count(results, Verdict::pass)
        << ", \"failed\": " << count(results, Verdict::fail) << ", \"skipped\": " << count(results, Verdict::skip)
        << ", \"diverges\": " << count(results, Verdict::diverges) << ", \"errors\": " << count(results, Verdict::error)
        << ", \"cases\": [";
    for (std::size_t i = 0; i < results.size(); ++i) {
        const auto& r = results[i];
        out << (i ? ",\n  " : "\n  ") << "{\"id\": " << json_string(r.id) << ", \"section\": " << json_string(r.section)
            << ", \"title\": " << json_string(r.title) << ", \"verdict\": " << json_string(to_string(r.verdict))
            << ", \"evidence\": " << json_string(r.evidence) << ", \"seconds\": " << seconds(r.took) << "}";
    }
    out << "\n]}\n";
}

}  // namespace wg::conformance
