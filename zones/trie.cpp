#include "zones/trie.hpp"

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace canon::zones {

namespace {

inline std::uint32_t load32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline std::uint64_t load64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
inline std::uint16_t load16(const std::uint8_t* p) noexcept {
  std::uint16_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
constexpr std::size_t align4(std::size_t n) noexcept { return (n + 3) & ~std::size_t{3}; }

// Compressed paths are short: compare inline, 8 bytes at a time, instead of
// paying a call to memcmp per record.
[[gnu::always_inline]] inline bool same_bytes(const std::uint8_t* a, const std::uint8_t* b,
                                              std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    if (load64(a + i) != load64(b + i)) return false;
  }
  if (n - i >= 4) {
    if (load32(a + i) != load32(b + i)) return false;
    i += 4;
  }
  if (n - i >= 2) {
    if (load16(a + i) != load16(b + i)) return false;
    i += 2;
  }
  return i == n || a[i] == b[i];
}

// Where the child offset for byte `c` is stored (a byte offset in the blob),
// or 0 when there is no such child. `body` is at blob offset `body_offset`.
inline std::uint32_t child_slot(const std::uint8_t* body, std::uint32_t body_offset,
                                std::uint8_t kind, std::uint16_t count, std::uint8_t c) noexcept {
  if (kind == Trie::kSparse) {
    for (std::uint16_t i = 0; i < count; ++i) {
      if (body[i] == c) return body_offset + static_cast<std::uint32_t>(align4(count) + 4u * i);
    }
    return 0;
  }
  const unsigned word = c >> 6;
  const std::uint64_t bits = load64(body + 8u * word);
  if (((bits >> (c & 63)) & 1u) == 0) return 0;
  const std::uint64_t below = bits & ((std::uint64_t{1} << (c & 63)) - 1);
  const unsigned index = body[32 + word] + static_cast<unsigned>(std::popcount(below));
  return body_offset + 36 + 4u * index;
}

}  // namespace

struct Trie::Step {
  std::uint32_t offset = 0;
  std::uint32_t pos = 0;
  TrieMatch* out = nullptr;
  std::uint32_t slot = 0;  // burst only: a child-offset slot to read next round, 0 = none
};

// One record of the descent. Returns true when the query moved on (to a
// child, or, with kSplit, to a child slot left in s.slot for the next round
// when it lies beyond the record's first 128 bytes), false when its answer
// is complete in *s.out.
template <bool kSplit>
[[gnu::always_inline]] inline bool Trie::descend(Step& s, std::span<const std::uint8_t> key) const noexcept {
  const std::uint8_t* rec = blob_.data() + s.offset;
  const std::uint32_t value = load32(rec);
  const std::uint8_t prefix_length = rec[4];
  const std::uint8_t kind = rec[5];
  const std::uint16_t count = load16(rec + 6);
  const std::uint8_t* prefix = rec + kHeaderBytes;
  if (key.size() - s.pos < prefix_length || !same_bytes(key.data() + s.pos, prefix, prefix_length)) {
    return false;
  }
  s.pos += prefix_length;
  if (value != kNoValue) {
    s.out->encloser = value;
    s.out->encloser_key_length = static_cast<std::uint8_t>(s.pos);
  }
  if (s.pos == key.size()) {
    s.out->exact = value;
    return false;
  }
  const std::uint32_t body_offset = s.offset + static_cast<std::uint32_t>(kHeaderBytes + align4(prefix_length));
  const std::uint32_t slot = child_slot(blob_.data() + body_offset, body_offset, kind, count, key[s.pos]);
  if (slot == 0) return false;
  s.pos += 1;
  if (kSplit && slot - s.offset + 4 > 128) {
    s.slot = slot;
  } else {
    s.offset = load32(blob_.data() + slot);
  }
  return true;
}

TrieMatch Trie::find(std::span<const std::uint8_t> key) const noexcept {
  TrieMatch match;
  if (blob_.empty()) return match;
  Step s{0, 0, &match, 0};
  while (descend<false>(s, key)) {
  }
  return match;
}

void Trie::find_burst(const std::span<const std::uint8_t>* keys, std::size_t count,
                      TrieMatch* out) const noexcept {
  constexpr std::size_t kMaxBurst = 64;
  if (blob_.empty()) {
    for (std::size_t i = 0; i < count; ++i) out[i] = TrieMatch{};
    return;
  }
  for (std::size_t first = 0; first < count; first += kMaxBurst) {
    const std::size_t n = std::min(kMaxBurst, count - first);
    Step steps[kMaxBurst];
    std::uint8_t active[kMaxBurst];
    for (std::size_t i = 0; i < n; ++i) {
      out[first + i] = TrieMatch{};
      steps[i] = Step{0, 0, &out[first + i], 0};
      active[i] = static_cast<std::uint8_t>(i);
    }
    // Each round advances every unfinished query by half a record at most:
    // it reads a record (prefetched a round earlier) and either finishes,
    // or finds where its child's offset is stored. When that slot is on a
    // line already read, it follows it now and prefetches the child's first
    // two lines; when it is further on (dense records are up to 1 KiB), it
    // prefetches the slot and reads it next round. Every miss a query waits
    // for is overlapped with the other queries' work.
    std::size_t live = n;
    while (live > 0) {
      std::size_t kept = 0;
      for (std::size_t j = 0; j < live; ++j) {
        const std::uint8_t i = active[j];
        Step& s = steps[i];
        if (s.slot != 0) {
          s.offset = load32(blob_.data() + s.slot);
          s.slot = 0;
        } else if (!descend<true>(s, keys[first + i])) {
          continue;
        }
        const std::uint8_t* next = blob_.data() + (s.slot != 0 ? s.slot : s.offset);
        __builtin_prefetch(next);
        if (s.slot == 0) __builtin_prefetch(next + 64);
        active[kept++] = i;
      }
      live = kept;
    }
  }
}

namespace {

class TrieBuilder {
 public:
  TrieBuilder(std::span<const std::span<const std::uint8_t>> keys,
              std::span<const std::uint32_t> values)
      : keys_(keys), values_(values) {}

  LargeVector<std::uint8_t> build() {
    if (keys_.empty()) {
      emit_record(kNoValue, {}, {});
    } else {
      build_range(0, keys_.size(), 0);
    }
    blob_.resize(blob_.size() + Trie::kTailPadding, 0);
    return std::move(blob_);
  }

 private:
  // Writes the record for keys[lo, hi), which share their first `depth`
  // bytes, and (depth first) the records below it. Returns its offset.
  std::uint32_t build_range(std::size_t lo, std::size_t hi, std::size_t depth) {
    const auto& first_key = keys_[lo];
    const auto& last_key = keys_[hi - 1];
    std::size_t lcp = depth;
    while (lcp < first_key.size() && lcp < last_key.size() && first_key[lcp] == last_key[lcp] &&
           lcp - depth < 255) {
      ++lcp;
    }
    std::uint32_t value = kNoValue;
    std::size_t begin = lo;
    if (first_key.size() == lcp) {
      value = values_[lo];
      ++begin;
    }
    // Children: runs of keys sharing the byte at `lcp` (at most 256).
    std::uint8_t child_bytes[256];
    std::uint32_t bounds[257];
    std::size_t children = 0;
    for (std::size_t i = begin; i < hi; ++i) {
      const std::uint8_t c = keys_[i][lcp];
      if (children == 0 || child_bytes[children - 1] != c) {
        child_bytes[children] = c;
        bounds[children++] = static_cast<std::uint32_t>(i);
      }
    }
    bounds[children] = static_cast<std::uint32_t>(hi);
    const Emitted self =
        emit_record(value, first_key.subspan(depth, lcp - depth), {child_bytes, children});
    for (std::size_t c = 0; c < children; ++c) {
      const std::uint32_t child = build_range(bounds[c], bounds[c + 1], lcp + 1);
      std::memcpy(blob_.data() + self.child_slots + 4 * c, &child, 4);
    }
    return self.offset;
  }

  struct Emitted {
    std::uint32_t offset;      // of the record
    std::size_t child_slots;   // where its child offsets go, filled as children are built
  };

  Emitted emit_record(std::uint32_t value, std::span<const std::uint8_t> prefix,
                      std::span<const std::uint8_t> child_bytes) {
    const std::size_t offset = blob_.size();
    if (offset > 0xfffffff0u) throw std::length_error("name trie exceeds 4 GiB");
    const std::uint16_t count = static_cast<std::uint16_t>(child_bytes.size());
    const std::uint8_t kind = count <= Trie::kMaxSparse ? Trie::kSparse : Trie::kDense;
    put32(value);
    blob_.push_back(static_cast<std::uint8_t>(prefix.size()));
    blob_.push_back(kind);
    blob_.push_back(static_cast<std::uint8_t>(count & 0xff));
    blob_.push_back(static_cast<std::uint8_t>(count >> 8));
    blob_.insert(blob_.end(), prefix.begin(), prefix.end());
    pad4();
    if (kind == Trie::kSparse) {
      blob_.insert(blob_.end(), child_bytes.begin(), child_bytes.end());
      pad4();
    } else {
      std::uint64_t bitmap[4] = {0, 0, 0, 0};
      for (std::uint8_t c : child_bytes) bitmap[c >> 6] |= std::uint64_t{1} << (c & 63);
      const std::size_t at = blob_.size();
      blob_.resize(at + 32);
      std::memcpy(blob_.data() + at, bitmap, 32);
      unsigned rank = 0;
      for (int w = 0; w < 4; ++w) {
        blob_.push_back(static_cast<std::uint8_t>(rank));
        rank += static_cast<unsigned>(std::popcount(bitmap[w]));
      }
    }
    const std::size_t slots = blob_.size();
    blob_.resize(slots + 4u * count, 0);
    return Emitted{static_cast<std::uint32_t>(offset), slots};
  }

  void put32(std::uint32_t v) {
    const std::size_t at = blob_.size();
    blob_.resize(at + 4);
    std::memcpy(blob_.data() + at, &v, 4);
  }
  void pad4() { blob_.resize(align4(blob_.size()), 0); }

  std::span<const std::span<const std::uint8_t>> keys_;
  std::span<const std::uint32_t> values_;
  LargeVector<std::uint8_t> blob_;
};

}  // namespace

Trie build_trie(std::span<const std::span<const std::uint8_t>> keys,
                std::span<const std::uint32_t> values) {
  return Trie(TrieBuilder(keys, values).build());
}

}  // namespace canon::zones
