#include "zones/generate.hpp"

#include <cctype>
#include <charconv>
#include <cstdint>

namespace canon::zones {

namespace {

std::string_view next_token(std::string_view& rest) {
  std::size_t start = rest.find_first_not_of(" \t");
  if (start == std::string_view::npos) {
    rest = {};
    return {};
  }
  std::size_t end = rest.find_first_of(" \t", start);
  if (end == std::string_view::npos) end = rest.size();
  std::string_view token = rest.substr(start, end - start);
  rest = rest.substr(end);
  return token;
}

bool parse_number(std::string_view text, std::int64_t& value) {
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && ptr == text.data() + text.size();
}

struct Range {
  std::int64_t start = 0, stop = 0, step = 1;
};

bool parse_range(std::string_view text, Range& range, std::string& error) {
  const auto dash = text.find('-');
  const auto slash = text.find('/');
  if (dash == std::string_view::npos) {
    error = "$GENERATE range must be START-STOP[/STEP], got '" + std::string(text) + "'";
    return false;
  }
  const std::string_view stop_text =
      text.substr(dash + 1, slash == std::string_view::npos ? std::string_view::npos : slash - dash - 1);
  if (!parse_number(text.substr(0, dash), range.start) || !parse_number(stop_text, range.stop) ||
      (slash != std::string_view::npos && !parse_number(text.substr(slash + 1), range.step))) {
    error = "$GENERATE range '" + std::string(text) + "' is not numeric";
    return false;
  }
  if (range.start < 0 || range.stop < range.start || range.step < 1) {
    error = "$GENERATE range '" + std::string(text) + "' must have 0 <= START <= STOP and STEP >= 1";
    return false;
  }
  if ((range.stop - range.start) / range.step + 1 > static_cast<std::int64_t>(kMaxGeneratedRecords)) {
    error = "$GENERATE range '" + std::string(text) + "' makes more than " +
            std::to_string(kMaxGeneratedRecords) + " records";
    return false;
  }
  return true;
}

void format_value(std::int64_t value, int width, char base, std::string& out) {
  char buf[32];
  const int radix = base == 'o' ? 8 : (base == 'x' || base == 'X') ? 16 : 10;
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, value, radix);
  std::string_view digits(buf, static_cast<std::size_t>(ptr - buf));
  for (int pad = width - static_cast<int>(digits.size()); pad > 0; --pad) out.push_back('0');
  for (char c : digits) out.push_back(base == 'X' ? static_cast<char>(std::toupper(c)) : c);
}

// Substitutes the iterator into one template. Returns false on a bad modifier.
bool substitute(std::string_view tmpl, std::int64_t value, std::string& out, std::string& error) {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    if (c == '\\' && i + 1 < tmpl.size() && tmpl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (c != '$') {
      out.push_back(c);
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '$') {
      out.push_back('$');
      ++i;
      continue;
    }
    if (i + 1 < tmpl.size() && tmpl[i + 1] == '{') {
      const auto close = tmpl.find('}', i + 2);
      if (close == std::string_view::npos) {
        error = "$GENERATE modifier '" + std::string(tmpl.substr(i)) + "' has no closing brace";
        return false;
      }
      std::string_view mod = tmpl.substr(i + 2, close - i - 2);
      std::int64_t offset = 0, width = 0;
      char base = 'd';
      std::string_view parts[3];
      int count = 0;
      while (count < 3) {
        const auto comma = mod.find(',');
        parts[count++] = mod.substr(0, comma);
        if (comma == std::string_view::npos) break;
        mod = mod.substr(comma + 1);
      }
      const bool ok = parse_number(parts[0], offset) &&
                      (count < 2 || parse_number(parts[1], width)) &&
                      (count < 3 || (parts[2].size() == 1 &&
                                     std::string_view("doxX").find(parts[2][0]) != std::string_view::npos));
      if (!ok || width < 0 || width > 64) {
        error = "$GENERATE modifier '${" + std::string(tmpl.substr(i + 2, close - i - 2)) +
                "}' must be ${offset[,width[,base]]} with base d, o, x or X";
        return false;
      }
      if (count == 3) base = parts[2][0];
      format_value(value + offset, static_cast<int>(width), base, out);
      i = close;
      continue;
    }
    format_value(value, 0, 'd', out);
  }
  return true;
}

}  // namespace

std::string_view strip_comment(std::string_view line) noexcept {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\') {
      ++i;  // an escaped character is never a quote or a comment
    } else if (c == '"') {
      quoted = !quoted;
    } else if (c == ';' && !quoted) {
      return line.substr(0, i);
    }
  }
  return line;
}

bool expand_generate(std::string_view args, const std::function<void(std::string_view)>& emit,
                     std::string& error) {
  std::string_view rest = args;
  const std::string_view range_text = next_token(rest);
  const std::string_view lhs = next_token(rest);
  const auto body_start = rest.find_first_not_of(" \t");
  if (range_text.empty() || lhs.empty() || body_start == std::string_view::npos) {
    error = "$GENERATE needs RANGE LHS [TTL] [CLASS] TYPE RHS";
    return false;
  }
  const std::string_view body = strip_comment(rest.substr(body_start));
  Range range;
  if (!parse_range(range_text, range, error)) return false;
  std::string line;
  // Counted, not compared against STOP: START + k*STEP never passes STOP, so
  // nothing overflows even at the top of the integers.
  const std::int64_t count = (range.stop - range.start) / range.step + 1;
  for (std::int64_t k = 0; k < count; ++k) {
    const std::int64_t value = range.start + k * range.step;
    line.clear();
    if (!substitute(lhs, value, line, error)) return false;
    line.push_back(' ');
    if (!substitute(body, value, line, error)) return false;
    line.push_back('\n');
    emit(line);
  }
  return true;
}

}  // namespace canon::zones
