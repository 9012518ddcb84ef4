// The compiler's passes over one set of zones, in order:
//
//   build_nodes        sort records; one node per name (empty non-terminals
//                      added), flags, cuts, RRsets in wire form; per-name
//                      checks; NSEC3 owners set apart from the trie
//                      (build_nodes.cpp, check_names.cpp)
//   build_trie         the lookup trie over the node keys
//   build_index        the exact-name index over the same names (build_index.cpp)
//   build_zones        zone table, negative-answer SOA; apex checks (build_zones.cpp)
//   resolve_chains     every CNAME's chain through the whole snapshot; loop and
//                      length checks (build_chains.cpp)
//   link_additional    A/AAAA for MX, SRV and NS targets; target and glue checks
//                      (build_additional.cpp)
//   build_denial       signed zones' denial chains: NSEC nodes in canonical
//                      order, NSEC3 entries by hash, NSEC3PARAM; chain and
//                      parameter checks (build_denial.cpp)
//   check_dnssec       signatures expired or expiring, RRsets unsigned in a
//                      signed zone, DS away from a cut (check_dnssec.cpp)
//
// Control-plane code: it allocates and may throw. Only the Snapshot it
// produces reaches the workers.
#pragma once

#include <memory>
#include <span>
#include <vector>

#include "zones/finding.hpp"
#include "zones/limits.hpp"
#include "zones/record_store.hpp"
#include "zones/snapshot.hpp"

namespace canon::zones {

struct ZoneMeta {
  std::string origin_text;
  std::string origin_wire;
  LookupKey origin_key{};
  std::string file;
  std::uint32_t parent = kNone;          // deepest served zone strictly above, or kNone
  std::vector<std::uint32_t> children;   // served zones directly below
  bool failed = false;                   // LoadedZone::failed: no records, no apex checks
};

class SnapshotBuilder {
 public:
  // `sources`: each zone's loaded records, by ZoneMeta index (their Record::
  // zone is ignored). sort_records fills `store`, whose files (and
  // zone_files) the caller has merged, with all of them in sorted order.
  SnapshotBuilder(RecordStore& store, std::vector<const RecordStore*> sources, std::vector<ZoneMeta> zones,
                  Findings& findings, const ZoneLimits& limits = {});

  // Runs every pass. The snapshot is complete even when findings hold errors
  // (so every check can run); the caller decides whether to publish it.
  std::unique_ptr<Snapshot> build();

  // Zones (by ZoneMeta index) that an error was reported for.
  [[nodiscard]] const std::vector<bool>& zones_with_errors() const noexcept { return zone_errors_; }

 private:
  // build_nodes.cpp
  // Counted by sort_records over the sorted records, for sizing build_nodes'
  // arrays: names and RRsets as the records hold them (empty non-terminals
  // and dropped copies make the real counts differ a little).
  struct Sizes {
    std::size_t names = 0, key_bytes = 0, rrsets = 0, wire_bytes = 0;
  };
  Sizes sort_records();
  void build_nodes();
  std::span<const std::uint32_t> served_records(std::span<const std::uint8_t> key,
                                                std::uint32_t hint,
                                                std::span<const std::uint32_t> group);
  [[nodiscard]] bool is_parent_glue(const Record& rec, std::uint32_t child_zone) const;
  [[nodiscard]] bool is_nsec3_owner(std::span<const std::uint8_t> key, std::uint32_t hint,
                                    std::span<const std::uint32_t> group) const;
  std::uint32_t add_node(std::span<const std::uint8_t> key, std::uint32_t zone,
                         std::span<const std::uint32_t> records);
  void add_rrsets(Node& node, std::span<const std::uint32_t> records);
  void add_rrset(std::span<const std::uint32_t> records, unsigned& sets);
  // The type an RRSIG record covers (type_covered of its RDATA).
  [[nodiscard]] std::uint16_t covered_type(const Record& rec) const;
  NodeExtra& extra_of(std::uint32_t node_id);
  [[nodiscard]] std::uint32_t deepest_zone(std::span<const std::uint8_t> key,
                                           std::uint32_t hint) const;
  // check_names.cpp
  void check_name(std::span<const std::uint32_t> records, bool apex);
  // build_trie / build_zones.cpp
  void build_trie();
  void build_index();
  void build_zones();
  void prepare_negative_soa(Zone& zone, const RRset& soa);
  // build_chains.cpp
  void resolve_chains();
  void render_chain(Chain& chain, std::span<const ChainLink> links, std::uint8_t alias_length);
  // build_additional.cpp
  void link_additional();
  // build_denial.cpp
  void build_denial();
  void link_nsec3_names();
  void build_nsec_chain(std::uint32_t zone, std::span<std::uint32_t> nodes);
  void build_nsec3_chain(std::uint32_t zone, std::span<const std::uint32_t> nodes);
  // The chain's hash parameters: SHA-1 with `iterations` and `salt`.
  void check_nsec3_ring(std::uint32_t zone, std::span<const Nsec3Entry> entries, std::uint16_t iterations,
                        std::span<const std::uint8_t> salt);
  [[nodiscard]] bool is_insecure_cut(std::uint32_t node_id) const;
  void report_unchained(CheckId id, std::uint32_t node_id, const char* type);
  // check_dnssec.cpp
  void check_dnssec();
  void check_signature_times(std::uint32_t rrset);

