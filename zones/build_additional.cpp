// Pass 5: additional-section material for MX, SRV, NS, SVCB and HTTPS, and
// the checks on the names those records point at.
//
// For each RR whose target lies in the same zone and has A or AAAA, one
// Additional entry {target node, RR index, offset of the name in the RDATA}.
// Delegation NS sets take their targets below the cut too (glue); the others
// only authoritative (non-occluded) ones. SVCB/HTTPS (RFC 9460 §4.1): a
// ServiceMode TargetName "." names the owner itself; an AliasMode target
// also gives its own set of the same type.
#include <algorithm>

#include "zones/alias_rules.hpp"
#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

// Where the target name starts in the RDATA of the types that have one.
std::size_t target_offset(std::uint16_t type) {
  switch (type) {
    case rr::MX: return 2;   // PREFERENCE
    case rr::SRV: return 6;  // PRIORITY WEIGHT PORT
    case rr::SVCB:
    case rr::HTTPS: return 2;  // SvcPriority
    default: return 0;         // NS
  }
}

bool has_target(std::uint16_t type) {
  return type == rr::MX || type == rr::SRV || type == rr::NS || type == rr::SVCB || type == rr::HTTPS;
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
      if (!has_target(set.type)) continue;
      const bool svcb = set.type == rr::SVCB || set.type == rr::HTTPS;
      std::vector<Additional> entries;
      std::uint16_t index = 0;
      for (auto it = snap_->rdata(set); it; ++it, ++index) {
        const auto rdata = it.data();
        const Record& rec = record_of_rr(s, index);
        const std::size_t offset = target_offset(set.type);
        if (rdata.size() <= offset) continue;
        const std::uint8_t* target = rdata.data() + offset;
        const bool alias_mode = svcb && rdata[0] == 0 && rdata[1] == 0;  // SvcPriority 0
        std::uint8_t flags = alias_mode ? kTargetSet : 0;
        if (target[0] == 0) {
          // "." means no service for SRV and AliasMode, the owner for ServiceMode.
          if (set.type == rr::SRV || alias_mode) continue;
          if (svcb) flags = kTargetIsOwner;
        }
        std::uint8_t owner[kMaxNameLength];
        if (flags & kTargetIsOwner) {
          if (parent_side) continue;  // no name of its own in the trie
          key_to_wire(node_keys_[id], owner);
          target = owner;
        }
        LookupKey key;
        make_key(target, key);
        const TrieMatch match = snap_->find(key.view());
        const Node* found = match.exact != kNone ? &snap_->node(match.exact) : nullptr;
        const std::string target_text = wire_to_text(target);

        // RFC 2181 §10.3: these must name a host, never an alias. Not said
        // of SVCB/HTTPS, whose clients follow aliases (RFC 9460): no warning.
        const bool under_dname = stand(*snap_, match).kind == Standing::kBelowDname;
        if (!parent_side && !svcb && ((found && found->has(kCname)) || under_dname)) {
          report(CheckId::kTargetIsAlias, rec,
                 type_name(set.type) + " target " + target_text + " is an alias (" +
                     (under_dname ? "below a DNAME" : "a CNAME") +
                     "); RFC 2181 §10.3 requires the name of a host");
        }

        const bool in_zone = key_is_below_or_at(key.view(), zone.origin_key.view());
        const bool has_address =
            found && (snap_->rrset(*found, rr::A) || snap_->rrset(*found, rr::AAAA));
        const bool has_set = found && (flags & kTargetSet) && snap_->rrset(*found, set.type);
        const bool usable = (has_address || has_set) && found->zone == node.zone &&
                            (set.type == rr::NS || !found->has(kOccluded));
        const auto listed = std::find_if(entries.begin(), entries.end(),
                                         [&](const Additional& e) { return e.node == match.exact; });
        if (usable && listed == entries.end()) {  // each address set once (RFC 2181 §5)
          entries.push_back(Additional{match.exact, index, static_cast<std::uint8_t>(offset), flags});
        } else if (usable) {
          listed->flags |= flags & kTargetSet;
        }
        if (set.type == rr::NS && in_zone && !parent_side && !has_address) {
          report(CheckId::kGlueMissing, rec,
                 "name server " + target_text + " lies inside the zone but has no A or AAAA " +
                     "record; resolvers cannot reach it");
        }
      }
      if (!entries.empty()) {
        set.additional = static_cast<std::uint32_t>(snap_->additional_.size());
        snap_->additional_.push_back(Additional{static_cast<std::uint32_t>(entries.size()), 0, 0, 0});
        snap_->additional_.insert(snap_->additional_.end(), entries.begin(), entries.end());
      }
    }
  }
}

}  // namespace canon::zones
