// Word-at-a-time helpers for lower-cased wire names, and their hash, 8
// octets at a time (CRC32C on x86-64-v2, a multiply-xor hash with
// -Dportable=true). The units' name indexes (name_index.*), the zone
// table's (table_index.cpp) and its origin slots (zone_table.cpp) all use
// them, so a name hashes the same wherever it is looked up.
//
//   h = length; for each 8-octet word w of the name, zero-padded: h = step(h, w)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE4_2__)
#include <nmmintrin.h>
#endif

namespace canon::zones {

#if defined(__SSE4_2__)
[[gnu::always_inline]] inline std::uint32_t hash_step(std::uint32_t h, std::uint64_t chunk) noexcept {
  return static_cast<std::uint32_t>(_mm_crc32_u64(h, chunk));
}
#else
[[gnu::always_inline]] inline std::uint32_t hash_step(std::uint32_t h, std::uint64_t chunk) noexcept {
  const std::uint64_t x = (chunk ^ (std::uint64_t{h} << 32 | h)) * 0x9e3779b97f4a7c15ull;
  return static_cast<std::uint32_t>(x >> 32) ^ static_cast<std::uint32_t>(x >> 7);
}
#endif

[[gnu::always_inline]] inline std::uint64_t load_word(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The first n octets at a and b are equal; both may be read 7 octets past n.
[[gnu::always_inline]] inline bool same_prefix(const std::uint8_t* a, const std::uint8_t* b, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (load_word(a + i) != load_word(b + i)) return false;
  }
  if (i == n) return true;
  const std::uint64_t diff = load_word(a + i) ^ load_word(b + i);
  return (diff << (8 * (8 - (n - i)))) == 0;  // little-endian: the low n - i octets
}

// The hash of the `length` lower-cased octets at `p`, which are followed by
// zeros up to the next multiple of 8 (IndexedName's padding).
[[gnu::always_inline]] inline std::uint32_t hash_padded(const std::uint8_t* p, std::size_t length) noexcept {
  std::uint32_t h = static_cast<std::uint32_t>(length);
  for (std::size_t i = 0; i < length; i += 8) h = hash_step(h, load_word(p + i));
  return h;
}

}  // namespace canon::zones
