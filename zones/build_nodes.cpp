// Pass 1: records → nodes and RRsets.
//
// Records are sorted by owner key, so every name comes after its ancestors
// and a subtree is contiguous. One walk keeps the path of ancestor nodes;
// from it each name learns its missing ancestors (added as empty
// non-terminals), the cut above it (occlusion) and its wildcard parent.
#include <algorithm>
#include <cstring>
#include <limits>
#include <stdexcept>

#include "zones/name_compression.hpp"
#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

int compare_bytes(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  const int c = std::memcmp(a.data(), b.data(), std::min(a.size(), b.size()));
  if (c != 0) return c;
  return a.size() < b.size() ? -1 : (a.size() > b.size() ? 1 : 0);
}

// The type an RRSIG covers: the first two octets of its RDATA (RFC 4034 §3.1).
std::uint16_t type_covered(std::span<const std::uint8_t> rdata) {
  return rdata.size() >= 2 ? static_cast<std::uint16_t>((rdata[0] << 8) | rdata[1]) : 0;
}

bool is_wildcard_key(std::span<const std::uint8_t> key) {
  const std::size_t last = key_parent_length(key);
  return key.size() == last + 2 && key[last] == 1 && key[last + 1] == '*';
}

}  // namespace

SnapshotBuilder::SnapshotBuilder(RecordStore& store, std::vector<const RecordStore*> sources,
                                 std::vector<ZoneMeta> zones, Findings& findings, const ZoneLimits& limits)
    : store_(store),
      sources_(std::move(sources)),
      zones_(std::move(zones)),
      findings_(findings),
      max_rrset_records_(std::min(limits.max_rrset_records, kMaxRrsetRecordsCeiling)),
      signature_warn_days_(limits.signature_warn_days),
      check_time_(limits.check_time),
      snap_(new Snapshot),
      zone_errors_(zones_.size(), false) {}

std::unique_ptr<Snapshot> SnapshotBuilder::build() {
  build_nodes();
  build_trie();
  build_index();
  build_zones();
  resolve_chains();
  link_additional();
  build_denial();
  check_dnssec();
  snap_->record_count_ = store_.records.size();
  return std::move(snap_);
}

std::uint32_t SnapshotBuilder::deepest_zone(std::span<const std::uint8_t> key,
                                            std::uint32_t hint) const {
  std::uint32_t z = hint;
  while (z != kNone && !key_is_below_or_at(key, zones_[z].origin_key.view())) z = zones_[z].parent;
  if (z == kNone) return kNone;
  for (bool deeper = true; deeper;) {
    deeper = false;
    for (std::uint32_t child : zones_[z].children) {
      if (key_is_below_or_at(key, zones_[child].origin_key.view())) {
        z = child;
        deeper = true;
        break;
      }
    }
  }
  return z;
}

NodeExtra& SnapshotBuilder::extra_of(std::uint32_t node_id) {
  Node& n = snap_->nodes_[node_id];
  if (n.extra == kNone) {
    n.extra = static_cast<std::uint32_t>(snap_->extras_.size());
    snap_->extras_.emplace_back();
  }
  return snap_->extras_[n.extra];
}

