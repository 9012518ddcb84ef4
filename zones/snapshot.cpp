#include "zones/snapshot.hpp"

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

std::size_t Snapshot::bytes() const noexcept {
  return trie_.bytes() + nodes_.size() * sizeof(Node) + extras_.size() * sizeof(NodeExtra) +
         rrsets_.size() * sizeof(RRset) + wire_.size() + additional_.size() * sizeof(Additional) +
         chains_.size() * sizeof(Chain) + links_.size() * sizeof(ChainLink) + names_.size() +
         zones_.size() * sizeof(Zone);
}

}  // namespace canon::zones
