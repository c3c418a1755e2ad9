// SPDX-License-Identifier: MIT
// A value or the reason there is none.
//
// The packet path never throws: every function that judges untrusted bytes
// returns a Result, so a caller must look at the reason before it can touch
// the value. (C++23's std::expected does this; we target C++20 with GCC 12.)
#pragma once

#include <utility>
#include <variant>

namespace wg {

template <typename Value, typename Error>
class [[nodiscard]] Result {
public:
    Result(Value value) : state_(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : state_(std::in_place_index<1>, error) {}

    bool ok() const { return state_.index() == 0; }
    explicit operator bool() const { return ok(); }

    Value& value() & { return std::get<0>(state_); }
    const Value& value() const& { return std::get<0>(state_); }
    Value&& value() && { return std::get<0>(std::move(state_)); }
    Error error() const { return std::get<1>(state_); }

private:
    std::variant<Value, Error> state_;
};

}  // namespace wg
