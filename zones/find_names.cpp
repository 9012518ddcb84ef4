// Snapshot::find_names_burst: the staged lookup of find_names.hpp over
// each name's unit, its exact-name index and its trie.
#include "zones/find_names.hpp"

namespace canon::zones {

void Snapshot::find_names_burst(const IndexedName* const* names, std::size_t count,
                                TrieMatch* out) const noexcept {
  const Snapshot* units[detail::kFindChunk];
  std::fill(units, units + detail::kFindChunk, this);
  for (std::size_t first = 0; first < count; first += detail::kFindChunk) {
    const std::size_t n = std::min(detail::kFindChunk, count - first);
    find_names_burst(units, names + first, n, out + first);
  }
}

void Snapshot::find_names_burst(const Snapshot* const* units, const IndexedName* const* names,
                                std::size_t count, TrieMatch* out) noexcept {
  // The units are given: copied where the stages may write (they do not
  // change a given unit).
  for (std::size_t first = 0; first < count; first += detail::kFindChunk) {
    const std::size_t n = std::min(detail::kFindChunk, count - first);
    const Snapshot* chunk[detail::kFindChunk];
    std::copy(units + first, units + first + n, chunk);
    detail::find_names_staged(
        names + first, n, chunk, out + first, /*units_given=*/true,
        [](const IndexedName* const* batch, std::size_t k, const Snapshot** in, std::uint32_t* nodes) {
          find_exact_burst(in, batch, k, nodes);
        },
        [](const IndexedName& name, const Snapshot*& unit) {
          LookupKey key;
          make_key(name.bytes, key);
          return unit->find(key.view());
        });
  }
}

}  // namespace canon::zones
