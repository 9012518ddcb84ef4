#include "zones/canonical_order.hpp"

#include <algorithm>

#include "zones/name.hpp"

namespace canon::zones {

int compare_canonical_keys(std::span<const std::uint8_t> a,
                           std::span<const std::uint8_t> b) noexcept {
  std::size_t i = 0, j = 0;
  while (i < a.size() && j < b.size()) {
    const std::size_t la = a[i], lb = b[j];
    const std::size_t common = std::min(la, lb);
    for (std::size_t k = 1; k <= common; ++k) {
      // Keys are lower-cased already; folding again keeps hand-made keys honest.
      const std::uint8_t x = to_lower(a[i + k]), y = to_lower(b[j + k]);
      if (x != y) return x < y ? -1 : 1;
    }
    if (la != lb) return la < lb ? -1 : 1;
    i += 1 + la;
    j += 1 + lb;
  }
  // Every label so far equal: the one with labels left is below the other.
  if (i < a.size()) return 1;
  if (j < b.size()) return -1;
  return 0;
}

int compare_canonical(const std::uint8_t* a, const std::uint8_t* b) noexcept {
  LookupKey ka, kb;
  make_key(a, ka);
  make_key(b, kb);
  return compare_canonical_keys(ka.view(), kb.view());
}

}  // namespace canon::zones
