#include "zones/zone_table.hpp"

#include <bit>
#include <stdexcept>

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

ZoneTable::ZoneTable(std::vector<std::shared_ptr<const Snapshot>> units) : owners_(std::move(units)) {
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
  const std::size_t size = std::bit_ceil(std::max<std::size_t>(4, zones * 2));
  slots_.assign(size, Slot{0, kNone, 0, 0});
  slot_mask_ = static_cast<std::uint32_t>(size - 1);
  for (std::uint32_t u = 0; u < owners_.size(); ++u) {
    const Snapshot& unit = *owners_[u];
    for (std::uint32_t z = 0; z < unit.zones().size(); ++z) {
      const Zone& zone = unit.zone(z);
      add_origin({unit.name(zone.origin), zone.origin_length}, u, z);
    }
  }
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
// (`labels` of them, starts[labels] the root; `longest`: the most labels an
// origin may take, at most `labels`).
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
        if (const Slot* slot = find_origin(name.bytes + offset, name.length - offset)) return unit_pointers_[slot->unit];
      }
      continue;
    }
    const std::size_t offset = starts[labels - top];
    if (const Slot* slot = find_origin(name.bytes + offset, name.length - offset)) return unit_pointers_[slot->unit];
  }
  return nullptr;
}

const Snapshot* ZoneTable::unit_for(const IndexedName& name, bool strictly_above) const noexcept {
  if (only_ != nullptr) return only_;
  if (slots_.empty()) return nullptr;
  const std::uint8_t* starts = name.label_starts;
  unsigned labels = name.label_count;
  std::uint8_t counted[kMaxNameLength / 2 + 2];
  if (labels == IndexedName::kNotCounted) {
    labels = 0;
    std::size_t at = 0;
    for (; name.bytes[at] != 0; at += 1u + name.bytes[at]) counted[labels++] = static_cast<std::uint8_t>(at);
    counted[labels] = static_cast<std::uint8_t>(at);  // the root
    starts = counted;
  }
  if (strictly_above && labels == 0) return nullptr;
  return deepest(name, starts, labels, strictly_above ? labels - 1 : labels);
}

void ZoneTable::find_names_burst(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                                 TrieMatch* out) const noexcept {
  if (only_ != nullptr) {
    for (std::size_t i = 0; i < count; ++i) units[i] = only_;
  } else if (slots_.empty() || (label_mask_ >> kMaskTop) != 0) {
    for (std::size_t i = 0; i < count; ++i) units[i] = unit_for(*names[i]);
  } else {
    // The common case written out flat (the parser counted the labels, no
    // origin has 63 of them): per name, per label count an origin has,
    // longest first, hash that suffix and probe its slots.
    const Slot* const slots = slots_.data();
    const std::uint8_t* const origins = origins_.data();
    const std::uint32_t slot_mask = slot_mask_;
    for (std::size_t i = 0; i < count; ++i) {
      const IndexedName& name = *names[i];
      const unsigned labels = name.label_count;
      if (labels == IndexedName::kNotCounted) [[unlikely]] {
        units[i] = unit_for(name);
        continue;
      }
      const Snapshot* unit = nullptr;
      std::uint64_t counts = label_mask_ & ((std::uint64_t{2} << labels) - 1);
      while (counts != 0 && unit == nullptr) {
        const unsigned k = 63u - static_cast<unsigned>(std::countl_zero(counts));
        counts ^= std::uint64_t{1} << k;
        const std::uint32_t offset = name.label_starts[labels - k];
        const std::uint32_t length = name.length - offset;
        const std::uint8_t* suffix = name.bytes + offset;
        std::uint32_t hash = length;
        for (std::uint32_t w = 0; w < length; w += 8) hash = hash_step(hash, load_word(suffix + w));
        for (std::uint32_t at = hash & slot_mask;; at = (at + 1) & slot_mask) {
          const Slot& slot = slots[at];
          if (slot.origin == kNone) break;
          if (slot.hash != hash) continue;
          const std::uint8_t* origin = origins + slot.origin;
          if (origin[0] != length) continue;
          std::uint32_t w = 0;
          while (w < length && load_word(origin + 8 + w) == load_word(suffix + w)) w += 8;
          if (w >= length) {
            unit = unit_pointers_[slot.unit];
            break;
          }
        }
      }
      units[i] = unit;
    }
  }
  Snapshot::find_names_burst(units, names, count, out);
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
  std::size_t n = slots_.size() * sizeof(Slot) + origins_.size() + unit_pointers_.size() * sizeof(void*);
  for (const Snapshot* unit : units()) n += unit->bytes();
  return n;
}

}  // namespace canon::zones