// Sorts the zones' records by (key, zone, type, RDATA) into store_: its
// records in that order, their keys and RDATA in one arena in the same
// order. Every later pass then reads memory in order (walking records by a
// sorted index instead cost a cache miss per record, ~60% of a 1M-name
// compile), and the loaded stores, which their zones keep, are read once
// here instead of first copied whole into one.
//
// Each sort entry carries the 8 key bytes after the prefix every key shares
// (the zone origins' common part), so most comparisons never leave the
// array being sorted.
SnapshotBuilder::Sizes SnapshotBuilder::sort_records() {
  std::size_t skip = zones_.empty() ? 0 : zones_[0].origin_key.length;
  for (const ZoneMeta& z : zones_) {
    std::size_t common = 0;
    while (common < skip && common < z.origin_key.length &&
           z.origin_key.bytes[common] == zones_[0].origin_key.bytes[common]) {
      ++common;
    }
    skip = common;
  }
  struct Entry {
    std::uint64_t prefix;  // big-endian key bytes [skip, skip + 8), zero-padded
    std::uint32_t record;  // in its zone's store
    std::uint32_t zone;
  };
  std::size_t total = 0;
  for (const RecordStore* source : sources_) total += source->records.size();
  LargeVector<Entry> entries(total);
  std::size_t total_bytes = 0;  // every record's key and RDATA: what the gather below may copy
  std::size_t at_entry = 0;
  for (std::uint32_t z = 0; z < sources_.size(); ++z) {
    const RecordStore& source = *sources_[z];
    for (std::uint32_t i = 0; i < source.records.size(); ++i) {
      const auto key = source.key(source.records[i]);
      std::uint64_t prefix = 0;
      for (std::size_t b = 0; b < 8; ++b) {
        const std::size_t at = skip + b;
        prefix = (prefix << 8) | (at < key.size() ? key[at] : 0u);
      }
      entries[at_entry++] = Entry{prefix, i, z};
      total_bytes += key.size() + source.records[i].rdata_length;
    }
  }
  if (total_bytes > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("zone data exceeds 4 GiB of owner names and RDATA");
  }
  std::sort(entries.begin(), entries.end(), [&](const Entry& ea, const Entry& eb) {
    if (ea.prefix != eb.prefix) return ea.prefix < eb.prefix;
    const RecordStore& sa = *sources_[ea.zone];
    const RecordStore& sb = *sources_[eb.zone];
    const Record& ra = sa.records[ea.record];
    const Record& rb = sb.records[eb.record];
    if (int c = compare_bytes(sa.key(ra), sb.key(rb)); c != 0) return c < 0;
    if (ea.zone != eb.zone) return ea.zone < eb.zone;
    if (ra.type != rb.type) return ra.type < rb.type;
    // Canonical order (RFC 4034 §6.3), so that records differing only in the
    // letter case of a name sit together; among equals the first loaded
    // comes first and is the one kept.
    if (int c = compare_canonical_rdata(ra.type, sa.rdata(ra), sb.rdata(rb)); c != 0) return c < 0;
    return ea.record < eb.record;
  });
  LargeVector<Record> sorted(total);
  for (std::size_t i = 0; i < total; ++i) {  // a tight loop: its cache misses overlap
    sorted[i] = sources_[entries[i].zone]->records[entries[i].record];
    sorted[i].zone = entries[i].zone;
  }
  // Then their bytes, in the same order. The records of one owner, now side
  // by side, share one copy of its key; the same walk counts what
  // build_nodes will make, so its arrays are sized once instead of grown
  // (each growth copies and faults anew).
  LargeVector<std::uint8_t> bytes(total_bytes);
  std::size_t used = 0;
  Sizes sizes;
  const std::uint8_t* old_owner = nullptr;  // the owner's key in its loaded store
  std::uint8_t owner_length = 0;
  std::uint32_t new_owner = 0;              // and in `bytes`
  std::uint16_t last_type = 0, last_covered = 0;
  constexpr std::size_t kAhead = 8;
  for (std::size_t i = 0; i < total; ++i) {
    if (i + kAhead < total) {
      const Record& next = sorted[i + kAhead];
      const std::uint8_t* next_bytes = sources_[next.zone]->bytes.data();
      __builtin_prefetch(next_bytes + next.key);
      __builtin_prefetch(next_bytes + next.rdata);
    }
    Record& rec = sorted[i];
    const std::uint8_t* from = sources_[rec.zone]->bytes.data();
    const std::uint8_t* key = from + rec.key;
    const std::uint8_t* rdata = from + rec.rdata;
    const bool same_owner = old_owner && rec.key_length == owner_length &&
                            std::memcmp(key, old_owner, owner_length) == 0;
    if (!same_owner) {
      old_owner = key;
      owner_length = rec.key_length;
      new_owner = static_cast<std::uint32_t>(used);
      std::memcpy(bytes.data() + used, key, rec.key_length);
      used += rec.key_length;
      ++sizes.names;
      sizes.key_bytes += 1u + rec.key_length;
    }
    const std::uint16_t covered = rec.type == rr::RRSIG ? type_covered({rdata, rec.rdata_length}) : 0;
    if (!same_owner || rec.type != last_type || covered != last_covered) ++sizes.rrsets;
    last_type = rec.type;
    last_covered = covered;
    sizes.wire_bytes += kRrHeader + rec.rdata_length;
    rec.key = new_owner;
    std::memcpy(bytes.data() + used, rdata, rec.rdata_length);
    rec.rdata = static_cast<std::uint32_t>(used);
    used += rec.rdata_length;
  }
  bytes.resize(used);
  store_.records = std::move(sorted);
  store_.bytes = std::move(bytes);
  order_.resize(store_.records.size());
  for (std::uint32_t i = 0; i < order_.size(); ++i) order_[i] = i;
  return sizes;
}

