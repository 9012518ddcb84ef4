#include "engine/rrl.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>

namespace canon::engine {

namespace {

// The 16 address octets as two big-endian words, so a prefix is two masks.
std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return __builtin_bswap64(v);
}

// The first `bits` (0..64) bits of a word set.
std::uint64_t high_bits(unsigned bits) noexcept {
  return bits == 0 ? 0 : ~0ull << (64 - bits);
}

// 64-bit mix of the masked prefix and the class (two multiplies), each half
// XORed with its half of the secret before it is multiplied. Not a MAC, but
// without the secret nobody can say which prefixes share a bucket.
std::uint64_t key_hash(std::uint64_t high, std::uint64_t low, RrlClass cls,
                       std::uint64_t secret_high, std::uint64_t secret_low) noexcept {
  std::uint64_t h = (high ^ secret_high) * 0xbf58476d1ce4e5b9ull;
  h ^= ((low + static_cast<std::uint64_t>(cls)) ^ secret_low) * 0x94d049bb133111ebull;
  h ^= h >> 31;
  h *= 0xd6e8feb86659fd93ull;
  return h ^ (h >> 32);
}

std::uint64_t random_word() {
  std::uint64_t word = 0;
  auto* at = reinterpret_cast<unsigned char*>(&word);
  std::size_t got = 0;
  while (got < sizeof(word)) {  // at most a few rounds: 8 bytes never block once seeded
    const ssize_t n = ::getrandom(at + got, sizeof(word) - got, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      throw std::system_error(errno, std::generic_category(), "getrandom (the RRL table's secret)");
    got += static_cast<std::size_t>(n);
  }
  return word;
}

}  // namespace

RrlTable::RrlTable() : RrlTable(random_word(), random_word()) {}

RrlTable::RrlTable(std::uint64_t secret_high, std::uint64_t secret_low)
    : buckets_(static_cast<Bucket*>(std::calloc(kBuckets, sizeof(Bucket)))),
      secret_high_(secret_high),
      secret_low_(secret_low) {
  if (!buckets_) throw std::bad_alloc();
}

std::uint32_t RrlTable::bucket_of(const ClientAddress& source, unsigned prefix_length,
                                  RrlClass cls) const noexcept {
  const std::uint64_t high =
      load_be64(source.bytes.data()) & high_bits(prefix_length < 64 ? prefix_length : 64);
  const std::uint64_t low =
      load_be64(source.bytes.data() + 8) & high_bits(prefix_length > 64 ? prefix_length - 64 : 0);
  return static_cast<std::uint32_t>(key_hash(high, low, cls, secret_high_, secret_low_) &
                                    (kBuckets - 1));
}

bool RrlTable::allow(const ClientAddress& source, unsigned prefix_length, RrlClass cls,
                     std::uint32_t rate, std::uint32_t now_ms) noexcept {
  Bucket& b = buckets_[bucket_of(source, prefix_length, cls)];
  // Whoever asked last, the bucket refills by the time since and is spent by
  // this response: sharing keys draw on one rate.
  const std::uint64_t full = std::min<std::uint64_t>(std::uint64_t{rate} * 1000, UINT32_MAX);
  const std::uint32_t elapsed = now_ms - b.last_ms;  // wraps correctly
  b.last_ms = now_ms;
  const std::uint64_t refill = std::uint64_t{elapsed} * rate;
  // Never above `full`: a rate lowered by a policy reload holds at once.
  const std::uint64_t spent = std::min(b.spent > refill ? b.spent - refill : 0, full);
  if (full - spent < 1000) {
    b.spent = static_cast<std::uint32_t>(spent);
    return false;
  }
  b.spent = static_cast<std::uint32_t>(spent + 1000);
  return true;
}

}  // namespace canon::engine
