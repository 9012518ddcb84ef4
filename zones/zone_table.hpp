// What workers read: the table of compiled zone units. A unit is a Snapshot
// holding one zone (canond compiles each zone alone, so replacing a zone
// builds that zone's unit and a new table sharing every other unit) or
// several (tests, benchmarks and canon-checkzone compile a set at once).
// The table finds, for a query name, the unit of the deepest served zone
// above it and the name's node there in one probe of its own exact-name
// index (table_index.hpp: every unit's names, each under the unit that
// answers it, in pages shared between tables). A name the index lacks is
// found by its parents (find_names.hpp), and after three, by the slots
// below: the unit of its deepest origin, whose trie walks it.
//
// A big unit (kOwnIndexNodes names or more: a customer's million-name zone)
// keeps its names out of the table's index: replacing it would rebuild
// every page (its names fall in all of them), 0.6 s per IXFR of a 1M-name
// zone. A name ending in its origin (one compare per big zone's origin) is
// found by the unit's own index, as if the table held only that unit; a
// name of another zone then takes the index as before.
//
//   own_indexed   per big unit's zone, deepest origin first:
//                   the unit, its slot, its origin (offset in origins),
//                   the origin's length, and whether another unit serves
//                   a zone below it (then its names go by the slots)
//
//   slots     open addressing, power-of-two size, at most half full:
//               u32 hash          hash_padded of the lower-cased wire origin
//               u32 origin        offset in origins, kNone: an empty slot
//               u32 unit          the unit's slot
//               u32 zone          the zone's number inside its unit
//   origins   per zone, 8-aligned: u8 length, 7 octets unused, the
//             lower-cased wire origin zero-padded to a multiple of 8
//   label_mask  bit k: some origin has k labels (bit 63: 63 or more), so a
//             name is probed only at the suffixes that can be an origin —
//             one probe for "www.example.com." when every origin has two
//             labels
//
// A table with one unit needs neither: every name goes to that unit, which
// tells the names outside its zones apart itself (TrieMatch::encloser ==
// kNone). The table never changes once built; the control thread builds a
// new one from the last (sharing its index pages) and publishes it
// (zones/publication.hpp).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "zones/name_index.hpp"
#include "zones/snapshot.hpp"
#include "zones/table_index.hpp"

namespace canon::zones {

class ZoneTable {
 public:
  // A table of the units; an origin served by two units is served by the
  // later one. With `previous`, the index pages no changed unit touches
  // are shared with it: the cost is the units added or removed (and, when
  // a zone appears or goes below a served zone, that parent's names).
  // Control plane: allocates.
  // `own_index_nodes`: the size from which a unit keeps its names out of
  // the index (below); a table built from `previous` takes previous's.
  explicit ZoneTable(std::vector<std::shared_ptr<const Snapshot>> units, const ZoneTable* previous = nullptr,
                     std::size_t own_index_nodes = kOwnIndexNodes);
  // One unit, owned elsewhere, not copied: no allocation, so the engine's
  // Snapshot entry points build one per call.
  explicit ZoneTable(const Snapshot& only) noexcept : only_(&only) {}

  ZoneTable(const ZoneTable&) = delete;
  ZoneTable& operator=(const ZoneTable&) = delete;

  // Each name's unit (nullptr: no served zone holds it) and what it finds
  // there, with the misses of the whole burst overlapped.
  void find_names_burst(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                        TrieMatch* out) const noexcept;

  // The unit of the deepest served zone at or above `name`; nullptr: none.
  // With `strictly_above`, a zone whose origin is `name` itself is passed
  // over: DS is answered from the parent's side of a cut (RFC 4035 §3.1.4.1).
  [[nodiscard]] const Snapshot* unit_for(const IndexedName& name, bool strictly_above = false) const noexcept;

  // ---- the control side's view ------------------------------------------------
  // The units, in the order given (one for a table over one Snapshot).
  [[nodiscard]] std::span<const Snapshot* const> units() const noexcept {
    return {unit_pointers_.empty() ? &only_ : unit_pointers_.data(), unit_pointers_.empty() ? std::size_t{only_ != nullptr} : unit_pointers_.size()};
  }
  [[nodiscard]] std::size_t zone_count() const noexcept;
  [[nodiscard]] std::uint64_t record_count() const noexcept;
  [[nodiscard]] std::size_t bytes() const noexcept;

  // Units of this many names or more find their names with their own
  // index (see above). The index is rebuilt at ~0.6 µs a name: a 512k-name
  // zone's replacement would spend 0.3 s on it, where the unit's own lookup
  // costs its names ~100 instructions more per answer than the index
  // (a_hit 961 against 864 in engine-instructions with
  // CANON_BENCH_OWN_INDEX_NODES=1000: a compare per big origin, the
  // unit's lookup itself 25 more than the index's).
  static constexpr std::size_t kOwnIndexNodes = std::size_t{1} << 19;
  [[nodiscard]] bool own_index(const Snapshot& unit) const noexcept {
    return unit.node_count() >= own_index_nodes_;
  }

 private:
  struct Slot {
    std::uint32_t hash;
    std::uint32_t origin;
    std::uint32_t unit;
    std::uint32_t zone;
  };
  // The slot of the origin `suffix` (`length` octets, padded), or nullptr.
  [[nodiscard]] const Slot* find_origin(const std::uint8_t* suffix, std::size_t length) const noexcept;
  [[nodiscard]] const Snapshot* deepest(const IndexedName& name, const std::uint8_t* starts, unsigned labels,
                                        unsigned longest) const noexcept;
  void add_origin(std::span<const std::uint8_t> wire, std::uint32_t unit, std::uint32_t zone);

  // Builds the index from `previous` (or from nothing).
  void build_index(const ZoneTable* previous);
  void list_own_indexed();
  struct OwnIndexed {
    const Snapshot* unit;
    std::uint32_t slot;
    std::uint32_t origin;
    std::uint8_t length;
    bool zone_below;
  };
  [[nodiscard]] const OwnIndexed* own_indexed_for(const IndexedName& name) const noexcept;
  // find_names_burst by the index alone, and when some unit has its own.
  void find_names_in_index(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                           TrieMatch* out) const noexcept;
  void find_names_with_own_indexes(const IndexedName* const* names, std::size_t count,
                                   const Snapshot** units, TrieMatch* out) const noexcept;

  const Snapshot* only_ = nullptr;  // set: a one-unit table, no slots
  std::vector<std::shared_ptr<const Snapshot>> owners_;
  std::vector<const Snapshot*> unit_pointers_;  // in the order given
  // Each unit's slot number, stable from table to table while it is
  // served: the index's entries name units by slot.
  std::vector<const Snapshot*> slot_units_;     // nullptr: a free slot
  std::vector<std::uint32_t> free_slots_;
  TableIndex index_;
  std::vector<Slot> slots_;
  std::vector<std::uint8_t> origins_;
  std::uint64_t label_mask_ = 0;
  std::uint32_t slot_mask_ = 0;
  std::vector<OwnIndexed> own_indexed_;
  std::size_t own_index_nodes_ = kOwnIndexNodes;
};

}  // namespace canon::zones
