// SPDX-License-Identifier: MIT
// The command-line layer (see command_line.hpp).
#include "io/command_line.hpp"

#include <getopt.h>

#include <algorithm>
#include <string_view>

namespace wg::io {
namespace {

/// Levenshtein distance, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string hint_for(std::string_view given, std::span<const OptionSpec> specs) {
    std::string_view name = given.substr(given.find_first_not_of('-'));
    name = name.substr(0, name.find('='));
    const OptionSpec* best = nullptr;
    std::size_t best_distance = 3;  // further than two edits is no typo
    for (const auto& spec : specs) {
        const std::size_t d = distance(name, spec.name);
        if (d < best_distance) best = &spec, best_distance = d;
    }
    return best ? std::string(" (did you mean --") + best->name + "?)" : "";
}

}  // namespace

std::optional<CommandLine> parse_command_line(const std::string& program, int argc, char** argv, int first,
                                              std::span<const OptionSpec> specs, std::string& error) {
    // getopt_long wants a program name at [0] and permutes what follows, so
    // it works on a copy: positional arguments may come anywhere.
    std::vector<char*> args = {argv[0]};
    for (int i = first; i < argc; ++i) args.push_back(argv[i]);
    args.push_back(nullptr);
    std::string short_options = ":";  // ':' first: a missing value is reported as ':'
    std::vector<option> long_options;
    for (const auto& spec : specs) {
        const int has = spec.value == OptionSpec::Value::none       ? no_argument
                        : spec.value == OptionSpec::Value::required ? required_argument
                                                                     : optional_argument;
        long_options.push_back(option{spec.name, has, nullptr, spec.short_name ? spec.short_name : 0});
        if (spec.short_name) {
            short_options += spec.short_name;
            if (spec.value == OptionSpec::Value::required) short_options += ':';
            if (spec.value == OptionSpec::Value::optional) short_options += "::";
        }
    }
    long_options.push_back(option{nullptr, 0, nullptr, 0});

    CommandLine result;
    const std::string help = "; see " + program + " --help";
    opterr = 0;
    optind = 0;  // 0, not 1: makes glibc's getopt start afresh
    int index = -1;
    for (;;) {
        index = -1;
        const int c = getopt_long(static_cast<int>(args.size() - 1), args.data(), short_options.c_str(), long_options.data(), &index);
        if (c == -1) break;
        // The option as typed: the element before its value, when the value
        // came as the next element (--cases X); else the last one read.
        const char* given = args[static_cast<std::size_t>(optind - 1)];
        if (optarg && optind >= 2 && given == optarg) given = args[static_cast<std::size_t>(optind - 2)];
        if (c == '?') {
            // An unknown option, or a value given to a flag (--foreground=1).
            const std::string text = given ? given : "?";
            const auto equals = text.find('=');
            for (const auto& spec : specs) {
                if (equals != std::string::npos && text.substr(2, equals - 2) == spec.name) {
                    error = program + ": --" + spec.name + " takes no value" + help;
                    return std::nullopt;
                }
            }
            const std::string shown = optopt && text.rfind("--", 0) != 0 ? std::string("-") + static_cast<char>(optopt) : text;
            error = program + ": unknown option '" + shown + "'" + hint_for(shown, specs) + help;
            return std::nullopt;
        }
        if (c == ':') {
            error = program + ": " + (given ? given : "an option") + " needs a value" + help;
            return std::nullopt;
        }
        const OptionSpec* spec = nullptr;
        if (index >= 0) {
            spec = &specs[static_cast<std::size_t>(index)];
            // getopt_long takes any unambiguous prefix (--case for --cases);
            // we do not: a script written so would break the day an option
            // with the same prefix is added.
            const std::string text = given ? given : "";
            if (text.rfind("--", 0) == 0 && text.substr(2, text.find('=') - 2) != spec->name) {
                error = program + ": unknown option '" + text.substr(0, text.find('=')) + "' (did you mean --" + spec->name + "?)" + help;
                return std::nullopt;
            }
        } else {
            for (const auto& s : specs) {
                if (s.short_name == c) spec = &s;
            }
        }
        if (!spec) continue;
        result.options[spec->name].push_back(optarg ? optarg : "");
    }
    for (std::size_t i = static_cast<std::size_t>(optind); i + 1 < args.size(); ++i) result.positional.emplace_back(args[i]);
    return result;
}

std::optional<CommandLine> parse_command_line(const std::string& program, const std::vector<std::string>& words,
                                              std::span<const OptionSpec> specs, std::string& error) {
    std::vector<std::string> copy = words;
    std::string name = program;
    std::vector<char*> argv = {name.data()};
    for (auto& w : copy) argv.push_back(w.data());
    return parse_command_line(program, static_cast<int>(argv.size()), argv.data(), 1, specs, error);
}

const char* project_version() { return WGREF_VERSION; }

}  // namespace wg::io
