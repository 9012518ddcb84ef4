// nic/checksum.hpp against RFC 1071's definition computed the slow way
// (big-endian 16-bit words, end-around carry) on every length and alignment.
#include "nic/checksum.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

namespace canon::nic {
namespace {

std::uint16_t reference_checksum(const std::uint8_t* p, std::size_t n, std::uint32_t initial) {
  std::uint32_t sum = initial;
  for (std::size_t i = 0; i < n; i += 2) {
    sum += static_cast<std::uint32_t>(p[i] << 8 | (i + 1 < n ? p[i + 1] : 0));
    sum = (sum & 0xffff) + (sum >> 16);
  }
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(~sum & 0xffff);
}

TEST(Checksum, EqualsTheDefinitionOnEveryLengthAndAlignment) {
  std::mt19937 random(7);
  std::vector<std::uint8_t> buffer(1600);
  for (int round = 0; round < 20; ++round) {
    for (auto& b : buffer) b = static_cast<std::uint8_t>(random());
    if (round == 0) std::fill(buffer.begin(), buffer.end(), 0xff);  // every carry at once
    for (std::size_t offset = 0; offset < 4; ++offset) {
      for (std::size_t length = 0; length <= 1500; length += (length < 80 ? 1 : 37)) {
        const std::uint32_t initial = round % 2 ? 0x1fffe : 0;
        ASSERT_EQ(checksum_fold(checksum_add(buffer.data() + offset, length, initial)),
                  reference_checksum(buffer.data() + offset, length, initial))
            << "offset " << offset << " length " << length << " round " << round;
      }
    }
  }
}

TEST(Checksum, KnownIpv4HeaderVerifiesToZero) {
  // RFC 1071-style example: an IPv4 header with its checksum (0xb861) filled in.
  const std::uint8_t header[20] = {0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                                   0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
  EXPECT_EQ(checksum_fold(checksum_add(header, sizeof(header))), 0);
  std::uint8_t zeroed[20];
  std::copy(std::begin(header), std::end(header), zeroed);
  zeroed[10] = zeroed[11] = 0;
  EXPECT_EQ(checksum_fold(checksum_add(zeroed, sizeof(zeroed))), 0xb861);
}

}  // namespace
}  // namespace canon::nic
