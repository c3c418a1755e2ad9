// SPDX-License-Identifier: MIT
// One small layer over getopt_long for both programs' command lines, so they
// refuse what they cannot honour in the same words: an unknown option (with
// the nearest known one as a hint), a missing value, a value given to a flag.
// Both `--opt value` and `--opt=value` work, as in every GNU tool. Nothing
// here knows WireGuard.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace wg::io {

struct OptionSpec {
    enum class Value { none, required, optional };
    const char* name;         ///< the long name, without "--"
    char short_name = 0;      ///< 0: none
    Value value = Value::none;
};

struct CommandLine {
    std::map<std::string, std::vector<std::string>> options;  ///< every value, in order ("" for a flag)
    std::vector<std::string> positional;

    bool has(const std::string& name) const { return options.contains(name); }
    /// The last value given for `name` (a later one wins, as in getopt tools).
    const std::string& value(const std::string& name) const { return options.at(name).back(); }
    std::optional<std::string> value_or_none(const std::string& name) const {
        if (!has(name)) return std::nullopt;
        return value(name);
    }
};

/// Parses argv[first..argc) against `specs`. On a mistake, nullopt and
/// `error` holds one line: "PROGRAM: unknown option '--case' (did you mean
/// --cases?); see PROGRAM --help". Exit status 2 is the caller's to give.
std::optional<CommandLine> parse_command_line(const std::string& program, int argc, char** argv, int first,
                                              std::span<const OptionSpec> specs, std::string& error);

/// The same, for words already split off a command line (`words[0]` is the
/// first argument after the program's name and any subcommand).
std::optional<CommandLine> parse_command_line(const std::string& program, const std::vector<std::string>& words,
                                              std::span<const OptionSpec> specs, std::string& error);

/// The version both programs print for --version (from CMake's project()).
const char* project_version();

}  // namespace wg::io
