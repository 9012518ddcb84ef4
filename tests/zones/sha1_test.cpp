// zones/sha1.hpp against the FIPS 180-4 examples (NIST CSRC's SHA1.pdf
// and the long messages of FIPS 180-2 Appendix A), fed whole and in
// pieces that straddle the 64-octet blocks.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "zones/sha1.hpp"

namespace canon::zones {
namespace {

std::string hex_of(const std::uint8_t* digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < kSha1Length; ++i) {
    out += kDigits[digest[i] >> 4];
    out += kDigits[digest[i] & 15];
  }
  return out;
}

std::string sha1_hex(std::string_view text) {
  std::uint8_t digest[kSha1Length];
  sha1(reinterpret_cast<const std::uint8_t*>(text.data()), text.size(), digest);
  return hex_of(digest);
}

TEST(Sha1, FipsExamples) {
  EXPECT_EQ(sha1_hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(sha1_hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
  EXPECT_EQ(sha1_hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
  EXPECT_EQ(sha1_hex(std::string(1'000'000, 'a')), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
}

TEST(Sha1, PiecesOfAnySizeGiveTheSameDigest) {
  const std::string text(1'000'000, 'a');
  for (std::size_t piece : {1u, 3u, 55u, 56u, 63u, 64u, 65u, 1000u}) {
    Sha1 h;
    for (std::size_t at = 0; at < text.size(); at += piece) {
      const std::size_t n = std::min(piece, text.size() - at);
      h.update(reinterpret_cast<const std::uint8_t*>(text.data() + at), n);
    }
    std::uint8_t digest[kSha1Length];
    h.finish(digest);
    EXPECT_EQ(hex_of(digest), "34aa973cd4c4daa4f61eeb2bdbad27316534016f") << piece;
  }
}

TEST(Sha1, PaddingAtTheBlockEdges) {
  // 55 octets fit one block with their padding, 56 need a second.
  EXPECT_EQ(sha1_hex(std::string(55, 'a')), "c1c8bbdc22796e28c0e15163d20899b65621d65a");
  EXPECT_EQ(sha1_hex(std::string(56, 'a')), "c2db330f6083854c99d4b5bfb6e8f29f201be699");
  EXPECT_EQ(sha1_hex(std::string(64, 'a')), "0098ba824b5c16427bd7a1122a5a442a25ec644d");
}

}  // namespace
}  // namespace canon::zones
