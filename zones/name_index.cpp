#include "zones/name_index.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#if defined(__SSE4_2__)
#include <immintrin.h>
#endif

#include "zones/name_hash.hpp"

namespace canon::zones {

namespace {

// 8 octets at a time: names under 16 octets, and every name with
// -Dportable=true.
//   chunk i (octets 8i..8i+7, zero-padded): lower8, stored, h = step(h, chunk)
std::uint32_t index_words(const std::uint8_t* wire, std::size_t length, std::uint32_t h,
                          IndexedName& out) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    const std::uint64_t chunk = lower8(load_word(wire + i));
    std::memcpy(out.bytes + i, &chunk, 8);
    h = hash_step(h, chunk);
  }
  const std::size_t rest = length - i;  // 0..7 octets, zero-padded to 8
  if (rest != 0) {
    std::uint64_t chunk = 0;
    if (length >= 8) {
      chunk = load_word(wire + length - 8) >> (8 * (8 - rest));  // the last 8, shifted down
    } else {
      for (std::size_t j = rest; j-- > 0;) chunk = chunk << 8 | wire[j];
    }
    chunk = lower8(chunk);
    std::memcpy(out.bytes + i, &chunk, 8);
    h = hash_step(h, chunk);
    i += 8;
  }
  std::memset(out.bytes + i, 0, 8);
  return h;
}

#if defined(__SSE4_2__)
// ASCII upper → lower on 16 octets: 'A'..'Z' are the octets whose value
// minus 'A' is below 26 unsigned, i.e. below -128 + 26 once moved by 128.
inline __m128i lower16(__m128i x) noexcept {
  const __m128i moved = _mm_sub_epi8(x, _mm_set1_epi8(static_cast<char>('A' + 128)));
  const __m128i upper = _mm_cmplt_epi8(moved, _mm_set1_epi8(static_cast<char>(-128 + 26)));
  return _mm_or_si128(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
}

// pshufb masks that move 16 octets down by s (the mask at kShiftDown + s):
// octet j takes octet j + s, or zero once past the end.
alignas(16) constexpr std::uint8_t kShiftDown[32] = {
    0,    1,    2,    3,    4,    5,    6,    7,    8,    9,    10,   11,   12,   13,   14,   15,
    0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80};

// The same words and hash as index_words, 16 octets per step (a name of
// 16 octets or more: the tail is its last 16 octets, moved down).
std::uint32_t index_words16(const std::uint8_t* wire, std::size_t length, std::uint32_t h,
                            IndexedName& out) noexcept {
  std::size_t i = 0;
  __m128i chunk;
  for (; i + 16 <= length; i += 16) {
    chunk = lower16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(wire + i)));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.bytes + i), chunk);
    h = hash_step(h, static_cast<std::uint64_t>(_mm_cvtsi128_si64(chunk)));
    h = hash_step(h, static_cast<std::uint64_t>(_mm_extract_epi64(chunk, 1)));
  }
  const std::size_t rest = length - i;  // 0..15 octets, zero-padded
  if (rest != 0) {
    const __m128i last = _mm_loadu_si128(reinterpret_cast<const __m128i*>(wire + length - 16));
    const __m128i down = _mm_loadu_si128(reinterpret_cast<const __m128i*>(kShiftDown + 16 - rest));
    chunk = lower16(_mm_shuffle_epi8(last, down));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out.bytes + i), chunk);
    h = hash_step(h, static_cast<std::uint64_t>(_mm_cvtsi128_si64(chunk)));
    if (rest > 8) h = hash_step(h, static_cast<std::uint64_t>(_mm_extract_epi64(chunk, 1)));
    i += 16;
  }
  // Zeros to 8 past the last word: i is at most 256, bytes holds 272.
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out.bytes + i), _mm_setzero_si128());
  return h;
}
#endif

}  // namespace

void make_indexed_name(const std::uint8_t* wire, std::size_t length, IndexedName& out) noexcept {
  const auto start = static_cast<std::uint32_t>(length);
#if defined(__SSE4_2__)
  out.hash = length >= 16 ? index_words16(wire, length, start, out) : index_words(wire, length, start, out);
#else
  out.hash = index_words(wire, length, start, out);
#endif
  out.length = static_cast<std::uint8_t>(length);
}

NameIndexBuilder::NameIndexBuilder(std::span<const std::string> origins) {
  for (const std::string& origin : origins) {
    const std::size_t at = index_.origins_.size();
    index_.origin_offsets_.push_back(static_cast<std::uint32_t>(at));
    index_.origins_.resize(at + 8 + (origin.size() + 7) / 8 * 8, 0);
    index_.origins_[at] = static_cast<std::uint8_t>(origin.size());
    std::memcpy(index_.origins_.data() + at + 8, origin.data(), origin.size());
  }
}

void NameIndexBuilder::add(std::span<const std::uint8_t> wire, std::uint32_t node,
                           std::uint32_t zone) {
  IndexedName name;
  make_indexed_name(wire.data(), wire.size(), name);
  const std::uint8_t origin_length = index_.origins_[index_.origin_offsets_[zone]];
  const std::size_t tail_length = wire.size() - origin_length;
  entry_bytes_ += NameIndex::kEntryHeader + tail_length;
  if (entry_bytes_ > 0xffff0000u) throw std::length_error("name index exceeds 4 GiB");
  pending_.push_back(Pending{name.hash, node, static_cast<std::uint32_t>(tails_.size())});
  tails_.push_back(static_cast<std::uint8_t>(tail_length));
  tails_.insert(tails_.end(), name.bytes, name.bytes + tail_length);
}

NameIndex NameIndexBuilder::finish() {
  NameIndex& index = index_;
  index.bucket_count_ = std::max<std::uint64_t>(1, pending_.size() / 2);
  // Counting sort by bucket; within a bucket, names keep the order they came in.
  index.directory_.assign(index.bucket_count_ + 1, 0);
  for (const Pending& p : pending_) {
    const std::size_t b = index.bucket(p.hash);
    index.directory_[b + 1] += static_cast<std::uint32_t>(NameIndex::kEntryHeader + tails_[p.tail]);
  }
  for (std::size_t b = 0; b < index.bucket_count_; ++b) {
    index.directory_[b + 1] += index.directory_[b];
  }
  const std::size_t total = index.directory_.back();
  LargeVector<std::uint32_t> next(index.directory_.begin(), index.directory_.end() - 1);
  index.entries_.assign(total + NameIndex::kPadding, 0);
  for (const Pending& p : pending_) {
    std::uint8_t* e = index.entries_.data() + next[index.bucket(p.hash)];
    const std::uint8_t tail_length = tails_[p.tail];
    e[0] = tail_length;
    e[1] = static_cast<std::uint8_t>(p.hash);
    std::memcpy(e + 2, &p.node, sizeof p.node);
    std::memcpy(e + NameIndex::kEntryHeader, tails_.data() + p.tail + 1, tail_length);
    next[index.bucket(p.hash)] += static_cast<std::uint32_t>(NameIndex::kEntryHeader + tail_length);
  }
  pending_.clear();
  tails_.clear();
  return std::move(index_);
}

}  // namespace canon::zones
