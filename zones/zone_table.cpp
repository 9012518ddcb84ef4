#include "zones/zone_table.hpp"

#include <algorithm>
#include <bit>
#include <cstring>
#include <unordered_map>
#include <stdexcept>

#include "zones/find_names.hpp"
#include "zones/name_hash.hpp"

namespace canon::zones {

namespace {

constexpr unsigned kMaskTop = 63;  // label_mask_ bit for 63 labels or more

unsigned label_count(std::span<const std::uint8_t> wire) noexcept {
  unsigned labels = 0;
  for (std::size_t at = 0; at < wire.size() && wire[at] != 0; at += 1u + wire[at]) ++labels;
  return labels;
}

}  // namespace

ZoneTable::ZoneTable(std::vector<std::shared_ptr<const Snapshot>> units, const ZoneTable* previous,
                     std::size_t own_index_nodes)
    : owners_(std::move(units)), own_index_nodes_(previous != nullptr ? previous->own_index_nodes_ : own_index_nodes) {
  std::size_t zones = 0;
  for (const auto& unit : owners_) {
    if (!unit) throw std::invalid_argument("a zone table unit is null");
    unit_pointers_.push_back(unit.get());
    zones += unit->zones().size();
  }
  if (owners_.size() == 1) {
    only_ = owners_.front().get();  // every name goes to it: no slots to probe
    return;
  }
  // Slots: a unit the previous table served keeps its number.
  if (previous != nullptr && previous->only_ == nullptr) {
    std::unordered_map<const Snapshot*, std::uint32_t> was;
    for (std::uint32_t slot = 0; slot < previous->slot_units_.size(); ++slot) {
      if (previous->slot_units_[slot] != nullptr) was.emplace(previous->slot_units_[slot], slot);
    }
    slot_units_.assign(previous->slot_units_.size(), nullptr);
    free_slots_ = previous->free_slots_;
    std::vector<const Snapshot*> fresh;
    for (const Snapshot* unit : unit_pointers_) {
      const auto it = was.find(unit);
      if (it != was.end()) slot_units_[it->second] = unit;
      else fresh.push_back(unit);
    }
    // Slots freed now are reused by the next table, once no page names them.
    for (const auto& [unit, slot] : was) {
      if (slot_units_[slot] == nullptr) free_slots_.push_back(slot);
    }
    std::vector<std::uint32_t> reusable = previous->free_slots_;
    for (const Snapshot* unit : fresh) {
      if (!reusable.empty()) {
        slot_units_[reusable.back()] = unit;
        std::erase(free_slots_, reusable.back());
        reusable.pop_back();
      } else {
        slot_units_.push_back(unit);
      }
    }
  } else {
    previous = nullptr;
    slot_units_ = unit_pointers_;
  }
  const std::size_t size = std::bit_ceil(std::max<std::size_t>(4, zones * 2));
  slots_.assign(size, Slot{0, kNone, 0, 0});
  slot_mask_ = static_cast<std::uint32_t>(size - 1);
  for (std::uint32_t slot = 0; slot < slot_units_.size(); ++slot) {
    if (slot_units_[slot] == nullptr) continue;
    const Snapshot& unit = *slot_units_[slot];
    for (std::uint32_t z = 0; z < unit.zones().size(); ++z) {
      const Zone& zone = unit.zone(z);
      add_origin({unit.name(zone.origin), zone.origin_length}, slot, z);
    }
  }
  list_own_indexed();
  build_index(previous);
}

void ZoneTable::build_index(const ZoneTable* previous) {
  const std::size_t slots = slot_units_.size();
  // The units whose names go in anew: those new to the table, and those
  // with a zone below them that appeared or went (their names under it
  // change hands). Their old entries, and those of the units that went,
  // come out.
  std::vector<bool> put(slots, false);
  std::vector<bool> dropped(std::max(slots, previous ? previous->slot_units_.size() : 0), false);
  std::vector<const Snapshot*> gone;
  for (std::uint32_t slot = 0; slot < slots; ++slot) {
    const Snapshot* unit = slot_units_[slot];
    if (unit == nullptr) continue;
    const bool was_here = previous != nullptr && slot < previous->slot_units_.size() &&
                          previous->slot_units_[slot] == unit;
    put[slot] = !was_here;
  }
  if (previous != nullptr) {
    for (std::uint32_t slot = 0; slot < previous->slot_units_.size(); ++slot) {
      const Snapshot* unit = previous->slot_units_[slot];
      if (unit != nullptr && (slot >= slots || slot_units_[slot] != unit)) {
        gone.push_back(unit);
        dropped[slot] = true;
      }
    }
  }
  // A zone below another unit's zone, in this table or the last, and
  // whether it changed: its parent units re-sort their names.
  std::vector<bool> has_below(slots, false);
  // visit(slot) for each origin of `table` strictly above `wire`.
  auto parents_of = [](const ZoneTable& table, const std::uint8_t* wire, std::size_t length, auto&& visit) {
    std::uint8_t padded[kMaxNameLength + 16] = {};
    for (std::size_t i = 0; i < length; ++i) padded[i] = to_lower(wire[i]);
    for (std::size_t at = 0; padded[at] != 0;) {
      at += 1u + padded[at];
      if (const Slot* slot = table.find_origin(padded + at, length - at)) visit(slot->unit);
    }
  };
  // Whether `other` lacks the origin of `zone`.
  auto origin_changed = [](const ZoneTable* other, const Snapshot& unit, const Zone& zone) {
    if (other == nullptr) return true;
    std::uint8_t padded[kMaxNameLength + 16] = {};
    for (std::size_t i = 0; i < zone.origin_length; ++i) padded[i] = to_lower(unit.name(zone.origin)[i]);
    return other->find_origin(padded, zone.origin_length) == nullptr;
  };
  // A zone new to the table whose origin is new too: its parents re-sort.
  const std::vector<bool> fresh = put;
  for (std::uint32_t slot = 0; slot < slots; ++slot) {
    if (!fresh[slot] || previous == nullptr) continue;
    const Snapshot* unit = slot_units_[slot];
    for (const Zone& zone : unit->zones()) {
      if (!origin_changed(previous, *unit, zone)) continue;
      parents_of(*this, unit->name(zone.origin), zone.origin_length, [&](std::uint32_t parent) {
        if (parent != slot && !put[parent]) {
          put[parent] = true;
          dropped[parent] = true;
        }
      });
    }
  }
  // A zone that went, its origin with it: its parents re-sort too.
  for (const Snapshot* unit : gone) {
    for (const Zone& zone : unit->zones()) {
      if (!origin_changed(this, *unit, zone)) continue;
      parents_of(*this, unit->name(zone.origin), zone.origin_length, [&](std::uint32_t parent) {
        if (!put[parent]) {
          put[parent] = true;
          dropped[parent] = true;
        }
      });
    }
  }
  // Which units putting names in have a served zone below them (those
  // names are checked against the table). None can when no origin has more
  // labels than theirs: then no scan of every origin.
  unsigned fewest_put_labels = kMaskTop + 1;
  for (std::uint32_t slot = 0; slot < slots; ++slot) {
    if (!put[slot]) continue;
    for (const Zone& zone : slot_units_[slot]->zones()) {
      fewest_put_labels = std::min(fewest_put_labels,
                                   label_count({slot_units_[slot]->name(zone.origin), zone.origin_length}));
    }
  }
  if (fewest_put_labels < kMaskTop && (label_mask_ >> (fewest_put_labels + 1)) != 0) {
    for (std::uint32_t slot = 0; slot < slots; ++slot) {
      const Snapshot* unit = slot_units_[slot];
      if (unit == nullptr) continue;
      for (const Zone& zone : unit->zones()) {
        parents_of(*this, unit->name(zone.origin), zone.origin_length, [&](std::uint32_t parent) {
          if (parent != slot) has_below[parent] = true;
        });
      }
    }
  }
  // The records: each name of a unit put in whose deepest served zone is
  // that unit's; the hashes of every name whose entry comes out.
  std::vector<TableIndex::Record> records;
  std::vector<std::uint32_t> touched;
  IndexedName indexed;
  for (std::uint32_t slot = 0; slot < slots; ++slot) {
    if (!put[slot] || own_index(*slot_units_[slot])) continue;
    const Snapshot* unit = slot_units_[slot];
    unit->for_each_name([&](std::span<const std::uint8_t> tail, std::uint32_t node, std::span<const std::uint8_t> full) {
      make_indexed_name(full.data(), full.size(), indexed);
      if (dropped[slot]) touched.push_back(indexed.hash);
      if (has_below[slot] && unit_for(indexed) != unit) return;  // a served zone below answers it
      records.push_back(TableIndex::Record{indexed.hash, slot, node, tail});
    });
  }
  for (const Snapshot* unit : gone) {
    if (own_index(*unit)) continue;  // it had no entries
    unit->for_each_name([&](std::span<const std::uint8_t>, std::uint32_t, std::span<const std::uint8_t> full) {
      make_indexed_name(full.data(), full.size(), indexed);
      touched.push_back(indexed.hash);
    });
  }
  index_ = TableIndex(previous != nullptr ? previous->index_ : TableIndex(), touched, dropped, records);
}

void ZoneTable::add_origin(std::span<const std::uint8_t> wire, std::uint32_t unit, std::uint32_t zone) {
  const std::size_t at = origins_.size();
  origins_.resize(at + 8 + (wire.size() + 7) / 8 * 8, 0);
  origins_[at] = static_cast<std::uint8_t>(wire.size());
  for (std::size_t i = 0; i < wire.size(); ++i) origins_[at + 8 + i] = to_lower(wire[i]);
  const std::uint8_t* padded = origins_.data() + at + 8;
  if (const Slot* existing = find_origin(padded, wire.size())) {
    Slot& slot = slots_[static_cast<std::size_t>(existing - slots_.data())];
    slot.unit = unit;  // the later unit serves it
    slot.zone = zone;
    origins_.resize(at);
    return;
  }
  const std::uint32_t hash = hash_padded(padded, wire.size());
  std::uint32_t i = hash & slot_mask_;
  while (slots_[i].origin != kNone) i = (i + 1) & slot_mask_;
  slots_[i] = Slot{hash, static_cast<std::uint32_t>(at), unit, zone};
  label_mask_ |= std::uint64_t{1} << std::min(label_count(wire), kMaskTop);
}

inline const ZoneTable::Slot* ZoneTable::find_origin(const std::uint8_t* suffix, std::size_t length) const noexcept {
  const std::uint32_t hash = hash_padded(suffix, length);
  const Slot* slots = slots_.data();
  for (std::uint32_t i = hash & slot_mask_;; i = (i + 1) & slot_mask_) {
    const Slot& slot = slots[i];
    if (slot.hash == hash && slot.origin != kNone) [[likely]] {
      const std::uint8_t* origin = origins_.data() + slot.origin;
      std::uint64_t diff = origin[0] ^ length;
      for (std::size_t w = 0; w < length; w += 8) diff |= load_word(origin + 8 + w) ^ load_word(suffix + w);
      if (diff == 0) return &slot;
    } else if (slot.origin == kNone) {
      return nullptr;
    }
  }
}

// The deepest origin at or above the name whose labels start at `starts`
// (`labels` of them, starts[labels] the root), of at most `longest` labels.
inline const Snapshot* ZoneTable::deepest(const IndexedName& name, const std::uint8_t* starts, unsigned labels,
                                          unsigned longest) const noexcept {
  // Only the label counts some origin has, longest first; bit 63 stands
  // for every count from 63 up.
  std::uint64_t counts = label_mask_;
  if (longest < kMaskTop) counts &= (std::uint64_t{2} << longest) - 1;
  while (counts != 0) {
    const unsigned top = 63u - static_cast<unsigned>(std::countl_zero(counts));
    counts ^= std::uint64_t{1} << top;
    if (top == kMaskTop) [[unlikely]] {
      for (unsigned k = longest; k >= kMaskTop; --k) {
        const std::size_t offset = starts[labels - k];
        if (const Slot* slot = find_origin(name.bytes + offset, name.length - offset)) return slot_units_[slot->unit];
      }
      continue;
    }
    const std::size_t offset = starts[labels - top];
    if (const Slot* slot = find_origin(name.bytes + offset, name.length - offset)) return slot_units_[slot->unit];
  }
  return nullptr;
}

const Snapshot* ZoneTable::unit_for(const IndexedName& name, bool strictly_above) const noexcept {
  if (only_ != nullptr) return only_;
  if (slots_.empty()) return nullptr;
  // Where each label starts; starts[labels] is the root.
  std::uint8_t starts[kMaxNameLength / 2 + 2];
  unsigned labels = 0;
  std::size_t at = 0;
  for (; name.bytes[at] != 0; at += 1u + name.bytes[at]) starts[labels++] = static_cast<std::uint8_t>(at);
  starts[labels] = static_cast<std::uint8_t>(at);
  if (strictly_above && labels == 0) return nullptr;
  return deepest(name, starts, labels, strictly_above ? labels - 1 : labels);
}

void ZoneTable::find_names_burst(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                                 TrieMatch* out) const noexcept {
  if (only_ != nullptr) {
    for (std::size_t i = 0; i < count; ++i) units[i] = only_;
    Snapshot::find_names_burst(units, names, count, out);
    return;
  }
  if (!own_indexed_.empty()) {
    find_names_with_own_indexes(names, count, units, out);
    return;
  }
  find_names_in_index(names, count, units, out);
}

void ZoneTable::find_names_in_index(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                                    TrieMatch* out) const noexcept {
  for (std::size_t i = 0; i < count; ++i) units[i] = nullptr;
  detail::find_names_staged(
      names, count, units, out, /*units_given=*/false,
      [this](const IndexedName* const* batch, std::size_t n, const Snapshot** found, std::uint32_t* nodes) {
        index_.find_exact_burst(batch, n, slot_units_, found, nodes);
      },
      [this](const IndexedName& name, const Snapshot*& unit) {
        // Three parents missed: the unit of the deepest origin walks it.
        unit = unit_for(name);
        if (unit == nullptr) return TrieMatch{};
        LookupKey key;
        make_key(name.bytes, key);
        return unit->find(key.view());
      });
}

// A name ending in a big unit's origin is that unit's to find (or, with a
// served zone below the origin, its deepest origin's unit's); the rest, and
// a name the unit says is outside its zones after all (an origin's octets
// inside a label), take the index.
void ZoneTable::find_names_with_own_indexes(const IndexedName* const* names, std::size_t count,
                                            const Snapshot** units, TrieMatch* out) const noexcept {
  constexpr std::size_t kChunk = detail::kFindChunk;
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t n = std::min(kChunk, count - first);
    const IndexedName* const* name = names + first;
    const Snapshot** unit = units + first;
    TrieMatch* found = out + first;
    // The big units' names, in place (a null unit: not one of theirs).
    for (std::size_t i = 0; i < n; ++i) {
      const OwnIndexed* big = own_indexed_for(*name[i]);
      unit[i] = big == nullptr ? nullptr : big->zone_below ? unit_for(*name[i]) : big->unit;
    }
    Snapshot::find_names_burst(unit, name, n, found);
    // The rest, gathered: the index's.
    const IndexedName* rest_names[kChunk];
    const Snapshot* rest_units[kChunk];
    TrieMatch rest_found[kChunk];
    std::uint8_t rest_at[kChunk];
    std::size_t rest = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (unit[i] != nullptr && found[i].encloser != kNone) continue;
      rest_names[rest] = name[i];
      rest_at[rest++] = static_cast<std::uint8_t>(i);
    }
    if (rest == 0) continue;
    find_names_in_index(rest_names, rest, rest_units, rest_found);
    for (std::size_t k = 0; k < rest; ++k) {
      found[rest_at[k]] = rest_found[k];
      unit[rest_at[k]] = rest_units[k];
    }
  }
}

