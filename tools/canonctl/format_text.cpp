#include "format_text.hpp"

#include <algorithm>
#include <cstdio>

namespace canon::ctl {

std::string scalar_text(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "-";
  if (value.is_array() && value.empty()) return "none";
  if (value.is_array() &&
      std::all_of(value.begin(), value.end(), [](const Json& v) { return v.is_primitive(); })) {
    std::string text;
    for (const Json& v : value) text += (text.empty() ? "" : ", ") + scalar_text(v);
    return text;
  }
  return value.dump();
}

std::string aligned(const KeyValues& pairs, std::string_view indent) {
  std::size_t width = 0;
  for (const auto& [key, value] : pairs) width = std::max(width, key.size() + 1);
  std::string text;
  for (const auto& [key, value] : pairs) {
    text += std::string(indent) + key + ":";
    text += std::string(width - key.size() + 1, ' ') + value + "\n";
  }
  return text;
}

std::string table(const Rows& rows, const std::vector<bool>& right, std::string_view indent) {
  std::vector<std::size_t> widths;
  for (const auto& row : rows) {
    widths.resize(std::max(widths.size(), row.size()), 0);
    for (std::size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string text;
  for (const auto& row : rows) {
    std::string line(indent);
    for (std::size_t c = 0; c < row.size(); ++c) {
      const std::string pad(widths[c] - row[c].size(), ' ');
      const bool is_right = c < right.size() && right[c];
      if (c > 0) line += "  ";
      line += is_right ? pad + row[c] : row[c] + (c + 1 < row.size() ? pad : "");
    }
    text += line + "\n";
  }
  return text;
}

std::string counted(std::uint64_t n, std::string_view noun) {
  return std::to_string(n) + " " + std::string(noun) + (n == 1 ? "" : "s");
}

std::string seconds(double s) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f s", s);
  return buf;
}

std::string duration(double s) {
  char buf[48];
  const auto whole = static_cast<unsigned long long>(s);
  if (s < 60)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (whole < 3600)
    std::snprintf(buf, sizeof buf, "%llum %02llus", whole / 60, whole % 60);
  else if (whole < 86400)
    std::snprintf(buf, sizeof buf, "%lluh %02llum", whole / 3600, whole % 3600 / 60);
  else
    std::snprintf(buf, sizeof buf, "%llud %02lluh", whole / 86400, whole % 86400 / 3600);
  return buf;
}

std::string words(std::string_view key) {
  std::string text(key);
  std::replace(text.begin(), text.end(), '_', ' ');
  return text;
}

}  // namespace canon::ctl
