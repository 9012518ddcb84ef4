// Small text helpers for canonctl's readable output: aligned "key: value"
// lines, column tables, durations.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace canon::ctl {

// ordered_json keeps canond's key order (rcodes in code order, qtypes as
// canond lists them) instead of sorting keys alphabetically.
using Json = nlohmann::ordered_json;

using KeyValues = std::vector<std::pair<std::string, std::string>>;
using Rows = std::vector<std::vector<std::string>>;

// A string without quotes, a number or bool as written, null as "-", an
// array of scalars joined with ", " ("none" when empty), anything else as
// compact JSON.
[[nodiscard]] std::string scalar_text(const Json& value);

// "key:   value" lines with the values in one column.
[[nodiscard]] std::string aligned(const KeyValues& pairs, std::string_view indent = "");

// Columns padded to their widest cell; `right` says per column whether to
// right-align (numbers). The first row is usually the header.
[[nodiscard]] std::string table(const Rows& rows, const std::vector<bool>& right,
                                std::string_view indent = "");

// "1 zone", "2 zones".
[[nodiscard]] std::string counted(std::uint64_t n, std::string_view noun);

// "0.012 s" for timings; "12.5 s", "4m 03s", "2h 05m", "3d 04h" for uptime.
[[nodiscard]] std::string seconds(double s);
[[nodiscard]] std::string duration(double s);

// "send_errors" → "send errors".
[[nodiscard]] std::string words(std::string_view key);

}  // namespace canon::ctl
