// The Internet checksum (RFC 1071) in software, for ports without checksum
// offload: a running sum of big-endian 16-bit words, folded at the end.
//
//   UDP/ICMPv6 over IPv6:  sum(src, dst, upper length, next header) + sum(segment)
//   UDP over IPv4:         sum(src, dst, protocol, UDP length) + sum(segment)
//
// The one's complement sum does not depend on byte order (RFC 1071 §2B):
// checksum_add adds the bytes as native 64-bit words, folds, and swaps the
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
  // Native 64-bit words, one's complement added (the carry out wraps back
  // in: add + adc). Every 2^16k is 1 modulo 2^16 - 1, so folding the halves
  // together at the end keeps the 16-bit sum.
  std::uint64_t acc = 0;
  const auto add = [&acc](std::uint64_t word) {
    acc += word;
    acc += acc < word ? 1 : 0;
  };
  for (; length >= 16; bytes += 16, length -= 16) {
    std::uint64_t a, b;
    std::memcpy(&a, bytes, 8);
    std::memcpy(&b, bytes + 8, 8);
    add(a);
    add(b);
  }
  if (length >= 8) {
    std::uint64_t a;
    std::memcpy(&a, bytes, 8);
    add(a);
    bytes += 8;
    length -= 8;
  }
  if (length >= 4) {  // where a word sits in `acc` does not matter: 2^32 is 1 too
    std::uint32_t a;
    std::memcpy(&a, bytes, 4);
    add(a);
    bytes += 4;
    length -= 4;
  }
  if (length >= 2) {
    std::uint16_t a;
    std::memcpy(&a, bytes, 2);
    add(a);
    bytes += 2;
    length -= 2;
  }
  if (length != 0) add(bytes[0]);  // the low byte of a native word: the high byte in network order
  std::uint64_t folded = (acc & 0xffffffffu) + (acc >> 32);
  folded = (folded & 0xffffffffu) + (folded >> 32);
  folded = (folded & 0xffff) + (folded >> 16);
  folded = (folded & 0xffff) + (folded >> 16);
  const auto network = static_cast<std::uint32_t>(((folded & 0xff) << 8) | ((folded >> 8) & 0xff));
  const std::uint64_t total = static_cast<std::uint64_t>(sum) + network;
  return static_cast<std::uint32_t>((total & 0xffffffffu) + (total >> 32));
}

// Folds a running sum to the 16-bit one's complement checksum.
[[nodiscard]] inline std::uint16_t checksum_fold(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

}  // namespace canon::nic
