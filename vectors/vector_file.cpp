// The known-answer file reader (see vector_file.hpp).
#include "vector_file.hpp"

#include <fstream>
#include <stdexcept>

namespace wg::vectors {

namespace {
std::string trim(const std::string& s) {
    const auto first = s.find_first_not_of(" \t\r");
    if (first == std::string::npos) return "";
    const auto last = s.find_last_not_of(" \t\r");
    return s.substr(first, last - first + 1);
}
}  // namespace

const std::string& Record::text(const std::string& name) const {
    const auto it = fields_.find(name);
    if (it == fields_.end()) throw std::runtime_error("vector record has no field '" + name + "'");
    return it->second;
}

Bytes Record::bytes(const std::string& name) const {
    Bytes out;
    if (!from_hex(text(name), out)) throw std::runtime_error("field '" + name + "' is not hex");
    return out;
}

std::uint64_t Record::number(const std::string& name) const {
    const std::string& t = text(name);
    if (t.empty() || t.find_first_not_of("0123456789") != std::string::npos) {
        throw std::runtime_error("field '" + name + "' is not a decimal number");
    }
    return std::stoull(t);
}

std::vector<Record> load(const std::string& file_name) {
    const std::string path = std::string(WGREF_VECTORS_DIR) + "/" + file_name;
    std::ifstream in(path);
    if (!in) throw std::runtime_error("cannot open " + path);
    std::vector<Record> records(1);
    std::string line;
    while (std::getline(in, line)) {
        line = trim(line);
        if (!line.empty() && line[0] == '#') continue;
        if (line.empty()) {
            if (!records.back().empty()) records.emplace_back();
            continue;
        }
        const auto eq = line.find('=');
        if (eq == std::string::npos) throw std::runtime_error(path + ": line without '=': " + line);
        records.back().set(trim(line.substr(0, eq)), trim(line.substr(eq + 1)));
    }
    if (records.back().empty()) records.pop_back();
    if (records.empty()) throw std::runtime_error(path + ": no records");
    return records;
}

}  // namespace wg::vectors
