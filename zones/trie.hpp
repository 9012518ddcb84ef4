// A compressed, read-only byte trie over lookup keys (see name.hpp).
//
// Layout: one flat byte array of variable-size records, 4-byte aligned,
// addressed by 32-bit byte offsets; the root record is at offset 0. There are
// no pointers, so a trie can be copied, mapped or freed as one block.
//
//   record   u32 value           node id of the key that ends after `prefix`, or kNoValue
//            u8  prefix_length   bytes of compressed path, matched before branching
//            u8  kind            kSparse (child bytes listed) | kDense (256-bit bitmap)
//            u16 child_count
//            u8  prefix[prefix_length]                      padded to 4
//   sparse:  u8  child_byte[child_count]                    padded to 4
//            u32 child_offset[child_count]
//   dense:   u64 bitmap[4]; u8 rank[4] (set bits in the words before word i)
//            u32 child_offset[child_count]                  in byte order
//
// Worked example, the keys of example.com (node 0), a.example.com (1),
// b.example.com (2) and ab.example.com (3), sorted:
//
//   "\3com\7example"  "\3com\7example\1a"  "\3com\7example\1b"  "\3com\7example\2ab"
//
//   @0   value 0, prefix "\3com\7example", sparse {01 → @28, 02 → @56}
//   @28  value -, prefix "",               sparse {'a' → @44, 'b' → @52}
//   @44  value 1, prefix "", no children      (a.example.com)
//   @52  value 2, prefix "", no children      (b.example.com)
//   @56  value 3, prefix "ab", no children    (ab.example.com)
//
// A query for x.a.example.com ("…\1a\1x") passes @0 (value 0) and @44
// (value 1), finds no child 01 there and stops: no exact match, closest
// encloser a.example.com.
//
// Descent (find): match the prefix; if the query ends here the record's value
// is the exact match; otherwise branch on the next byte. Every record passed
// whose value is set is an ancestor-or-self of the query that exists in the
// data (keys are label-aligned, so a stored key that is a prefix of the query
// ends on one of its label boundaries): the deepest one is the closest
// encloser. Empty non-terminals are stored as nodes, so it is exact.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

#include "zones/huge_pages.hpp"

namespace canon::zones {

inline constexpr std::uint32_t kNoValue = 0xffffffffu;

struct TrieMatch {
  std::uint32_t exact = kNoValue;     // node id of the query name, if stored
  std::uint32_t encloser = kNoValue;  // deepest stored ancestor-or-self, kNoValue if none
  std::uint8_t encloser_key_length = 0;  // its key length: the labels of the query it covers
};

class Trie {
 public:
  Trie() = default;
  explicit Trie(LargeVector<std::uint8_t> blob) : blob_(std::move(blob)) {}

  [[nodiscard]] TrieMatch find(std::span<const std::uint8_t> key) const noexcept;

  // Finds `count` keys at once, walking them level by level in turn and
  // prefetching each one's next record, so the cache misses of different
  // queries overlap (DPDK l3fwd_em_hlm style).
  void find_burst(const std::span<const std::uint8_t>* keys, std::size_t count,
                  TrieMatch* out) const noexcept;

  [[nodiscard]] std::size_t bytes() const noexcept { return blob_.size(); }
  [[nodiscard]] bool empty() const noexcept { return blob_.empty(); }

  // Record layout constants, shared with the builder.
  static constexpr std::uint8_t kSparse = 0;
  static constexpr std::uint8_t kDense = 1;
  static constexpr std::size_t kHeaderBytes = 8;
  static constexpr std::size_t kMaxSparse = 8;
  // Zero bytes kept after the last record so a record can be read whole.
  static constexpr std::size_t kTailPadding = 64;

 private:
  struct Step;
  template <bool kSplit>
  [[nodiscard]] bool descend(Step& s, std::span<const std::uint8_t> key) const noexcept;

  LargeVector<std::uint8_t> blob_;
};

// Builds a trie from keys sorted byte-wise, without duplicates; the value of
// keys[i] is values[i].
[[nodiscard]] Trie build_trie(std::span<const std::span<const std::uint8_t>> keys,
                              std::span<const std::uint32_t> values);

}  // namespace canon::zones
