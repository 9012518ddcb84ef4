// Pass 5: additional-section material for MX, SRV and NS, and the checks on
// the names those records point at.
//
// For each RR whose target lies in the same zone and has A or AAAA, one
// Additional entry {target node, RR index, offset of the name in the RDATA}.
// Delegation NS sets take their targets below the cut too (glue); MX and SRV
// only authoritative (non-occluded) ones.
#include <algorithm>

#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

// Where the target name starts in the RDATA of the types that have one.
std::size_t target_offset(std::uint16_t type) {
  switch (type) {
    case rr::MX: return 2;   // PREFERENCE
    case rr::SRV: return 6;  // PRIORITY WEIGHT PORT
    default: return 0;       // NS
  }
}

}  // namespace

void SnapshotBuilder::link_additional() {
  const std::uint32_t node_total = static_cast<std::uint32_t>(snap_->nodes_.size());
  for (std::uint32_t id = 0; id < node_total; ++id) {
    const Node& node = snap_->nodes_[id];
    const bool parent_side = id >= node_keys_.size();
    const ZoneMeta& zone = zones_[node.zone];
    for (std::uint32_t s = node.rrset_begin; s < node.rrset_begin + node.rrset_count; ++s) {
      RRset& set = snap_->rrsets_[s];
      if (set.type != rr::MX && set.type != rr::SRV && set.type != rr::NS) continue;
      std::vector<Additional> entries;
      std::uint16_t index = 0;
      for (auto it = snap_->rdata(set); it; ++it, ++index) {
        const auto rdata = it.data();
        const Record& rec = record_of_rr(s, index);
        const std::size_t offset = target_offset(set.type);
        if (rdata.size() <= offset) continue;
        const std::uint8_t* target = rdata.data() + offset;
        if (set.type == rr::SRV && target[0] == 0) continue;  // "." means no service
        LookupKey key;
        make_key(target, key);
        const TrieMatch match = snap_->find(key.view());
        const Node* found = match.exact != kNone ? &snap_->node(match.exact) : nullptr;
        const std::string target_text = wire_to_text(target);

        // RFC 2181 §10.3: these must name a host, never an alias.
        const Node* encloser = match.encloser != kNone ? &snap_->node(match.encloser) : nullptr;
        const bool under_dname =
            encloser && ((encloser->has(kOccluded) &&
                          snap_->node(snap_->extra(*encloser).cut).has(kDname)) ||
                         (match.exact == kNone && encloser->has(kDname)));
        if (!parent_side && ((found && found->has(kCname)) || under_dname)) {
          report(CheckId::kTargetIsAlias, rec,
                 type_name(set.type) + " target " + target_text + " is an alias (" +
                     (under_dname ? "below a DNAME" : "a CNAME") +
                     "); RFC 2181 §10.3 requires the name of a host");
        }

        const bool in_zone = key_is_below_or_at(key.view(), zone.origin_key.view());
        const bool has_address =
            found && (snap_->rrset(*found, rr::A) || snap_->rrset(*found, rr::AAAA));
        const bool usable = has_address && found->zone == node.zone &&
                            (set.type == rr::NS || !found->has(kOccluded));
        const bool listed = std::any_of(entries.begin(), entries.end(),
                                        [&](const Additional& e) { return e.node == match.exact; });
        if (usable && !listed) {  // each address set once (RFC 2181 §5)
          entries.push_back(Additional{match.exact, index,
                                       static_cast<std::uint16_t>(offset)});
        }
        if (set.type == rr::NS && in_zone && !parent_side && !has_address) {
          report(CheckId::kGlueMissing, rec,
                 "name server " + target_text + " lies inside the zone but has no A or AAAA " +
                     "record; resolvers cannot reach it");
        }
      }
      if (!entries.empty()) {
        set.additional = static_cast<std::uint32_t>(snap_->additional_.size());
        snap_->additional_.push_back(Additional{static_cast<std::uint32_t>(entries.size()), 0, 0});
        snap_->additional_.insert(snap_->additional_.end(), entries.begin(), entries.end());
      }
    }
  }
}

}  // namespace canon::zones
