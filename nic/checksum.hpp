// The Internet checksum (RFC 1071) in software, for ports without checksum
// offload: a running sum of big-endian 16-bit words, folded at the end.
//
//   UDP/ICMPv6 over IPv6:  sum(src, dst, upper length, next header) + sum(segment)
//   UDP over IPv4:         sum(src, dst, protocol, UDP length) + sum(segment)
//
// The one's complement sum does not depend on byte order (RFC 1071 §2B):
// checksum_add sums the bytes as native 32-bit words, folds, and swaps the
// 16-bit result into network order once, instead of assembling every 16-bit
// word from two bytes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace canon::nic {

static_assert(std::endian::native == std::endian::little, "checksum_add assumes a little-endian host");

// Adds `length` bytes at `bytes` to `sum` (a sum of big-endian 16-bit words;
// an odd tail byte is padded with zero). The result is not folded.
[[nodiscard]] inline std::uint32_t checksum_add(const std::uint8_t* bytes, std::size_t length,
                                                std::uint32_t sum = 0) noexcept {
  std::uint64_t wide = 0;  // native-order sum; 2^32 words of 32 bits cannot overflow it
  for (; length >= 4; bytes += 4, length -= 4) {
    std::uint32_t word;
    std::memcpy(&word, bytes, 4);
    wide += word;
  }
  if (length >= 2) {
    std::uint16_t word;
    std::memcpy(&word, bytes, 2);
    wide += word;
    bytes += 2;
    length -= 2;
  }
  if (length != 0) wide += bytes[0];  // the low byte of a native word: the high byte in network order
  wide = (wide & 0xffffffffu) + (wide >> 32);
  wide = (wide & 0xffffffffu) + (wide >> 32);
  std::uint32_t folded = static_cast<std::uint32_t>((wide & 0xffff) + ((wide >> 16) & 0xffff) + (wide >> 32));
  folded = (folded & 0xffff) + (folded >> 16);
  folded = (folded & 0xffff) + (folded >> 16);
  const auto network = static_cast<std::uint32_t>(((folded & 0xff) << 8) | (folded >> 8));
  const std::uint64_t total = static_cast<std::uint64_t>(sum) + network;
  return static_cast<std::uint32_t>((total & 0xffffffffu) + (total >> 32));
}

// Folds a running sum to the 16-bit one's complement checksum.
[[nodiscard]] inline std::uint16_t checksum_fold(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace canon::nic