void SnapshotBuilder::build_nodes() {
  const auto& records = store_.records;
  const Sizes sizes = sort_records();
  // Sized once (sort_records counted them); the apexes and empty
  // non-terminals that no record names are few and may grow them.
  const std::size_t names = sizes.names + zones_.size();
  snap_->nodes_.reserve(names);
  node_keys_.offsets.reserve(names);
  node_keys_.bytes.reserve(sizes.key_bytes + names);
  snap_->rrsets_.reserve(sizes.rrsets);
  rrset_record_.reserve(sizes.rrsets);
  rrset_first_rr_.reserve(sizes.rrsets);
  snap_->wire_.reserve(sizes.wire_bytes);
  rr_records_.reserve(records.size());

  // Zone apexes must be nodes even when a file holds nothing at its origin.
  std::vector<std::uint32_t> apexes(zones_.size());
  for (std::uint32_t z = 0; z < zones_.size(); ++z) apexes[z] = z;
  std::sort(apexes.begin(), apexes.end(), [&](std::uint32_t a, std::uint32_t b) {
    return compare_bytes(zones_[a].origin_key.view(), zones_[b].origin_key.view()) < 0;
  });
  std::size_t next_apex = 0;

  struct PathEntry {
    std::uint32_t node;
    std::uint32_t zone;
    std::uint32_t cut_below;  // cut that occludes this node's descendants, or kNone
  };
  std::vector<PathEntry> path;

  // "*.<parent>" is a wildcard whether it holds records or is only the empty
  // non-terminal above them (host.*.sub makes *.sub one; RFC 4592 §4.9): a
  // name it covers gets NODATA, not NXDOMAIN.
  auto mark_wildcard = [&](std::span<const std::uint8_t> key, std::uint32_t id,
                           const PathEntry* parent) {
    if (!parent || !is_wildcard_key(key)) return;
    snap_->nodes_[id].flags |= kWildcard;
    snap_->nodes_[parent->node].flags |= kWildcardChild;
    extra_of(parent->node).wildcard = id;
  };

  auto visit = [&](std::span<const std::uint8_t> key, std::uint32_t hint,
                   std::span<const std::uint32_t> group) {
    while (!path.empty() && !key_is_below_or_at(key, node_keys_[path.back().node])) path.pop_back();
    // Missing ancestors between the deepest existing one and `key` become
    // empty non-terminals (only those inside a served zone).
    for (std::size_t pos = 0; pos < key.size(); pos += 1 + key[pos]) {
      if (!path.empty() && pos <= node_keys_[path.back().node].size()) continue;
      const auto ancestor = key.first(pos);
      const std::uint32_t zone = deepest_zone(ancestor, hint);
      if (zone == kNone) continue;  // above every served origin
      const std::uint32_t id = add_node(ancestor, zone, {});
      const PathEntry* parent = path.empty() ? nullptr : &path.back();
      const std::uint32_t cut =
          parent && parent->zone == zone ? parent->cut_below : kNone;
      if (cut != kNone) {
        snap_->nodes_[id].flags |= kOccluded;
        extra_of(id).cut = cut;
      }
      mark_wildcard(ancestor, id, parent);
      path.push_back({id, zone, cut});
    }

    const std::uint32_t zone = deepest_zone(key, hint);
    const std::uint32_t id = add_node(key, zone, group);
    Node& node = snap_->nodes_[id];
    const PathEntry* parent = path.empty() ? nullptr : &path.back();
    std::uint32_t cut = parent && parent->zone == zone ? parent->cut_below : kNone;
    if (cut != kNone) {
      node.flags |= kOccluded;
      extra_of(id).cut = cut;
      const Node& cut_node = snap_->nodes_[cut];
      for (const RRset& set : std::span(snap_->rrsets_).subspan(node.rrset_begin, node.rrset_count)) {
        const bool glue = cut_node.has(kDelegation) && (set.type == rr::A || set.type == rr::AAAA);
        if (glue) continue;
        const std::uint32_t set_index = static_cast<std::uint32_t>(&set - snap_->rrsets_.data());
        report(CheckId::kOccluded, record_of_rrset(set_index),
               std::string("occluded by the ") +
                   (cut_node.has(kDname) ? "DNAME" : "delegation") + " at " + node_text(cut) +
                   "; it is never served");
      }
    }
    mark_wildcard(key, id, parent);
    const std::uint32_t cut_below =
        cut != kNone ? cut : (node.has(kDelegation) || node.has(kDname) ? id : kNone);
    path.push_back({id, zone, cut_below});
  };

  // Visits the apexes that sort before `key`; skips one equal to it (the
  // record group is that apex).
  auto visit_apexes_before = [&](std::span<const std::uint8_t> key) {
    while (next_apex < apexes.size()) {
      const auto apex_key = zones_[apexes[next_apex]].origin_key.view();
      const int c = compare_bytes(apex_key, key);
      if (c > 0) break;
      if (c < 0) visit(apex_key, apexes[next_apex], {});
      ++next_apex;
    }
  };

  std::size_t i = 0;
  while (i < order_.size()) {
    const Record& first = records[order_[i]];
    const auto key = store_.key(first);
    std::size_t j = i + 1;
    while (j < order_.size() && compare_bytes(store_.key(records[order_[j]]), key) == 0) ++j;
    visit_apexes_before(key);
    const auto all = std::span(order_).subspan(i, j - i);
    if (is_nsec3_owner(key, first.zone, all)) {
      nsec3_side_.emplace_back(static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(j));
    } else if (const auto group = served_records(key, first.zone, all); !group.empty()) {
      visit(key, first.zone, group);
    }
    i = j;
  }
  for (; next_apex < apexes.size(); ++next_apex) {
    visit(zones_[apexes[next_apex]].origin_key.view(), apexes[next_apex], {});
  }

  // Parent-side data at served child apexes lives in nodes outside the trie.
  for (auto& [child_apex, group] : parent_side_) {
    const std::uint32_t id = static_cast<std::uint32_t>(snap_->nodes_.size());
    Node side{};
    side.rrset_begin = static_cast<std::uint32_t>(snap_->rrsets_.size());
    side.zone = store_.records[group.front()].zone;
    side.extra = kNone;
    side.name_length = snap_->nodes_[child_apex].name_length;
    snap_->nodes_.push_back(side);
    add_rrsets(snap_->nodes_.back(), group);
    snap_->nodes_[child_apex].flags |= kChildApexData;
    extra_of(child_apex).parent_side = id;
  }

  // NSEC3 owner names are not names of the zone (RFC 5155 §7.2.8: a query
  // for one is answered NXDOMAIN): their nodes too live outside the trie
  // and the exact-name index, after the parent-side ones; build_denial
  // links them into the zone's NSEC3 chain.
  first_nsec3_node_ = static_cast<std::uint32_t>(snap_->nodes_.size());
  for (const auto& [begin, end] : nsec3_side_) {
    const auto group = std::span(order_).subspan(begin, end - begin);
    const Record& first = store_.records[group.front()];
    Node node{};
    node.rrset_begin = static_cast<std::uint32_t>(snap_->rrsets_.size());
    node.zone = first.zone;
    node.extra = kNone;
    node.name_length = static_cast<std::uint8_t>(first.key_length + 1);
    check_name(group, false);
    snap_->nodes_.push_back(node);
    add_rrsets(snap_->nodes_.back(), group);
  }
}

