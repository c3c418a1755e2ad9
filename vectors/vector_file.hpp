// Reads the known-answer files in vectors/: `name = hex` lines grouped into
// records by blank lines, `#` comments naming each file's origin. Kept tiny
// so a reader checking a test can read the parser in a minute.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/bytes.hpp"

namespace wg::vectors {

class Record {
public:
    bool has(const std::string& name) const { return fields_.count(name) != 0; }
    /// The field as bytes (hex-decoded); throws if missing or not hex.
    Bytes bytes(const std::string& name) const;
    /// The field as a decimal number; throws if missing or not a number.
    std::uint64_t number(const std::string& name) const;
    const std::string& text(const std::string& name) const;
    void set(const std::string& name, const std::string& value) { fields_[name] = value; }
    bool empty() const { return fields_.empty(); }

private:
    std::map<std::string, std::string> fields_;
};

/// Loads vectors/<file_name>; throws (failing the test) if it cannot.
std::vector<Record> load(const std::string& file_name);

}  // namespace wg::vectors
