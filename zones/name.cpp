#include "zones/name.hpp"

#include <cctype>
#include <cstring>

namespace canon::zones {

std::size_t wire_name_length(std::span<const std::uint8_t> wire) noexcept {
  std::size_t pos = 0;
  while (pos < wire.size()) {
    const std::uint8_t len = wire[pos];
    if (len == 0) return pos + 1 <= kMaxNameLength ? pos + 1 : 0;
    if (len > kMaxLabelLength) return 0;  // pointers and reserved label types included
    pos += 1 + len;
    if (pos >= kMaxNameLength) return 0;
  }
  return 0;
}

void make_key(const std::uint8_t* wire, const std::uint8_t* label_starts, unsigned label_count,
              LookupKey& key) noexcept {
  // One copy of the name into a buffer with slack, then each label moved in
  // 8-byte chunks (the overshoot lands where the next label goes, or in the
  // key's slack): no call per label.
  std::uint8_t copy[kMaxNameLength + 16];
  const std::size_t length =
      label_count ? label_starts[label_count - 1] + 1u + wire[label_starts[label_count - 1]] : 0;
  std::memcpy(copy, wire, length);
  std::size_t out = 0;
  for (unsigned i = label_count; i-- > 0;) {
    const std::uint8_t* label = copy + label_starts[i];
    const std::size_t n = 1u + label[0];
    for (std::size_t j = 0; j < n; j += 8) {
      std::uint64_t chunk;
      std::memcpy(&chunk, label + j, 8);
      std::memcpy(key.bytes + out + j, &chunk, 8);
    }
    out += n;
  }
  for (std::size_t i = 0; i < out; i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, key.bytes + i, 8);
    chunk = lower8(chunk);
    std::memcpy(key.bytes + i, &chunk, 8);
  }
  key.length = static_cast<std::uint8_t>(out);
  key.label_count = static_cast<std::uint8_t>(label_count);
}

void make_key(const std::uint8_t* wire, LookupKey& key) noexcept {
  std::uint8_t starts[kMaxLabels + 1];
  unsigned count = 0;
  for (std::size_t pos = 0; wire[pos] != 0; pos += 1 + wire[pos]) {
    starts[count++] = static_cast<std::uint8_t>(pos);
  }
  make_key(wire, starts, count, key);
}

std::size_t key_to_wire(std::span<const std::uint8_t> key, std::uint8_t* out) noexcept {
  std::uint8_t starts[kMaxLabels + 1];
  unsigned count = 0;
  for (std::size_t pos = 0; pos < key.size(); pos += 1 + key[pos]) {
    starts[count++] = static_cast<std::uint8_t>(pos);
  }
  std::size_t len = 0;
  for (unsigned i = count; i-- > 0;) {
    const std::size_t label_len = 1u + key[starts[i]];
    std::memcpy(out + len, key.data() + starts[i], label_len);
    len += label_len;
  }
  out[len++] = 0;
  return len;
}

unsigned key_label_count(std::span<const std::uint8_t> key) noexcept {
  unsigned count = 0;
  for (std::size_t pos = 0; pos < key.size(); pos += 1 + key[pos]) ++count;
  return count;
}

std::size_t key_parent_length(std::span<const std::uint8_t> key) noexcept {
  std::size_t last = 0;
  for (std::size_t pos = 0; pos < key.size(); pos += 1 + key[pos]) last = pos;
  return last;
}

bool key_is_below_or_at(std::span<const std::uint8_t> key,
                        std::span<const std::uint8_t> ancestor) noexcept {
  // Keys are label-aligned, so a byte prefix is an ancestor.
  return key.size() >= ancestor.size() &&
         std::memcmp(key.data(), ancestor.data(), ancestor.size()) == 0;
}

namespace {

void append_label_text(const std::uint8_t* label, std::string& out) {
  const std::uint8_t len = label[0];
  for (std::uint8_t i = 1; i <= len; ++i) {
    const std::uint8_t c = label[i];
    if (c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' || c == '"' || c == '@' ||
        c == '$') {
      out.push_back('\\');
      out.push_back(static_cast<char>(c));
    } else if (c <= 0x20 || c >= 0x7f) {
      char buf[5];
      buf[0] = '\\';
      buf[1] = static_cast<char>('0' + c / 100);
      buf[2] = static_cast<char>('0' + (c / 10) % 10);
      buf[3] = static_cast<char>('0' + c % 10);
      out.append(buf, 4);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  out.push_back('.');
}

}  // namespace

std::string wire_to_text(const std::uint8_t* wire) {
  if (wire[0] == 0) return ".";
  std::string out;
  for (std::size_t pos = 0; wire[pos] != 0; pos += 1 + wire[pos]) append_label_text(wire + pos, out);
  return out;
}

std::string key_to_text(std::span<const std::uint8_t> key) {
  std::uint8_t wire[kMaxNameLength + 1];
  key_to_wire(key, wire);
  return wire_to_text(wire);
}

bool text_to_key(std::string_view text, LookupKey& key) {
  std::string wire;
  key.length = key.label_count = 0;
  if (!text_to_wire(text, wire)) return false;
  make_key(reinterpret_cast<const std::uint8_t*>(wire.data()), key);
  return true;
}

bool text_to_wire(std::string_view text, std::string& wire) {
  wire.clear();
  if (text == "." || text.empty()) {
    wire.push_back('\0');
    return true;
  }
  std::string label;
  auto flush = [&]() {
    if (label.empty() || label.size() > kMaxLabelLength) return false;
    wire.push_back(static_cast<char>(label.size()));
    wire += label;
    label.clear();
    return true;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '.') {
      if (!flush()) return false;
      continue;
    }
    if (c == '\\') {
      // \DDD is a decimal octet, \X is X itself (RFC 1035 §5.1).
      const bool decimal = i + 3 < text.size() &&
                           std::isdigit(static_cast<unsigned char>(text[i + 1])) &&
                           std::isdigit(static_cast<unsigned char>(text[i + 2])) &&
                           std::isdigit(static_cast<unsigned char>(text[i + 3]));
      if (decimal) {
        const int value = (text[i + 1] - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0');
        if (value > 255) return false;
        label.push_back(static_cast<char>(value));
        i += 3;
      } else if (i + 1 < text.size()) {
        label.push_back(text[++i]);
      } else {
        return false;
      }
      continue;
    }
    label.push_back(c);
  }
  if (!label.empty() && !flush()) return false;
  wire.push_back('\0');
  return wire.size() <= kMaxNameLength;
}

}  // namespace canon::zones