// Whether the records of `key` are an NSEC3 owner's: one label below the
// origin of the zone they are served in (RFC 5155 §7.1: the hash is a
// single label prepended to the zone name), all from that zone, and only
// NSEC3 and the RRSIGs covering it. Any other record there keeps the name
// in the trie (a broken zone: the name then also exists for queries).
bool SnapshotBuilder::is_nsec3_owner(std::span<const std::uint8_t> key, std::uint32_t hint,
                                     std::span<const std::uint32_t> group) const {
  if (group.empty() || key.empty()) return false;
  const std::uint32_t zone = deepest_zone(key, hint);
  if (zone == kNone || key_parent_length(key) != zones_[zone].origin_key.length) return false;
  bool nsec3 = false;
  for (std::uint32_t r : group) {
    const Record& rec = store_.records[r];
    if (rec.zone != zone) return false;
    if (rec.type == rr::NSEC3) {
      nsec3 = true;
    } else if (rec.type != rr::RRSIG || covered_type(rec) != rr::NSEC3) {
      return false;
    }
  }
  return nsec3;
}

// The records of one name that are served: a parent zone's records strictly
// below a served child's apex are not (the child answers for those names), so
// they are dropped: glue (an address the parent's NS at the cut names)
// silently, anything else with a warning. Returns an empty span when nothing
// is left: the name then does not exist.
std::span<const std::uint32_t> SnapshotBuilder::served_records(std::span<const std::uint8_t> key,
                                                               std::uint32_t hint,
                                                               std::span<const std::uint32_t> group) {
  const std::uint32_t zone = deepest_zone(key, hint);
  const bool apex = key.size() == zones_[zone].origin_key.length;
  const bool all_served = apex || std::all_of(group.begin(), group.end(), [&](std::uint32_t r) {
                            return store_.records[r].zone == zone;
                          });
  if (all_served) return group;
  served_scratch_.clear();
  for (std::uint32_t r : group) {
    const Record& rec = store_.records[r];
    if (rec.zone == zone) {
      served_scratch_.push_back(r);
    } else if (!is_parent_glue(rec, zone)) {
      report(CheckId::kOccluded, rec,
             "below the served zone " + zones_[zone].origin_text +
                 ", which answers for this name; this record is never served");
    }
  }
  return served_scratch_;
}

