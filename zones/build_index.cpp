// Pass 2b: the exact-name index over every trie node (name_index.hpp).
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

void SnapshotBuilder::build_index() {
  std::vector<std::string> origins;
  std::uint8_t wire[kMaxNameLength + 1];
  for (const ZoneMeta& meta : zones_) {
    const std::size_t length = key_to_wire(meta.origin_key.view(), wire);
    origins.emplace_back(reinterpret_cast<const char*>(wire), length);
  }
  NameIndexBuilder index(origins);
  index.reserve(node_keys_.size(), node_keys_.bytes.size());
  for (std::uint32_t id = 0; id < node_keys_.size(); ++id) {
    const std::size_t length = key_to_wire(node_keys_[id], wire);  // keys are lower-case
    index.add({wire, length}, id, snap_->nodes_[id].zone);
  }
  snap_->index_ = index.finish();
}

}  // namespace canon::zones
