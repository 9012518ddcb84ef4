#include "zones/sha1.hpp"

#include <cstring>
#include <utility>

namespace canon::zones {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept { return (x << n) | (x >> (32 - n)); }

// Round T of FIPS 180-4 §6.1.2 with the working variables passed in their
// roles for that round (a..e): the caller rotates the names instead of
// moving the values, so after five rounds every variable is back in its
// place. The message schedule is a 16-word ring: W(t) for t >= 16 replaces
// W(t-16) as it is made.
template <int T>
[[gnu::always_inline]] inline void round(std::uint32_t a, std::uint32_t& b, std::uint32_t c, std::uint32_t d,
                                         std::uint32_t& e, std::uint32_t* w) noexcept {
  std::uint32_t x;
  if constexpr (T < 16) {
    x = w[T];
  } else {
    x = rotl(w[(T + 13) & 15] ^ w[(T + 8) & 15] ^ w[(T + 2) & 15] ^ w[T & 15], 1);
    w[T & 15] = x;
  }
  std::uint32_t f;
  std::uint32_t k;
  if constexpr (T < 20) {
    f = d ^ (b & (c ^ d));  // Ch
    k = 0x5a827999u;
  } else if constexpr (T < 40) {
    f = b ^ c ^ d;          // Parity
    k = 0x6ed9eba1u;
  } else if constexpr (T < 60) {
    f = (b & c) | (d & (b | c));  // Maj
    k = 0x8f1bbcdcu;
  } else {
    f = b ^ c ^ d;
    k = 0xca62c1d6u;
  }
  e += rotl(a, 5) + f + k + x;
  b = rotl(b, 30);
}

template <int T>
[[gnu::always_inline]] inline void five_rounds(std::uint32_t& a, std::uint32_t& b, std::uint32_t& c,
                                               std::uint32_t& d, std::uint32_t& e, std::uint32_t* w) noexcept {
  round<T>(a, b, c, d, e, w);
  round<T + 1>(e, a, b, c, d, w);
  round<T + 2>(d, e, a, b, c, w);
  round<T + 3>(c, d, e, a, b, w);
  round<T + 4>(b, c, d, e, a, w);
}

}  // namespace

// One 512-bit block: the 80 rounds unrolled at compile time (a round is a
// dozen instructions; a loop choosing the function per round cost three
// times that, and NSEC3 hashes every denial on the data path).
void Sha1::block(const std::uint8_t* p) noexcept {
  std::uint32_t w[16];
  for (int t = 0; t < 16; ++t) {
    std::uint32_t big_endian;
    std::memcpy(&big_endian, p + 4 * t, 4);
    w[t] = __builtin_bswap32(big_endian);
  }
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
  [&]<int... I>(std::integer_sequence<int, I...>) {
    (five_rounds<5 * I>(a, b, c, d, e, w), ...);
  }(std::make_integer_sequence<int, 16>{});
  state_[0] += a;
  state_[1] += b;
  state_[2] += c;
  state_[3] += d;
  state_[4] += e;
}

void Sha1::update(const std::uint8_t* data, std::size_t length) noexcept {
  if (length == 0) return;  // data may be null then (an empty salt)
  length_ += length;
  if (buffered_ != 0) {
    const std::size_t take = length < 64 - buffered_ ? length : 64 - buffered_;
    std::memcpy(buffer_ + buffered_, data, take);
    buffered_ += take;
    data += take;
    length -= take;
    if (buffered_ < 64) return;
    block(buffer_);
    buffered_ = 0;
  }
  for (; length >= 64; data += 64, length -= 64) block(data);
  if (length != 0) std::memcpy(buffer_, data, length);
  buffered_ = length;
}

// Padding (§5.1.1): 0x80, zeros up to 56 mod 64, the bit length big-endian.
void Sha1::finish(std::uint8_t* out) noexcept {
  const std::uint64_t bits = length_ * 8;
  buffer_[buffered_++] = 0x80;
  if (buffered_ > 56) {
    std::memset(buffer_ + buffered_, 0, 64 - buffered_);
    block(buffer_);
    buffered_ = 0;
  }
  std::memset(buffer_ + buffered_, 0, 56 - buffered_);
  for (int i = 0; i < 8; ++i) buffer_[56 + i] = static_cast<std::uint8_t>(bits >> (56 - 8 * i));
  block(buffer_);
  for (int i = 0; i < 5; ++i) {
    out[4 * i] = static_cast<std::uint8_t>(state_[i] >> 24);
    out[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16);
    out[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8);
    out[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
  }
}

}  // namespace canon::zones
