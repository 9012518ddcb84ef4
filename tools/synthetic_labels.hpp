// Synthetic owner labels, shared by canon-genzone and the lookup benchmarks:
// label i is 7-14 lowercase letters, unique for distinct i by construction
// and spread like real host names (sequential names such as "h0000001" share
// long prefixes and would flatter a trie). A pure function of (seed, i).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace canon::tools {

// SplitMix64: tiny, fast, good enough to spread names and addresses.
struct Rng {
  std::uint64_t state;
  std::uint64_t next() noexcept {
    std::uint64_t z = (state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  std::uint64_t below(std::uint64_t n) noexcept { return next() % n; }
};

// A bijection on 32-bit integers (each step is invertible), so distinct
// inputs always give distinct outputs.
constexpr std::uint32_t mix32(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7feb352du;
  x ^= x >> 15;
  x *= 0x846ca68bu;
  x ^= x >> 16;
  return x;
}

// label(i) for name number i: 7 base-26 letters of a bijective scramble of i
// (26^7 > 2^32, so the 7 letters differ for distinct i: unique labels without
// a hash set), least significant first so the first letter is uniform; then
// 0-7 more letters from a hash of i, for a spread of lengths.
class LabelMaker {
 public:
  explicit LabelMaker(std::uint64_t seed) : seed_(seed) {}
  static constexpr std::size_t kMaxLength = 14;

  std::size_t write(std::uint32_t i, char* out) const noexcept {
    std::uint32_t code = mix32(mix32(i) ^ static_cast<std::uint32_t>(seed_));
    std::size_t n = 0;
    for (; n < 7; ++n) {
      out[n] = static_cast<char>('a' + code % 26);
      code /= 26;
    }
    Rng pad{seed_ ^ (std::uint64_t{i} << 20)};
    std::uint64_t bits = pad.next();
    const std::size_t extra = bits & 7;
    bits >>= 3;
    for (std::size_t k = 0; k < extra; ++k, bits >>= 5)
      out[n++] = static_cast<char>('a' + bits % 26);
    return n;
  }
  [[nodiscard]] std::string label(std::uint32_t i) const {
    char buf[kMaxLength];
    return std::string(buf, write(i, buf));
  }

 private:
  std::uint64_t seed_;
};

}  // namespace canon::tools
