#include "zones/snapshot.hpp"

#include <algorithm>

namespace canon::zones {

const RRset* Snapshot::rrset(const Node& n, std::uint16_t type) const noexcept {
  // Few types per name: a short scan beats a search.
  const RRset* set = rrsets_.data() + n.rrset_begin;
  for (std::uint8_t i = 0; i < n.rrset_count; ++i) {
    if (set[i].type == type) return &set[i];
  }
  return nullptr;
}

std::span<const Additional> Snapshot::additional(const RRset& set) const noexcept {
  if (set.additional == kNone) return {};
  const Additional& header = additional_[set.additional];
  return {additional_.data() + set.additional + 1, header.node};
}

std::uint32_t Snapshot::find_exact(const IndexedName& name) const noexcept {
  if (index_.empty()) return kNone;
  NameIndex::Probe probe = index_.start(index_.slot(name.hash));
  for (;;) {
    const NameIndex::Candidate c = index_.next_candidate(probe, name);
    if (c.node == kNone || index_.origin_is(name, c.tail_length, nodes_[c.node].zone)) return c.node;
  }
}

void Snapshot::find_exact_burst(const Snapshot* const* units, const IndexedName* const* names,
                                std::size_t count, std::uint32_t* out) noexcept {
  constexpr std::size_t kMaxBurst = 64;
  for (std::size_t first = 0; first < count; first += kMaxBurst) {
    const std::size_t n = std::min(kMaxBurst, count - first);
    const IndexedName* const* name = names + first;
    const Snapshot* const* unit = units + first;
    const std::uint32_t* slots[kMaxBurst];
    NameIndex::Probe probes[kMaxBurst];
    std::uint8_t tails[kMaxBurst];
    for (std::size_t i = 0; i < n; ++i) {
      slots[i] = nullptr;
      if (unit[i] == nullptr || unit[i]->index_.empty()) continue;
      slots[i] = unit[i]->index_.slot(name[i]->hash);
      __builtin_prefetch(slots[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      if (slots[i] == nullptr) continue;
      probes[i] = unit[i]->index_.start(slots[i]);
      NameIndex::prefetch_entries(probes[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      out[first + i] = kNone;
      if (slots[i] == nullptr) continue;
      const NameIndex::Candidate c = unit[i]->index_.next_candidate(probes[i], *name[i]);
      out[first + i] = c.node;
      tails[i] = c.tail_length;
      if (c.node != kNone) unit[i]->prefetch_node(c.node);
    }
    // The zone check; a candidate failing it (another zone's name with the
    // same tail and tag in the same bucket) is rare: the scan goes on here.
    for (std::size_t i = 0; i < n; ++i) {
      std::uint32_t& node = out[first + i];
      if (node == kNone) continue;
      const Snapshot& s = *unit[i];
      while (node != kNone && !s.index_.origin_is(*name[i], tails[i], s.nodes_[node].zone)) {
        const NameIndex::Candidate c = s.index_.next_candidate(probes[i], *name[i]);
        node = c.node;
        tails[i] = c.tail_length;
      }
    }
  }
}

std::size_t Snapshot::bytes() const noexcept {
  return trie_.bytes() + index_.bytes() + nodes_.size() * sizeof(Node) +
         extras_.size() * sizeof(NodeExtra) + rrsets_.size() * sizeof(RRset) + wire_.size() +
         additional_.size() * sizeof(Additional) + chains_.size() * sizeof(Chain) +
         links_.size() * sizeof(ChainLink) + names_.size() + zones_.size() * sizeof(Zone) +
         dnssec_.size() * sizeof(DnssecZone) + canonical_.size() * sizeof(std::uint32_t) +
         nsec3_.size() * sizeof(Nsec3Entry) +
         nsec3_links_.size() * sizeof(Nsec3Links);
}

}  // namespace canon::zones
