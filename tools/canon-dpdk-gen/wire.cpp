#include "wire.hpp"

#include <cstdio>

namespace canon::gen {

namespace {

[[nodiscard]] int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::optional<Ipv4> parse_ipv4(std::string_view text) {
  std::uint32_t value = 0;
  int parts = 0;
  std::size_t i = 0;
  while (parts < 4) {
    std::uint32_t part = 0;
    std::size_t digits = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && digits < 3) {
      part = part * 10 + static_cast<std::uint32_t>(text[i] - '0');
      ++i;
      ++digits;
    }
    if (digits == 0 || part > 255) return std::nullopt;
    value = value << 8 | part;
    if (++parts < 4) {
      if (i >= text.size() || text[i] != '.') return std::nullopt;
      ++i;
    }
  }
  if (i != text.size()) return std::nullopt;
  return Ipv4{value};
}

std::optional<MacAddress> parse_mac(std::string_view text) {
  // six pairs of hex digits separated by ':' or '-'
  if (text.size() != 17) return std::nullopt;
  MacAddress mac{};
  for (std::size_t b = 0; b < 6; ++b) {
    const int hi = hex_digit(text[b * 3]);
    const int lo = hex_digit(text[b * 3 + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    if (b < 5 && text[b * 3 + 2] != ':' && text[b * 3 + 2] != '-') return std::nullopt;
    mac[b] = static_cast<std::uint8_t>(hi << 4 | lo);
  }
  return mac;
}

std::string to_string(Ipv4 address) {
  char text[16];
  std::snprintf(text, sizeof text, "%u.%u.%u.%u", address.value >> 24, address.value >> 16 & 0xff,
                address.value >> 8 & 0xff, address.value & 0xff);
  return text;
}

std::string to_string(const MacAddress& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                mac[4], mac[5]);
  return text;
}

}  // namespace canon::gen