bool SnapshotBuilder::is_parent_glue(const Record& rec, std::uint32_t child_zone) const {
  if (rec.type != rr::A && rec.type != rr::AAAA) return false;
  const auto owner = store_.key(rec);
  for (const auto& [apex, records] : parent_side_) {
    if (snap_->nodes_[apex].zone != child_zone) continue;
    for (std::uint32_t r : records) {
      const Record& ns = store_.records[r];
      if (ns.type != rr::NS || ns.zone != rec.zone) continue;
      LookupKey target;
      make_key(store_.rdata(ns).data(), target);
      if (target.view().size() == owner.size() &&
          std::equal(owner.begin(), owner.end(), target.bytes)) {
        return true;
      }
    }
  }
  return false;
}

std::uint32_t SnapshotBuilder::add_node(std::span<const std::uint8_t> key, std::uint32_t zone,
                                        std::span<const std::uint32_t> group) {
  const std::uint32_t id = static_cast<std::uint32_t>(snap_->nodes_.size());
  node_keys_.push_back(key);
  Node node{};
  node.rrset_begin = static_cast<std::uint32_t>(snap_->rrsets_.size());
  node.zone = zone;
  node.extra = kNone;
  node.name_length = static_cast<std::uint8_t>(key.size() + 1);
  const bool apex = key.size() == zones_[zone].origin_key.length &&
                    key_is_below_or_at(key, zones_[zone].origin_key.view());
  if (apex) node.flags |= kApex;

  // Records from the node's own zone; a parent zone's records at a served
  // child's apex (its NS and DS for the cut) are kept aside.
  const bool all_own = std::all_of(group.begin(), group.end(), [&](std::uint32_t r) {
    return store_.records[r].zone == zone;
  });
  std::span<const std::uint32_t> own = group;
  std::vector<std::uint32_t> own_copy, parent;
  if (!all_own) {
    for (std::uint32_t r : group) {
      (store_.records[r].zone == zone ? own_copy : parent).push_back(r);
    }
    own = own_copy;
  }
  check_name(own, apex);
  snap_->nodes_.push_back(node);
  add_rrsets(snap_->nodes_.back(), own);
  if (!parent.empty()) parent_side_.emplace_back(id, std::move(parent));

  Node& stored = snap_->nodes_.back();
  if (stored.rrset_count == 0) stored.flags |= kEmptyNonTerminal;
  for (const RRset& set : snap_->rrsets(stored)) {
    if (set.type == rr::CNAME) stored.flags |= kCname;
    if (set.type == rr::DNAME) stored.flags |= kDname;
    if (set.type == rr::NS && !apex) stored.flags |= kDelegation;
  }
  return id;
}

std::uint16_t SnapshotBuilder::covered_type(const Record& rec) const {
  return type_covered(store_.rdata(rec));
}

