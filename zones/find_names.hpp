// The staged lookup of a burst of names, shared by a unit alone
// (Snapshot::find_names_burst, find_names.cpp) and the zone table
// (ZoneTable::find_names_burst): what the trie gives for each name,
// answered from an exact-name index whenever it can be.
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
//
//   exact(names, n, units, nodes)   the index probe of n names: nodes[i], and
//                                   units[i] when the index says (the table's)
//   walk(name, unit)                the trie walk of one name still open;
//                                   `unit` is set to where it was walked
#pragma once

#include <algorithm>

#include "zones/snapshot.hpp"

namespace canon::zones::detail {

inline constexpr std::size_t kFindChunk = 32;  // names per pass: the stack holds their parents
inline constexpr unsigned kParentProbes = 3;   // parents probed before the trie walk

// `units` (in and out): each name's unit. A unit given (non-null) stays;
// with `units_given`, a null unit means no zone holds the name.
template <class Exact, class Walk>
void find_names_staged(const IndexedName* const* names, std::size_t count, const Snapshot** units,
                       TrieMatch* out, bool units_given, Exact&& exact, Walk&& walk) noexcept {
  for (std::size_t first = 0; first < count; first += kFindChunk) {
    const std::size_t n = std::min(kFindChunk, count - first);
    const IndexedName* const* name = names + first;
    const Snapshot** unit = units + first;
    TrieMatch* found = out + first;
    std::uint32_t nodes[kFindChunk];
    exact(name, n, unit, nodes);

    std::uint8_t open[kFindChunk];    // names still without an answer
    std::uint8_t offset[kFindChunk];  // where each one's current suffix starts
    std::size_t open_count = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (nodes[i] != kNone) {
        found[i] = TrieMatch{nodes[i], nodes[i], static_cast<std::uint8_t>(name[i]->length - 1)};
      } else if (units_given && unit[i] == nullptr) {
        found[i] = TrieMatch{};  // no zone of ours holds it
      } else {
        offset[i] = 0;
        open[open_count++] = static_cast<std::uint8_t>(i);
      }
    }

    IndexedName parents[kFindChunk];
    const IndexedName* parent_of[kFindChunk];
    const Snapshot* parent_unit[kFindChunk];
    for (unsigned probe = 0; probe < kParentProbes && open_count != 0; ++probe) {
      std::size_t probing = 0;
      for (std::size_t k = 0; k < open_count; ++k) {
        const std::uint8_t i = open[k];
        const std::uint8_t* wire = name[i]->bytes;
        if (wire[offset[i]] == 0) {
          found[i] = TrieMatch{};  // the root was probed too: no zone of ours holds it
          unit[i] = nullptr;
          continue;
        }
        offset[i] = static_cast<std::uint8_t>(offset[i] + 1 + wire[offset[i]]);
        make_indexed_name(wire + offset[i], name[i]->length - offset[i], parents[probing]);
        parent_of[probing] = &parents[probing];
        parent_unit[probing] = unit[i];
        open[probing++] = i;
      }
      exact(parent_of, probing, parent_unit, nodes);
      open_count = 0;
      for (std::size_t k = 0; k < probing; ++k) {
        const std::uint8_t i = open[k];
        if (nodes[k] != kNone) {
          found[i] = TrieMatch{kNone, nodes[k], static_cast<std::uint8_t>(name[i]->length - offset[i] - 1)};
          unit[i] = parent_unit[k];
        } else {
          open[open_count++] = i;
        }
      }
    }
    for (std::size_t k = 0; k < open_count; ++k) found[open[k]] = walk(*name[open[k]], unit[open[k]]);
  }
}

}  // namespace canon::zones::detail
