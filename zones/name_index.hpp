// The exact-name index: the node of a name that exists, from one hashed
// probe, so that names need the trie walk only for a closest encloser more
// than a few labels up (Snapshot::find_names_burst).
// It holds every trie node, empty non-terminals included: a name it lacks
// does not exist, and Snapshot::find_names_burst finds closest enclosers by
// probing it for a name's parents.
//
// Names are hashed in wire form, lower-cased, 8 octets at a time (CRC32C on
// x86-64-v2, a multiply-xor hash with -Dportable=true). Each node is stored
// by its "tail": the labels of its name in front of its zone's origin.
//
//   directory  u32 start[bucket_count + 1]     bucket b is entries[start[b], start[b + 1]);
//                                              about two names per bucket
//   entries    per name, packed, unaligned (6 + tail_length octets):
//                u8  tail_length
//                u8  tag                       low 8 bits of the name's hash
//                u32 node                      native byte order
//                u8  tail[tail_length]         wire form, lower-cased
//   origins    per zone, 8-aligned: u8 length, 7 octets unused, then its
//              lower-cased wire origin, zero-padded to a multiple of 8
//
// Worked example: www.Example.com. in zone example.com. (node 7)
//
//   name   03 'w' 'w' 'w' 07 'e' 'x' 'a' 'm' 'p' 'l' 'e' 03 'c' 'o' 'm' 00   hash h
//   bucket (h * bucket_count) >> 32,   tag h & 0xff
//   entry  04 | tag | 07 00 00 00 | 03 'w' 'w' 'w'
//
// A probe scans its bucket for an entry whose tag and tail equal the name's
// first octets (next_candidate); the rest of the name must then be the
// origin of the candidate node's zone (origin_is), which the caller checks
// with the node's zone number. The hash only picks where to look: every
// answer is checked against all the octets of the name.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "zones/huge_pages.hpp"
#include "zones/name_hash.hpp"
#include "zones/name.hpp"
#include "zones/trie.hpp"  // kNoValue

namespace canon::zones {

// A name ready for the index: wire form, lower-cased, and its hash. The
// octets after the name are zero up to the next multiple of 8 and 8 beyond.
struct IndexedName {
  std::uint8_t length = 0;  // wire octets, root included
  std::uint32_t hash = 0;
  std::uint8_t bytes[kMaxNameLength + 17];
};

// Lower-cases and hashes the well-formed wire name of `length` octets (1..255)
// at `wire`; reads no octet outside it.
void make_indexed_name(const std::uint8_t* wire, std::size_t length, IndexedName& out) noexcept;

class NameIndex {
 public:
  // Where a probe stands in its bucket.
  struct Probe {
    const std::uint8_t* at;
    const std::uint8_t* end;
  };
  struct Candidate {
    std::uint32_t node = kNoValue;  // kNoValue: no (further) entry matches
    std::uint8_t tail_length = 0;
  };

  // The directory slot of the name's bucket; start() reads it.
  [[nodiscard]] const std::uint32_t* slot(std::uint32_t hash) const noexcept {
    return directory_.data() + bucket(hash);
  }
  [[nodiscard]] Probe start(const std::uint32_t* slot) const noexcept {
    return {entries_.data() + slot[0], entries_.data() + slot[1]};
  }
  static void prefetch_entries(const Probe& p) noexcept {
    __builtin_prefetch(p.at);
    if (p.end - p.at > 32) __builtin_prefetch(p.at + 64);
  }

  // The next entry of the bucket whose tag and tail match `name`; moves the
  // probe past it.
  [[nodiscard]] Candidate next_candidate(Probe& p, const IndexedName& name) const noexcept {
    const std::uint8_t tag = static_cast<std::uint8_t>(name.hash);
    while (p.at < p.end) {
      const std::uint8_t* e = p.at;
      const std::uint8_t tail_length = e[0];
      p.at += kEntryHeader + tail_length;
      if (e[1] == tag && tail_length < name.length &&
          same_prefix(e + kEntryHeader, name.bytes, tail_length)) {
        std::uint32_t node;
        std::memcpy(&node, e + 2, sizeof node);
        return {node, tail_length};
      }
    }
    return Candidate{};
  }

