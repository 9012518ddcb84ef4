#include "zones/sha1.hpp"

#include <cstring>

namespace canon::zones {

namespace {

constexpr std::uint32_t rotl(std::uint32_t x, unsigned n) noexcept { return (x << n) | (x >> (32 - n)); }

}  // namespace

// One 512-bit block (FIPS 180-4 §6.1.2): the message schedule kept as a
// 16-word ring, the 80 rounds in four groups of twenty.
void Sha1::block(const std::uint8_t* p) noexcept {
  std::uint32_t w[16];
  for (int t = 0; t < 16; ++t) {
    w[t] = (std::uint32_t{p[4 * t]} << 24) | (std::uint32_t{p[4 * t + 1]} << 16) |
           (std::uint32_t{p[4 * t + 2]} << 8) | p[4 * t + 3];
  }
  std::uint32_t a = state_[0], b = state_[1], c = state_[2], d = state_[3], e = state_[4];
  for (int t = 0; t < 80; ++t) {
    if (t >= 16) {
      w[t & 15] = rotl(w[(t - 3) & 15] ^ w[(t - 8) & 15] ^ w[(t - 14) & 15] ^ w[t & 15], 1);
    }
    std::uint32_t f, k;
    if (t < 20) {
      f = (b & c) | (~b & d);
      k = 0x5a827999u;
    } else if (t < 40) {
      f = b ^ c ^ d;
      k = 0x6ed9eba1u;
    } else if (t < 60) {
      f = (b & c) | (b & d) | (c & d);
      k = 0x8f1bbcdcu;
    } else {
      f = b ^ c ^ d;
      k = 0xca62c1d6u;
    }
    const std::uint32_t temp = rotl(a, 5) + f + e + k + w[t & 15];
    e = d;
    d = c;
    c = rotl(b, 30);
    b = a;
    a = temp;
  }
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
