// Internet checksum (RFC 1071) over big-endian 16-bit words, in the form the
// generator needs: a 32-bit running sum that can be extended and folded, so a
// frame's UDP checksum is precomputed once with the patched fields at zero and
// finished per packet by adding those fields (RFC 1624 style, no re-summing).
//
//   sum = partial_sum + sport + id          (host values of the patched words)
//   udp_checksum = finish(sum)              (0 is sent as 0xffff, RFC 768)
#pragma once

#include <cstddef>
#include <cstdint>

#include "nic/checksum.hpp"

namespace canon::gen {

// Adds the bytes as big-endian 16-bit words (an odd last byte is padded with
// 0): canond's own sum (nic/checksum.hpp, tested against RFC 1071's definition).
[[nodiscard]] inline std::uint32_t sum_words(const std::uint8_t* data, std::size_t length,
                                             std::uint32_t sum = 0) {
  return nic::checksum_add(data, length, sum);
}

// Folds a running sum (at most 2^32 - 1) into 16 bits, carries added back.
[[nodiscard]] constexpr std::uint16_t fold(std::uint32_t sum) {
  sum = (sum & 0xffff) + (sum >> 16);
  sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

// The checksum field's value for an IPv4 header.
[[nodiscard]] constexpr std::uint16_t ipv4_checksum(std::uint32_t sum) {
  return static_cast<std::uint16_t>(~fold(sum));
}

// The checksum field's value for UDP: a computed 0 is transmitted as 0xffff.
[[nodiscard]] constexpr std::uint16_t udp_checksum(std::uint32_t sum) {
  const auto c = static_cast<std::uint16_t>(~fold(sum));
  return c == 0 ? 0xffff : c;
}

}  // namespace canon::gen