  // True when `name` after its first `tail_length` octets is zone `zone`'s
  // origin. Both are zero-padded: whole 8-octet words compare.
  [[nodiscard]] bool origin_is(const IndexedName& name, std::uint8_t tail_length,
                               std::uint32_t zone) const noexcept {
    const std::uint8_t* origin = origins_.data() + origin_offsets_[zone];
    const std::size_t length = origin[0];
    if (length != static_cast<std::size_t>(name.length - tail_length)) return false;
    const std::uint8_t* rest = name.bytes + tail_length;
    for (std::size_t i = 0; i < length; i += 8) {
      if (load_word(origin + 8 + i) != load_word(rest + i)) return false;
    }
    return true;
  }

  // Every name held: f(tail, node, full) with the tail's octets and the
  // whole name (tail and origin) lower-cased in wire form. Control plane.
  // zone_of(node) gives the node's zone number.
  template <class ZoneOf, class F>
  void for_each_name(ZoneOf&& zone_of, F&& f) const {
    std::uint8_t full[kMaxNameLength];
    for (std::size_t at = 0; at + kEntryHeader <= entries_.size() && !directory_.empty() &&
                             at < directory_.back();) {
      const std::uint8_t* e = entries_.data() + at;
      const std::uint8_t tail_length = e[0];
      std::uint32_t node;
      std::memcpy(&node, e + 2, sizeof node);
      const std::uint8_t* origin = origins_.data() + origin_offsets_[zone_of(node)];
      std::memcpy(full, e + kEntryHeader, tail_length);
      std::memcpy(full + tail_length, origin + 8, origin[0]);
      f(std::span<const std::uint8_t>(e + kEntryHeader, tail_length), node,
        std::span<const std::uint8_t>(full, tail_length + origin[0]));
      at += kEntryHeader + tail_length;
    }
  }

  [[nodiscard]] bool empty() const noexcept { return directory_.size() < 2; }
  [[nodiscard]] std::size_t bytes() const noexcept {
    return directory_.size() * sizeof(std::uint32_t) + entries_.size() + origins_.size() +
           origin_offsets_.size() * sizeof(std::uint32_t);
  }

  static constexpr std::size_t kEntryHeader = 6;
  static constexpr std::size_t kPadding = 8;  // zero octets after entries and origins

 private:
  friend class NameIndexBuilder;

  [[nodiscard]] std::size_t bucket(std::uint32_t hash) const noexcept {
    return static_cast<std::size_t>((std::uint64_t{hash} * bucket_count_) >> 32);
  }


  std::uint64_t bucket_count_ = 0;
  std::vector<std::uint32_t, HugePageAllocator<std::uint32_t>> directory_;
  std::vector<std::uint8_t, HugePageAllocator<std::uint8_t>> entries_;
  std::vector<std::uint8_t> origins_;
  std::vector<std::uint32_t> origin_offsets_;
};

// Control plane: collects the names, then lays the index out.
class NameIndexBuilder {
 public:
  // `origins`: each zone's lower-cased wire origin, by zone number.
  explicit NameIndexBuilder(std::span<const std::string> origins);

  // Node `node` of zone `zone` is named `wire` (lower-cased, under the zone's origin).
  void add(std::span<const std::uint8_t> wire, std::uint32_t node, std::uint32_t zone);
  // Room for `names` adds whose names (below their origins) total at most
  // `tail_bytes` octets: sized once instead of grown.
  void reserve(std::size_t names, std::size_t tail_bytes) {
    pending_.reserve(names);
    tails_.reserve(names + tail_bytes);
  }

  [[nodiscard]] NameIndex finish();

 private:
  struct Pending {
    std::uint32_t hash;
    std::uint32_t node;
    std::uint32_t tail;  // offset in tails_: u8 length, then the octets
  };
  NameIndex index_;
  LargeVector<Pending> pending_;
  LargeVector<std::uint8_t> tails_;
  std::uint64_t entry_bytes_ = 0;
};

}  // namespace canon::zones
