#include "zones/base32hex.hpp"

#include "zones/name.hpp"

namespace canon::zones {

void nsec3_hash_label(const std::uint8_t* hash, std::uint8_t* out) noexcept {
  static constexpr char kDigits[] = "0123456789abcdefghijklmnopqrstuv";
  out[0] = kNsec3LabelLength;
  for (std::size_t group = 0; group < kSha1Length / 5; ++group) {
    const std::uint8_t* in = hash + 5 * group;
    const std::uint64_t bits = (std::uint64_t{in[0]} << 32) | (std::uint64_t{in[1]} << 24) |
                               (std::uint64_t{in[2]} << 16) | (std::uint64_t{in[3]} << 8) | in[4];
    std::uint8_t* digits = out + 1 + 8 * group;
    for (int i = 0; i < 8; ++i) digits[i] = static_cast<std::uint8_t>(kDigits[(bits >> (35 - 5 * i)) & 31]);
  }
}

bool decode_nsec3_hash(std::span<const std::uint8_t> label, std::uint8_t* out) noexcept {
  if (label.size() != kNsec3LabelLength) return false;
  std::uint64_t bits = 0;
  unsigned held = 0;
  std::size_t written = 0;
  for (std::uint8_t c : label) {
    c = to_lower(c);
    unsigned v;
    if (c >= '0' && c <= '9') {
      v = c - '0';
    } else if (c >= 'a' && c <= 'v') {
      v = c - 'a' + 10;
    } else {
      return false;
    }
    bits = (bits << 5) | v;
    held += 5;
    if (held >= 8) {
      held -= 8;
      out[written++] = static_cast<std::uint8_t>(bits >> held);
    }
  }
  return written == kSha1Length;
}

std::string nsec3_hash_text(const std::uint8_t* hash) {
  std::uint8_t label[1 + kNsec3LabelLength];
  nsec3_hash_label(hash, label);
  return std::string(reinterpret_cast<const char*>(label + 1), kNsec3LabelLength);
}

}  // namespace canon::zones