inline const ZoneTable::OwnIndexed* ZoneTable::own_indexed_for(const IndexedName& name) const noexcept {
  for (const OwnIndexed& big : own_indexed_) {  // deepest origin first
    if (name.length < big.length) continue;
    // Word by word; the name's buffer is padded, and the origin's last
    // word zero-padded: the octets past the name are masked out.
    const std::uint8_t* suffix = name.bytes + name.length - big.length;
    const std::uint8_t* origin = origins_.data() + big.origin + 8;
    std::uint64_t diff = 0;
    std::size_t w = 0;
    for (; w + 8 <= big.length; w += 8) diff |= load_word(suffix + w) ^ load_word(origin + w);
    if (w < big.length) {
      const std::uint64_t mask = ~std::uint64_t{0} >> (64 - 8 * (big.length - w));
      diff |= (load_word(suffix + w) ^ load_word(origin + w)) & mask;
    }
    if (diff == 0) return &big;
  }
  return nullptr;
}

void ZoneTable::list_own_indexed() {
  for (const Slot& slot : slots_) {
    if (slot.origin == kNone || !own_index(*slot_units_[slot.unit])) continue;
    own_indexed_.push_back(OwnIndexed{slot_units_[slot.unit], slot.unit, slot.origin, origins_[slot.origin], false});
  }
  if (own_indexed_.empty()) return;
  std::sort(own_indexed_.begin(), own_indexed_.end(),
            [](const OwnIndexed& a, const OwnIndexed& b) { return a.length > b.length; });
  // A zone of another unit below a big unit's origin takes the names under
  // it: those of the big unit's names go by their deepest origin.
  for (const Slot& slot : slots_) {
    if (slot.origin == kNone) continue;
    const std::uint8_t* origin = origins_.data() + slot.origin + 8;
    const std::size_t length = origins_[slot.origin];
    for (std::size_t at = 0; origin[at] != 0;) {
      at += 1u + origin[at];
      for (OwnIndexed& big : own_indexed_) {
        if (big.slot != slot.unit && big.length == length - at &&
            std::memcmp(origin + at, origins_.data() + big.origin + 8, big.length) == 0) {
          big.zone_below = true;
        }
      }
    }
  }
}

std::size_t ZoneTable::zone_count() const noexcept {
  std::size_t n = 0;
  for (const Snapshot* unit : units()) n += unit->zones().size();
  return n;
}

std::uint64_t ZoneTable::record_count() const noexcept {
  std::uint64_t n = 0;
  for (const Snapshot* unit : units()) n += unit->record_count();
  return n;
}

std::size_t ZoneTable::bytes() const noexcept {
  std::size_t n = slots_.size() * sizeof(Slot) + origins_.size() + unit_pointers_.size() * sizeof(void*) +
                  slot_units_.size() * sizeof(void*) + index_.bytes();
  for (const Snapshot* unit : units()) n += unit->bytes();
  return n;
}

}  // namespace canon::zones