// One name's records, sorted by type then RDATA, become its RRsets. RRSIGs
// are one set per type covered (RFC 4034 §3: each keeps the TTL of the set
// it covers), placed right after the set they sign; those whose covered set
// is not at this name come last, by type covered (snapshot.hpp, RRset).
void SnapshotBuilder::add_rrsets(Node& node, std::span<const std::uint32_t> group) {
  std::vector<RecordRun>& runs = runs_scratch_;
  runs.clear();
  for (std::size_t i = 0; i < group.size();) {
    const Record& first = store_.records[group[i]];
    const std::uint16_t covered = first.type == rr::RRSIG ? covered_type(first) : 0;
    std::size_t j = i + 1;
    while (j < group.size() && store_.records[group[j]].type == first.type &&
           (first.type != rr::RRSIG || covered_type(store_.records[group[j]]) == covered)) {
      ++j;
    }
    runs.push_back(RecordRun{i, j, first.type, covered});
    i = j;
  }
  unsigned sets = 0;
  auto emit = [&](RecordRun& run) {
    run.placed = true;
    add_rrset(group.subspan(run.begin, run.end - run.begin), sets);
  };
  for (RecordRun& run : runs) {
    if (run.type == rr::RRSIG) continue;
    emit(run);
    for (RecordRun& sig : runs) {
      if (sig.type == rr::RRSIG && sig.covered == run.type) emit(sig);
    }
  }
  for (RecordRun& run : runs) {
    if (!run.placed) emit(run);
  }
  node.rrset_count = static_cast<std::uint8_t>(sets);
}

// Appends the RRset of `records` (one type; RRSIG: one type covered) to the
// node being built, unless it already has 255 (`sets` counts them).
void SnapshotBuilder::add_rrset(std::span<const std::uint32_t> group, unsigned& sets) {
  auto& wire = snap_->wire_;
  const Record& first = store_.records[group.front()];
  // Records arrive sorted by RDATA; messages refer to the earliest line.
  std::uint32_t earliest = group.front();
  for (std::uint32_t r : group) {
    if (store_.records[r].line < store_.records[earliest].line) earliest = r;
  }
  const Record& reference = store_.records[earliest];
  RRset set{};
  set.type = first.type;
  set.ttl = reference.ttl;
  set.wire = static_cast<std::uint32_t>(wire.size());
  set.additional = kNone;
  const std::uint32_t first_rr = static_cast<std::uint32_t>(rr_records_.size());
  const Record* previous = nullptr;
  // Names the writer compresses: their suffix shared with the owner (a
  // wildcard's without its "*", which the query name replaces) goes where
  // the owner's pointer would be (snapshot.hpp, RR answer form).
  const CompressibleNames names = compressible_names(first.type);
  std::uint8_t owner[kMaxNameLength + 1];
  const std::uint8_t* owner_tail = owner;
  if (names.count != 0) {
    (void)key_to_wire(store_.key(first), owner);
    if (owner[0] == 1 && owner[1] == '*') owner_tail = owner + 2;
  }
  std::size_t over_limit = 0;  // distinct records past max_rrset_records_
  for (const std::uint32_t index : group) {
    const Record& rec = store_.records[index];
    if (previous && store_.same_rdata(*previous, rec)) {
      const std::string where = (previous->file == rec.file ? "line " : store_.file_of(*previous) + ":") +
                                std::to_string(previous->line);
      report(CheckId::kDuplicateRecord, rec,
             store_.identical_rdata(*previous, rec)
                 ? "same record as " + where + "; the copy is dropped"
                 : "same record as " + where +
                       " but for the letter case of a name in its RDATA, which makes no "
                       "difference (RFC 4034 §6.2); the copy is dropped");
      continue;
    }
    if (rec.ttl != reference.ttl) {
      report(CheckId::kTtlMismatch, rec,
             "TTL " + std::to_string(rec.ttl) + " differs from " + std::to_string(reference.ttl) +
                 " at line " + std::to_string(reference.line) +
                 " in the same RRset (RFC 2181 §5.2); the lowest is served");
    }
    set.ttl = std::min(set.ttl, rec.ttl);
    if (set.count == max_rrset_records_) {
      ++over_limit;  // reported once below; the zone is refused
      previous = &rec;
      continue;
    }
    ++set.count;
    // Answer form; the TTL is patched below once the set's lowest is known.
    std::uint8_t hints[2] = {0xc0, 0x0c};
    if (names.count != 0) {
      const auto rdata = store_.rdata(rec);
      std::size_t at = names.first;
      for (unsigned n = 0; n < 2; ++n) {
        hints[n] = 0;
        if (n < names.count && at < rdata.size()) {
          hints[n] = shared_suffix_octets(rdata.data() + at, owner_tail);
          at += wire_name_length(rdata.subspan(at));
        }
      }
    }
    const std::uint8_t header[kRrHeader] = {
        hints[0], hints[1],
        static_cast<std::uint8_t>(rec.type >> 8), static_cast<std::uint8_t>(rec.type),
        0, 1,  // class IN
        0, 0, 0, 0,
        static_cast<std::uint8_t>(rec.rdata_length >> 8),
        static_cast<std::uint8_t>(rec.rdata_length)};
    wire.insert(wire.end(), header, header + kRrHeader);
    const auto bytes = store_.rdata(rec);
    wire.insert(wire.end(), bytes.begin(), bytes.end());
    rr_records_.push_back(index);
    previous = &rec;
  }
  if (wire.size() > 0xffffff00u) throw std::length_error("record data exceeds 4 GiB");
  set.wire_length = static_cast<std::uint32_t>(wire.size() - set.wire);
  if (over_limit) {
    report(CheckId::kLimit, reference,
           "RRset has " + std::to_string(set.count + over_limit) + " records, more than the " +
               std::to_string(max_rrset_records_) + " allowed (max-rrset-records)");
  } else if (set.wire_length > kMaxRrsetWireBytes) {
    report(CheckId::kLimit, reference,
           "RRset of " + std::to_string(set.count) + " records is " + std::to_string(set.wire_length) +
               " bytes in answer form; no DNS message can carry it (at most " +
               std::to_string(kMaxRrsetWireBytes) + " beside the header and question)");
  }
  for (std::size_t at = set.wire; at < wire.size();) {
    wire[at + 6] = static_cast<std::uint8_t>(set.ttl >> 24);
    wire[at + 7] = static_cast<std::uint8_t>(set.ttl >> 16);
    wire[at + 8] = static_cast<std::uint8_t>(set.ttl >> 8);
    wire[at + 9] = static_cast<std::uint8_t>(set.ttl);
    at += kRrHeader + ((wire[at + 10] << 8) | wire[at + 11]);
  }
  if (sets == 255) {
    report(CheckId::kLimit, first, "more than 255 RRsets at one name (RRSIGs count one per type covered)");
    wire.resize(set.wire);
    rr_records_.resize(first_rr);
  } else {
    rrset_record_.push_back(earliest);
    rrset_first_rr_.push_back(first_rr);
    snap_->rrsets_.push_back(set);
    ++sets;
  }
}

