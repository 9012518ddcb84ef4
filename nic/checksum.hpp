// The Internet checksum (RFC 1071) in software, for ports without checksum
// offload: a 32-bit running sum of big-endian 16-bit words, folded at the end.
//
//   UDP/ICMPv6 over IPv6:  sum(src, dst, upper length, next header) + sum(segment)
//   UDP over IPv4:         sum(src, dst, protocol, UDP length) + sum(segment)
#pragma once

#include <cstddef>
#include <cstdint>

namespace canon::nic {

// Adds `length` bytes at `bytes` to `sum` (an odd tail byte is padded with zero).
[[nodiscard]] inline std::uint32_t checksum_add(const std::uint8_t* bytes, std::size_t length,
                                                std::uint32_t sum = 0) noexcept {
  std::uint64_t wide = sum;
  std::size_t i = 0;
  for (; i + 1 < length; i += 2) wide += static_cast<std::uint32_t>(bytes[i] << 8 | bytes[i + 1]);
  if (i < length) wide += static_cast<std::uint32_t>(bytes[i] << 8);
  while (wide >> 32) wide = (wide & 0xffffffffu) + (wide >> 32);
  return static_cast<std::uint32_t>(wide);
}

// Folds a running sum to the 16-bit one's complement checksum.
[[nodiscard]] inline std::uint16_t checksum_fold(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace canon::nic
