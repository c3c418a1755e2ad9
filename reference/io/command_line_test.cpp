// SPDX-License-Identifier: MIT
// The command-line layer: both spellings of a value, and every mistake
// refused with one line that says what to do.
#include <catch2/catch.hpp>

#include "io/command_line.hpp"

using wg::io::OptionSpec;

namespace {

const OptionSpec kSpecs[] = {
    {"foreground", 'f', OptionSpec::Value::none},
    {"config", 0, OptionSpec::Value::required},
    {"cases", 0, OptionSpec::Value::required},
    {"trace", 0, OptionSpec::Value::optional},
};

std::optional<wg::io::CommandLine> parse(std::vector<std::string> words, std::string& error) {
    words.insert(words.begin(), "prog");
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    return wg::io::parse_command_line("prog", static_cast<int>(argv.size()), argv.data(), 1, kSpecs, error);
}

}  // namespace

TEST_CASE("Values come as --opt value or --opt=value: positional arguments anywhere", "[command_line]") {
    std::string error;
    auto line = parse({"--config", "a.conf", "wg0", "--cases=transport.*", "-f", "--trace=json"}, error);
    REQUIRE(line);
    CHECK(line->value("config") == "a.conf");
    CHECK(line->value("cases") == "transport.*");
    CHECK(line->has("foreground"));
    CHECK(line->value("trace") == "json");
    CHECK(line->positional == std::vector<std::string>{"wg0"});
    line = parse({"--trace", "wg1"}, error);
    REQUIRE(line);
    CHECK(line->value("trace").empty());  // an optional value must be attached with '='
    CHECK(line->positional == std::vector<std::string>{"wg1"});
}

TEST_CASE("A mistyped option is refused with the nearest one as a hint", "[command_line]") {
    std::string error;
    CHECK_FALSE(parse({"--case", "transport.*"}, error));
    CHECK(error == "prog: unknown option '--case' (did you mean --cases?); see prog --help");
    CHECK_FALSE(parse({"--jsn", "out.json"}, error));
    CHECK(error == "prog: unknown option '--jsn'; see prog --help");
    CHECK_FALSE(parse({"-x"}, error));
    CHECK(error == "prog: unknown option '-x'; see prog --help");
}

TEST_CASE("A missing value, or a value given to a flag, is refused", "[command_line]") {
    std::string error;
    CHECK_FALSE(parse({"wg0", "--config"}, error));
    CHECK(error == "prog: --config needs a value; see prog --help");
    CHECK_FALSE(parse({"--foreground=yes"}, error));
    CHECK(error == "prog: --foreground takes no value; see prog --help");
}
