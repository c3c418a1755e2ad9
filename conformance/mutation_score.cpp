// SPDX-License-Identifier: MIT
// The mutation score (see mutation_score.hpp).
#include "mutation_score.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "crypto/random.hpp"
#include "device/simulated_network.hpp"
#include "io/command_line.hpp"
#include "loopback_target.hpp"
#include "suite.hpp"

extern char** environ;

namespace wg::conformance {
namespace {

namespace fs = std::filesystem;

struct Mutant {
    std::string name, section, flaw;
    std::vector<std::string> caught_by;  ///< what its author says should catch it
    bool real = false;
    std::set<std::string> failed;        ///< what did (FAIL or DIVERGES)
    std::string problem;                 ///< the mutant did not run properly
};

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

std::vector<Mutant> read_manifest(const fs::path& file) {
    std::ifstream in(file);
    std::vector<Mutant> mutants;
    for (std::string line; std::getline(in, line);) {
        const auto colon = line.find(": ");
        if (colon == std::string::npos) continue;
        const std::string key = line.substr(0, colon), value = line.substr(colon + 2);
        if (key == "Mutant") mutants.push_back(Mutant{value, {}, {}, {}, false, {}, {}});
        if (mutants.empty()) continue;
        if (key == "Section") mutants.back().section = value;
        if (key == "Flaw") mutants.back().flaw = value;
        if (key == "Caught-by") mutants.back().caught_by = words(value);
        if (key == "Real") mutants.back().real = value == "yes";
    }
    return mutants;
}

/// The cases a --json report marks FAIL or DIVERGES.
std::set<std::string> caught_in(const fs::path& json) {
    std::ifstream in(json);
    std::set<std::string> out;
    static const std::regex row(R"re(\{"id": "([^"]+)".*"verdict": "([A-Z]+)")re");
    for (std::string line; std::getline(in, line);) {
        std::smatch m;
        if (std::regex_search(line, m, row) && (m[2] == "FAIL" || m[2] == "DIVERGES")) out.insert(m[1]);
    }
    return out;
}

/// Runs `argv` with `env` added, output to `log`; its exit status, or -1
/// when it was killed after `limit` (or did not start).
int run(const std::vector<std::string>& argv, const std::vector<std::string>& env, const fs::path& log,
        std::chrono::seconds limit) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::vector<char*> args, environment;
    std::vector<std::string> own = argv, own_env = env;
    for (auto& a : own) args.push_back(a.data());
    args.push_back(nullptr);
    for (char** e = environ; *e; ++e) environment.push_back(*e);
    for (auto& e : own_env) environment.push_back(e.data());
    environment.push_back(nullptr);
    pid_t pid = 0;
    const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environment.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) return -1;
    const auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
        int status = 0;
        const pid_t done = waitpid(pid, &status, WNOHANG);
        if (done == pid) return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        if (std::chrono::steady_clock::now() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

struct Options {
    fs::path dir;
    bool require_every_case = false;
    bool require_exclusive = false;
    bool real = false;
    unsigned jobs = std::max(1u, std::thread::hardware_concurrency());
    std::string only;  ///< a glob of mutant names
};

/// Every mutant through the in-process target, `jobs` at a time.
void run_loopback(std::vector<Mutant>& mutants, const Options& options, const fs::path& work) {
    std::size_t next = 0;
    std::vector<std::thread> workers;
    std::mutex lock;
    for (unsigned j = 0; j < options.jobs; ++j) {
        workers.emplace_back([&] {
            for (;;) {
                Mutant* m = nullptr;
                {
                    std::lock_guard<std::mutex> guard(lock);
                    if (next == mutants.size()) return;
                    m = &mutants[next++];
                }
                const fs::path json = work / (m->name + ".json"), log = work / (m->name + ".log");
                const int status = run({(options.dir / ("wgconform-mutant-" + m->name)).string(), "--spawn", "loopback",
                                        "--slow", "--json", json.string()},
                                       {}, log, std::chrono::seconds(240));
                if (status != 0 && status != 1) {
                    m->problem = "exit " + std::to_string(status) + " (log: " + log.string() + ")";
                    continue;
                }
                m->failed = caught_in(json);
            }
        });
    }
    for (auto& w : workers) w.join();
}

bool glob(std::string_view text, std::string_view pattern) { return case_matches(text, pattern); }

}  // namespace

int run_mutants_command(const std::vector<std::string>& args) {
    Options options;
    using Value = io::OptionSpec::Value;
    static constexpr io::OptionSpec kSpecs[] = {
        {"dir", 0, Value::required},  {"require-every-case", 0, Value::none}, {"require-exclusive", 0, Value::none},
        {"real", 0, Value::none},     {"only", 0, Value::required},           {"jobs", 0, Value::required},
    };
    std::string error;
    const auto command_line = io::parse_command_line("wgconform mutants", std::vector<std::string>(args.begin() + 1, args.end()), kSpecs, error);
    if (!command_line || !command_line->positional.empty()) {
        std::cerr << (command_line ? "wgconform mutants: unexpected argument '" + command_line->positional.front() + "'" : error) << "\n"
                  << "usage: wgconform mutants --dir BUILD/conformance/mutants [--require-every-case] [--require-exclusive] "
                     "[--real] [--only GLOB] [--jobs N]\n";
        return 2;
    }
    if (command_line->has("dir")) options.dir = command_line->value("dir");
    options.require_every_case = command_line->has("require-every-case");
    options.require_exclusive = command_line->has("require-exclusive");
    options.real = command_line->has("real");
    if (command_line->has("only")) options.only = command_line->value("only");
    if (command_line->has("jobs")) {
        const std::string& jobs = command_line->value("jobs");
        if (jobs.empty() || jobs.size() > 3 || jobs.find_first_not_of("0123456789") != std::string::npos || std::stoul(jobs) == 0) {
            std::cerr << "wgconform mutants: --jobs: expected 1..999\n";
            return 2;
        }
        options.jobs = static_cast<unsigned>(std::stoul(jobs));
    }
    if (options.dir.empty()) {
        std::cerr << "wgconform mutants: --dir is required (the build's conformance/mutants, built with -DWGREF_MUTANTS=ON)\n";
        return 2;
    }
    auto mutants = read_manifest(options.dir / "mutants.txt");
    if (!options.only.empty()) std::erase_if(mutants, [&](const Mutant& m) { return !glob(m.name, options.only); });
    if (mutants.empty()) {
        std::cerr << "wgconform mutants: no mutants in " << (options.dir / "mutants.txt") << "\n";
        return 2;
    }
    const fs::path work = fs::temp_directory_path() / ("wgconform-mutants-" + std::to_string(getpid()));
    fs::create_directories(work);

    if (options.real) {
        // The sample marked "Real: yes": wgref processes with the flaw, in
        // namespaces, checked by this wgconform (unbroken) with the cases
        // the patch names.
        const fs::path self = fs::read_symlink("/proc/self/exe");
        int status = 0, ran = 0;
        for (const Mutant& m : mutants) {
            if (!m.real) continue;
            std::string cases;
            for (const auto& c : m.caught_by) cases += (cases.empty() ? "" : ",") + c;
            const fs::path log = work / (m.name + ".real.log"), json = work / (m.name + ".real.json");
            const int rc = run({self.string(), "--spawn", "wgref", "--cases", cases, "--json", json.string()},
                               {"WGREF=" + (options.dir / ("wgref-mutant-" + m.name)).string()}, log, std::chrono::seconds(900));
            if (rc == 77) {
                std::cout << "SKIP    " << m.name << ": the wgref target cannot be had here (see " << log.string() << ")\n";
                continue;
            }
            ++ran;
            const bool caught = (rc == 0 || rc == 1) && !caught_in(json).empty();
            std::cout << (caught ? "caught  " : "MISSED  ") << m.name << " (real wgref process; cases " << cases << ")\n";
            if (!caught) {
                status = 1;
                std::ifstream in(log);
                std::cout << in.rdbuf();
            }
        }
        fs::remove_all(work);
        if (ran == 0) return 77;
        return status;
    }

    run_loopback(mutants, options, work);

    // The report: each mutant and what caught it.
    std::map<std::string, std::vector<std::string>> exclusive;  // case -> mutants only it catches
    std::size_t caught = 0;
    int status = 0;
    std::size_t width = 6;
    for (const auto& m : mutants) width = std::max(width, m.name.size());
    std::cout << std::left << std::setw(static_cast<int>(width)) << "mutant" << "  " << std::setw(6) << "paper" << "  caught by\n";
    for (const auto& m : mutants) {
        std::string by;
        for (const auto& c : m.failed) by += (by.empty() ? "" : " ") + c;
        std::cout << std::left << std::setw(static_cast<int>(width)) << m.name << "  " << std::setw(6) << m.section << "  "
                  << (m.problem.empty() ? (by.empty() ? "NOTHING: " + m.flaw : by) : "DID NOT RUN: " + m.problem) << "\n";
        if (!m.failed.empty()) ++caught;
        if (m.failed.size() == 1) exclusive[*m.failed.begin()].push_back(m.name);
        for (const auto& expected : m.caught_by) {
            if (!m.failed.contains(expected)) {
                std::cout << "  " << m.name << ": its patch says " << expected << " catches it, and it did not\n";
                status = 1;
            }
        }
        if (m.failed.empty()) status = 1;
    }
    std::cout << "mutation score: " << caught << "/" << mutants.size() << " mutants caught ("
              << (100 * caught / mutants.size()) << "%)\n";
    // Every case must be able to fail: some mutant it catches. A case that
    // is the only one to catch some mutant is counted too (for information:
    // a case like transport.delivered fails with every broken data path).
    std::set<std::string> caught_somewhere;
    for (const auto& m : mutants) caught_somewhere.insert(m.failed.begin(), m.failed.end());
    std::vector<std::string> never;
    for (const auto& definition : catalogue()) {
        if (!caught_somewhere.contains(std::string(definition.id))) never.emplace_back(definition.id);
    }
    std::cout << "cases seen to fail: " << catalogue().size() - never.size() << "/" << catalogue().size();
    if (!never.empty()) {
        std::cout << "; never:";
        for (const auto& id : never) std::cout << " " << id;
    }
    std::cout << "\ncases that alone catch some mutant: " << exclusive.size() << "/" << catalogue().size() << "\n";
    if (options.require_exclusive && options.only.empty()) {
        // The cases that may lack an exclusive mutant, each with its reason.
        std::map<std::string, std::string> shared;
        std::ifstream in(options.dir / "shared_cases.txt");
        for (std::string line; std::getline(in, line);) {
            const auto colon = line.find(": ");
            if (line.empty() || line[0] == '#' || colon == std::string::npos) continue;
            shared[line.substr(0, colon)] = line.substr(colon + 2);
        }
        for (const auto& definition : catalogue()) {
            const std::string id(definition.id);
            if (!exclusive.contains(id) && !shared.contains(id)) {
                std::cout << "  " << id << ": no mutant that only it catches (write one, or say in shared_cases.txt why none can exist)\n";
                status = 1;
            }
            if (exclusive.contains(id) && shared.contains(id)) {
                std::cout << "  " << id << ": alone catches " << exclusive.at(id).front() << ": remove it from shared_cases.txt\n";
                status = 1;
            }
        }
    }
    if (options.require_every_case && !options.only.empty()) {
        std::cout << "(--only: whether every case fails somewhere is not judged on a subset)\n";
    } else if (options.require_every_case && !never.empty()) {
        status = 1;
    }
    if (status == 0) fs::remove_all(work);
    return status;
}

}  // namespace wg::conformance
