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

// BIND's iterator is a 32-bit int printed unsigned in bases other than d:
// ${-3,0,x} of 1 is fffffffe. Values above 2^31 (BIND refuses those ranges)
// keep all their bits.
std::uint64_t unsigned_bits(std::int64_t value) {
  return value < 0 ? static_cast<std::uint32_t>(value) : static_cast<std::uint64_t>(value);
}

// Nibble format (n, N), as BIND's named prints it: the hex digits from the
// lowest, one per label, and `width` counts the characters, dots included:
//   ${0,0,n} of 0x1234 → 4.3.2.1      ${0,3,n} of 0 → 0.0      ${0,5,N} of 0xab → B.A.0
// An even width ends in a dot, which makes the name absolute (as in BIND).
void format_nibbles(std::uint64_t value, int width, bool upper, std::string& out) {
  const char* digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  do {
    out.push_back(digits[value & 0xf]);
    value >>= 4;
    if (width > 0) --width;
    if (width > 0 || value != 0) {
      out.push_back('.');
      if (width > 0) --width;
    }
  } while (value != 0 || width > 0);
}

void format_value(std::int64_t value, int width, char base, std::string& out) {
  if (base == 'n' || base == 'N') {
    format_nibbles(unsigned_bits(value), width, base == 'N', out);
    return;
  }
  char buf[32];
  const int radix = base == 'o' ? 8 : (base == 'x' || base == 'X') ? 16 : 10;
  auto [ptr, ec] = radix == 10 ? std::to_chars(buf, buf + sizeof buf, value)
                               : std::to_chars(buf, buf + sizeof buf, unsigned_bits(value), radix);
  std::string_view digits(buf, static_cast<std::size_t>(ptr - buf));
  for (int pad = width - static_cast<int>(digits.size()); pad > 0; --pad) out.push_back('0');
  for (char c : digits) out.push_back(base == 'X' ? static_cast<char>(std::toupper(c)) : c);
}

// Substitutes the iterator into one template. Returns false on a bad modifier.
bool substitute(std::string_view tmpl, std::int64_t value, std::string& out, std::string& error) {
  for (std::size_t i = 0; i < tmpl.size(); ++i) {
    const char c = tmpl[i];
    // An escape is copied whole, as BIND does, for libzscanner to read: `\$`
    // stays an escaped dollar (a bare one would start a directive at the
    // beginning of a line, and is no name character), `\\$` a backslash
    // before the iterator.
    if (c == '\\' && i + 1 < tmpl.size()) {
      out.push_back(c);
      out.push_back(tmpl[++i]);
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
      const bool ok =
          parse_number(parts[0], offset) && (count < 2 || parse_number(parts[1], width)) &&
          (count < 3 || (parts[2].size() == 1 &&
                         std::string_view("doxXnN").find(parts[2][0]) != std::string_view::npos));
      if (!ok || width < 0 || width > 64) {
        error = "$GENERATE modifier '${" + std::string(tmpl.substr(i + 2, close - i - 2)) +
                "}' must be ${offset[,width[,base]]} with base d, o, x, X, n or N";
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
