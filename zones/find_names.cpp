// Snapshot::find_names_burst: what the trie gives for each name, answered
// from the exact-name index whenever it can be.
//
// The index holds every trie node (build_index.cpp), so the closest
// encloser of a name it lacks is its longest suffix it holds: the names
// below a DNAME, a delegation or a wildcard's parent, and NXDOMAIN names,
// are one or two labels under a node in practice. Each stage probes, for
// every name still open, the next parent up:
//
//   stage 0   www.d.example.com.   exact?  no
//   stage 1   d.example.com.       held:   TrieMatch{kNone, node(d), 14}
//
// A name still open after kParentProbes parents (deep junk below a zone, or
// no zone of ours at all) takes the trie walk: the probes are a fast path
// with a bounded cost, never the only path.
#include <algorithm>

#include "zones/snapshot.hpp"

namespace canon::zones {

namespace {

constexpr std::size_t kChunk = 32;          // names per pass: the stack holds their parents
constexpr unsigned kParentProbes = 3;       // parents probed before the trie walk

}  // namespace

void Snapshot::find_names_burst(const IndexedName* const* names, std::size_t count,
                                TrieMatch* out) const noexcept {
  const Snapshot* units[kChunk];
  std::fill(units, units + kChunk, this);
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t n = std::min(kChunk, count - first);
    find_names_burst(units, names + first, n, out + first);
  }
}

void Snapshot::find_names_burst(const Snapshot* const* units, const IndexedName* const* names,
                                std::size_t count, TrieMatch* out) noexcept {
  for (std::size_t first = 0; first < count; first += kChunk) {
    const std::size_t n = std::min(kChunk, count - first);
    const IndexedName* const* name = names + first;
    const Snapshot* const* unit = units + first;
    TrieMatch* found = out + first;
    std::uint32_t nodes[kChunk];
    find_exact_burst(unit, name, n, nodes);

    std::uint8_t open[kChunk];    // names still without an answer
    std::uint8_t offset[kChunk];  // where each one's current suffix starts
    std::size_t open_count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (nodes[i] != kNone) {
        found[i] = TrieMatch{nodes[i], nodes[i], static_cast<std::uint8_t>(name[i]->length - 1)};
      } else if (unit[i] == nullptr) {
        found[i] = TrieMatch{};  // no zone of ours holds it
      } else {
        offset[i] = 0;
        open[open_count++] = static_cast<std::uint8_t>(i);
      }
    }

    IndexedName parents[kChunk];
    const IndexedName* parent_of[kChunk];
    const Snapshot* parent_unit[kChunk];
    for (unsigned probe = 0; probe < kParentProbes && open_count != 0; ++probe) {
      std::size_t probing = 0;
      for (std::size_t k = 0; k < open_count; ++k) {
        const std::uint8_t i = open[k];
        const std::uint8_t* wire = name[i]->bytes;
        if (wire[offset[i]] == 0) {
          found[i] = TrieMatch{};  // the root was probed too: no zone of ours holds it
          continue;
        }
        offset[i] = static_cast<std::uint8_t>(offset[i] + 1 + wire[offset[i]]);
        make_indexed_name(wire + offset[i], name[i]->length - offset[i], parents[probing]);
        parent_of[probing] = &parents[probing];
        parent_unit[probing] = unit[i];
        open[probing++] = i;
      }
      find_exact_burst(parent_unit, parent_of, probing, nodes);
      open_count = 0;
      for (std::size_t k = 0; k < probing; ++k) {
        const std::uint8_t i = open[k];
        if (nodes[k] != kNone) {
          found[i] = TrieMatch{kNone, nodes[k], static_cast<std::uint8_t>(name[i]->length - offset[i] - 1)};
        } else {
          open[open_count++] = i;
        }
      }
    }
    if (open_count == 0) continue;

    LookupKey keys[kChunk];
    std::span<const std::uint8_t> views[kChunk];
    TrieMatch walked[kChunk];
    for (std::size_t k = 0; k < open_count; ++k) {
      make_key(name[open[k]]->bytes, keys[k]);
      views[k] = keys[k].view();
    }
    // One unit (the usual case): its trie walks them all at once.
    const Snapshot* walker = unit[open[0]];
    for (std::size_t k = 1; k < open_count && walker != nullptr; ++k) {
      if (unit[open[k]] != walker) walker = nullptr;
    }
    if (walker != nullptr) {
      walker->find_burst(views, open_count, walked);
    } else {
      for (std::size_t k = 0; k < open_count; ++k) walked[k] = unit[open[k]]->find(views[k]);
    }
    for (std::size_t k = 0; k < open_count; ++k) found[open[k]] = walked[k];
  }
}

}  // namespace canon::zones