void SnapshotBuilder::build_trie() {
  LargeVector<std::span<const std::uint8_t>> keys(node_keys_.size());
  LargeVector<std::uint32_t> values(node_keys_.size());
  for (std::uint32_t i = 0; i < values.size(); ++i) {
    keys[i] = node_keys_[i];
    values[i] = i;
  }
  snap_->trie_ = zones::build_trie(keys, values);
}

std::uint32_t SnapshotBuilder::add_name(const std::uint8_t* wire) {
  const std::size_t length = wire_name_length({wire, kMaxNameLength});
  const std::size_t offset = snap_->names_.size();
  snap_->names_.insert(snap_->names_.end(), wire, wire + length);
  return static_cast<std::uint32_t>(offset);
}

std::span<const std::uint8_t> SnapshotBuilder::node_key(std::uint32_t node_id) const {
  if (node_id < node_keys_.size()) return node_keys_[node_id];
  if (node_id < first_nsec3_node_) return node_keys_[parent_side_[node_id - node_keys_.size()].first];
  return store_.key(record_of_rrset(snap_->nodes_[node_id].rrset_begin));
}

std::string SnapshotBuilder::node_text(std::uint32_t node_id) const {
  return key_to_text(node_key(node_id));
}

void SnapshotBuilder::report(CheckId id, const Record& at, std::string message) {
  if (check_severity(id) == Severity::kError && at.zone < zone_errors_.size()) zone_errors_[at.zone] = true;
  findings_.add(Finding{id, store_.file_of(at), at.line, store_.owner_text(at), at.type,
                        std::move(message)});
}

void SnapshotBuilder::report_zone(CheckId id, std::uint32_t zone, std::uint16_t type,
                                  std::string message) {
  if (check_severity(id) == Severity::kError) zone_errors_[zone] = true;
  findings_.add(Finding{id, zones_[zone].file, 0, zones_[zone].origin_text, type, std::move(message)});
}

}  // namespace canon::zones
