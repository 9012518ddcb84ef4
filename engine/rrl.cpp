#include "engine/rrl.hpp"

#include <algorithm>
#include <cstring>

namespace canon::engine {

namespace {

// The 16 address octets as two big-endian words, so a prefix is two masks.
std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

// The first `bits` (0..64) bits of a word set.
std::uint64_t high_bits(unsigned bits) noexcept { return bits == 0 ? 0 : ~0ull << (64 - bits); }

// 64-bit mix of the masked prefix and the class (two multiplies).
std::uint64_t key_hash(std::uint64_t high, std::uint64_t low, RrlClass cls) noexcept {
  std::uint64_t h = (high ^ 0x9e3779b97f4a7c15ull) * 0xbf58476d1ce4e5b9ull;
  h ^= (low + static_cast<std::uint64_t>(cls) + 1) * 0x94d049bb133111ebull;
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93ull;
  return h ^ (h >> 32);
}

}  // namespace

bool RrlTable::allow(const ClientAddress& source, unsigned prefix_length, RrlClass cls, std::uint32_t rate,
                     std::uint32_t now_ms) noexcept {
  const std::uint64_t high = load_be64(source.bytes.data()) & high_bits(prefix_length < 64 ? prefix_length : 64);
  const std::uint64_t low = load_be64(source.bytes.data() + 8) & high_bits(prefix_length > 64 ? prefix_length - 64 : 0);
  const std::uint64_t hash = key_hash(high, low, cls);
  Bucket& b = buckets_[hash & (kBuckets - 1)];
  const auto tag = static_cast<std::uint32_t>(hash >> 32) | 1u;  // never 0: 0 marks an empty bucket
  const std::int64_t full = static_cast<std::int64_t>(rate) * 1000;
  if (b.tag != tag) {
    b.tag = tag;
    b.last_ms = now_ms;
    b.tokens = static_cast<std::int32_t>(std::min<std::int64_t>(full, INT32_MAX));
  } else {
    const std::uint32_t elapsed = now_ms - b.last_ms;  // wraps correctly
    b.last_ms = now_ms;
    const std::int64_t refilled = b.tokens + static_cast<std::int64_t>(elapsed) * rate;
    b.tokens = static_cast<std::int32_t>(std::min<std::int64_t>({refilled, full, INT32_MAX}));
  }
  if (b.tokens < 1000) return false;
  b.tokens -= 1000;
  return true;
}

}  // namespace canon::engine