  std::uint32_t add_name(const std::uint8_t* wire);
  void report(CheckId id, const Record& at, std::string message);
  void report_zone(CheckId id, std::uint32_t zone, std::uint16_t type, std::string message);
  // The record behind an RRset (its earliest line) or behind one of its RRs.
  [[nodiscard]] const Record& record_of_rrset(std::uint32_t rrset) const {
    return store_.records[rrset_record_[rrset]];
  }
  [[nodiscard]] const Record& record_of_rr(std::uint32_t rrset, std::uint16_t rr) const {
    return store_.records[rr_records_[rrset_first_rr_[rrset] + rr]];
  }
  // Any node's name as a lookup key: trie nodes, parent-side nodes (their
  // child apex's) and NSEC3 owner nodes (their records' owner).
  [[nodiscard]] std::span<const std::uint8_t> node_key(std::uint32_t node_id) const;
  [[nodiscard]] std::string node_text(std::uint32_t node_id) const;
  // Outside the trie: the parent's NS and DS at a served child's apex.
  [[nodiscard]] bool is_parent_side(std::uint32_t node_id) const noexcept {
    return node_id >= node_keys_.size() && node_id < first_nsec3_node_;
  }

  RecordStore& store_;
  std::vector<const RecordStore*> sources_;  // read once, by sort_records, which fills store_
  std::vector<ZoneMeta> zones_;
  Findings& findings_;
  std::uint32_t max_rrset_records_;  // ZoneLimits', at most kMaxRrsetRecordsCeiling
  std::uint32_t signature_warn_days_;  // ZoneLimits'
  std::int64_t check_time_;          // ZoneLimits' (0: now, read once in check_dnssec)
  std::unique_ptr<Snapshot> snap_;
  // 0, 1, ... n-1: sort_records leaves store_.records in sorted order; a
  // name's records pass on as a span of indices, as served_records' subsets do.
  LargeVector<std::uint32_t> order_;
  LargeVector<std::uint32_t> rrset_record_;    // per RRset: its earliest record, for file:line
  LargeVector<std::uint32_t> rrset_first_rr_;  // per RRset: index of its first RR in rr_records_
  LargeVector<std::uint32_t> rr_records_;      // per RR in wire order: its record
  // Keys of the trie nodes, copied in sorted order into one arena so the
  // passes that walk them in order read memory in order.
  struct KeyArena {
    LargeVector<std::uint8_t> bytes;
    LargeVector<std::uint32_t> offsets;
    void push_back(std::span<const std::uint8_t> key) {
      offsets.push_back(static_cast<std::uint32_t>(bytes.size()));
      bytes.push_back(static_cast<std::uint8_t>(key.size()));
      bytes.insert(bytes.end(), key.begin(), key.end());
    }
    [[nodiscard]] std::span<const std::uint8_t> operator[](std::size_t i) const {
      const std::uint8_t* at = bytes.data() + offsets[i];
      return {at + 1, at[0]};
    }
    [[nodiscard]] std::size_t size() const { return offsets.size(); }
  };
  KeyArena node_keys_;
  // add_rrsets' runs of one type (RRSIG: one type covered) at a name,
  // reused from name to name.
  struct RecordRun {
    std::size_t begin, end;  // in the name's records
    std::uint16_t type;
    std::uint16_t covered;   // RRSIG runs: the type covered
    bool placed = false;
  };
  std::vector<RecordRun> runs_scratch_;
  std::vector<std::pair<std::uint32_t, std::vector<std::uint32_t>>> parent_side_;  // (node, records)
  // NSEC3 owner names, kept out of the trie: their records, [begin, end) in
  // order_. Their nodes come last, from first_nsec3_node_ on:
  //
  //   nodes_:  [0, node_keys_.size())   trie nodes (keys in node_keys_)
  //            [.., first_nsec3_node_)   parent-side nodes (parent_side_)
  //            [first_nsec3_node_, ..)   NSEC3 owner nodes (nsec3_side_)
  std::vector<std::pair<std::uint32_t, std::uint32_t>> nsec3_side_;
  std::uint32_t first_nsec3_node_ = 0;
  std::vector<std::uint32_t> served_scratch_;
  std::vector<bool> zone_errors_;  // per zone: an error was reported in it
  struct DnssecCounts {            // check_dnssec: findings per zone and check
    unsigned expired = 0, expiring = 0, unsigned_sets = 0, ds_not_at_cut = 0;
  };
  std::vector<DnssecCounts> dnssec_counts_;
  std::vector<unsigned> unchained_reports_;  // per zone: names left out of its denial chain
};

}  // namespace canon::zones
