// The zone table's exact-name index: every name of every unit, so that one
// hashed probe of a query name finds both the unit that answers it and its
// node there (ZoneTable::find_names_burst). It is split into pages by the
// top bits of the hash, each page built on its own and shared between
// tables: replacing a zone rebuilds the pages its names fall in (old and
// new) and shares the rest, so a change costs the zone, not the fleet.
//
//   pages     kPages pointers; page p holds the names whose hash >> 20 == p
//   a page    u32 directory[bucket_count + 1]   bucket b: entries [d[b], d[b+1])
//             entries, packed, unaligned:
//               u32 hash   u32 unit (its slot in the table)   u32 node
//               u8  tail_length   u8 tail[tail_length]   (the labels in front
//               of the node's zone origin, lower-cased wire form)
//
// A name is held by one unit only: the unit of the deepest served zone
// above it (ZoneTable decides which names a unit contributes), so the
// first entry that matches is the answer. The hash is the one the units'
// own indexes use (name_index.hpp); every match is checked octet by octet,
// the origin against the unit's zone.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "zones/name_index.hpp"
#include "zones/snapshot.hpp"

namespace canon::zones {

class TableIndex {
 public:
  static constexpr unsigned kPageBits = 12;
  static constexpr std::size_t kPages = std::size_t{1} << kPageBits;
  static constexpr unsigned kInPageBits = 32 - kPageBits;

  // A name to put in: its hash, unit slot, node and tail (bytes owned by the caller).
  struct Record {
    std::uint32_t hash;
    std::uint32_t unit;
    std::uint32_t node;
    std::span<const std::uint8_t> tail;
  };

  // An index with no names and no pages (nothing allocated): only a
  // table's first index is built from it.
  TableIndex() noexcept = default;

  // `previous` with the pages holding `touched` hashes rebuilt: their
  // entries of the slots `dropped[slot]` left out, `added` put in. Every
  // added record's page counts as touched. Control plane.
  TableIndex(const TableIndex& previous, std::span<const std::uint32_t> touched,
             const std::vector<bool>& dropped, std::span<const Record> added);

  // For each of `count` names: the node of the entry that holds it
  // (kNone: none) and, when there is one, its unit in unit_out (left as it
  // is otherwise), the misses overlapped across the names. `units` maps
  // slots to units.
  void find_exact_burst(const IndexedName* const* names, std::size_t count,
                        std::span<const Snapshot* const> units, const Snapshot** unit_out,
                        std::uint32_t* node_out) const noexcept;

  [[nodiscard]] static std::uint32_t page_of(std::uint32_t hash) noexcept { return hash >> kInPageBits; }
  [[nodiscard]] std::size_t bytes() const noexcept;

 private:
  struct Page {
    std::uint64_t bucket_count = 1;
    std::vector<std::uint32_t> directory{0, 0};
    std::vector<std::uint8_t> entries = std::vector<std::uint8_t>(kPadding, 0);
  };
  static constexpr std::size_t kEntryHeader = 13;
  static constexpr std::size_t kPadding = 8;

  [[nodiscard]] static std::size_t bucket(std::uint64_t bucket_count, std::uint32_t hash) noexcept {
    return static_cast<std::size_t>((std::uint64_t{hash & ((1u << kInPageBits) - 1)} * bucket_count) >>
                                    kInPageBits);
  }
  static std::shared_ptr<const Page> build_page(const Page* old, const std::vector<bool>& dropped,
                                                std::span<const Record* const> added);

  // What a probe reads of each page, flat: one load less than through pages_.
  struct PageView {
    const std::uint32_t* directory;
    const std::uint8_t* entries;
    std::uint64_t bucket_count;
  };
  void make_views();

  std::vector<std::shared_ptr<const Page>> pages_;  // owners
  std::vector<PageView> views_;
};

}  // namespace canon::zones
