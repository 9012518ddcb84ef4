// Pass 6: the denial chains of signed zones (snapshot.hpp, top comment),
// and their checks.
//
// NSEC zone (kNsec): the ids of the zone's nodes with an NSEC (trie nodes
// and the parent-side nodes at served child apexes; occluded names are not
// the zone's), sorted in canonical order (canonical_order.hpp), become the
// zone's range of `canonical`:
//
//   canonical[b+0] = apex   NSEC next = a.example.    (the apex sorts first)
//   canonical[b+1] = a      NSEC next = b.a.example.
//   canonical[b+2] = b.a    NSEC next = example.      (the ring closes)
//
// NSEC3 zone (kNsec3): the first NSEC3PARAM of algorithm 1 and flags 0
// (RFC 5155 §4.1.2: others are ignored) gives the hash parameters; every
// NSEC3 owner whose NSEC3 uses them becomes {hash, node}, the hash decoded
// from the owner's first label (base32hex, RFC 4648 §7), sorted by hash.
//
// Checks (warnings: validators catch what is left):
//   nsec-chain-broken     an NSEC whose next name is not the owner of the
//                         next NSEC in canonical order (the last: the apex),
//                         or a name of the zone with records and no NSEC
//                         (the chain skips it)
//   nsec3-chain-broken    an NSEC3 whose next hashed owner is not the next
//                         hash of the chain (the last: the first), or a name
//                         with records and no NSEC3 (an insecure delegation
//                         excepted: opt-out)
//   nsec3param-mismatch   an NSEC3PARAM that no NSEC3 of the zone uses
//   nsec3-iterations      NSEC3PARAM iterations over 150: RFC 9276 §3.2
//                         lets validators treat such answers as insecure
//                         or bogus (its recommendation is 0)
#include <algorithm>
#include <array>
#include <cstring>

#include "zones/base32hex.hpp"
#include "zones/canonical_order.hpp"
#include "zones/rr_type.hpp"
#include "zones/sha1.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

constexpr unsigned kReportsPerZone = 20;
constexpr unsigned kMaxIterations = 150;  // RFC 9276 §3.2
constexpr std::uint8_t kSha1Algorithm = 1;

// NSEC3 and NSEC3PARAM RDATA begin alike (RFC 5155 §3.2, §4.2):
// algorithm (1), flags (1), iterations (2), salt length (1), salt.
struct Nsec3Params {
  std::uint8_t algorithm = 0;
  std::uint8_t flags = 0;
  std::uint16_t iterations = 0;
  std::span<const std::uint8_t> salt;
  bool valid = false;

  [[nodiscard]] bool same_hash(const Nsec3Params& o) const {
    return valid && o.valid && algorithm == o.algorithm && iterations == o.iterations &&
           std::equal(salt.begin(), salt.end(), o.salt.begin(), o.salt.end());
  }
};

Nsec3Params read_params(std::span<const std::uint8_t> rdata) {
  Nsec3Params p;
  if (rdata.size() < 5 || rdata.size() < 5u + rdata[4]) return p;
  p.algorithm = rdata[0];
  p.flags = rdata[1];
  p.iterations = static_cast<std::uint16_t>((rdata[2] << 8) | rdata[3]);
  p.salt = rdata.subspan(5, rdata[4]);
  p.valid = true;
  return p;
}

std::string hex(std::span<const std::uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 15];
  }
  return out.empty() ? "-" : out;
}

}  // namespace

// A delegation (or the parent's side of a child apex) without DS: opt-out
// may leave it out of an NSEC3 chain (RFC 5155 §6).
bool SnapshotBuilder::is_insecure_cut(std::uint32_t id) const {
  const Node& node = snap_->nodes_[id];
  return (node.has(kDelegation) || is_parent_side(id)) && snap_->rrset(node, rr::DS) == nullptr;
}

// A name with records that its zone's chain leaves out: a denial near it
// proves it does not exist, which validators then believe. Up to
// kReportsPerZone per zone.
void SnapshotBuilder::report_unchained(CheckId id, std::uint32_t node_id, const char* type) {
  const Node& node = snap_->nodes_[node_id];
  if (unchained_reports_.size() < zones_.size()) unchained_reports_.resize(zones_.size(), 0);
  if (++unchained_reports_[node.zone] > kReportsPerZone) return;
  report(id, record_of_rrset(node.rrset_begin),
         key_to_text(node_key(node_id)) + " holds records but has no " + type +
             "; the chain skips it, so validators are told it does not exist (RFC 4035 §2.3, RFC 5155 §7.1)");
}

void SnapshotBuilder::build_denial() {
  // (zone, node) of every node holding an NSEC or an NSEC3 in a zone that
  // uses it, grouped by zone below.
  std::vector<std::pair<std::uint32_t, std::uint32_t>> nsec, nsec3;
  const std::uint32_t node_total = static_cast<std::uint32_t>(snap_->nodes_.size());
  for (std::uint32_t id = 0; id < node_total; ++id) {
    const Node& node = snap_->nodes_[id];
    const DnssecZone* d = snap_->dnssec(snap_->zones_[node.zone]);
    if (d == nullptr || node.has(kOccluded)) continue;
    if ((d->flags & kNsec) && snap_->rrset(node, rr::NSEC)) {
      nsec.emplace_back(node.zone, id);
    } else if ((d->flags & kNsec) && node.rrset_count != 0 && id < first_nsec3_node_) {
      report_unchained(CheckId::kNsecChainBroken, id, "NSEC");
    }
    if ((d->flags & kNsec3) && snap_->rrset(node, rr::NSEC3)) nsec3.emplace_back(node.zone, id);
  }
  std::vector<std::uint32_t> nodes;
  auto by_zone = [&](auto& list, auto&& build) {
    std::stable_sort(list.begin(), list.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (std::size_t i = 0; i < list.size();) {
      std::size_t j = i;
      nodes.clear();
      for (; j < list.size() && list[j].first == list[i].first; ++j) nodes.push_back(list[j].second);
      build(list[i].first, nodes);
      i = j;
    }
  };
  by_zone(nsec, [&](std::uint32_t z, std::vector<std::uint32_t>& n) { build_nsec_chain(z, n); });
  std::vector<bool> built(zones_.size(), false);
  by_zone(nsec3, [&](std::uint32_t z, std::vector<std::uint32_t>& n) {
    build_nsec3_chain(z, n);
    built[z] = true;
  });
  // NSEC3 zones without any NSEC3 still get their parameters and checks.
  for (std::uint32_t z = 0; z < zones_.size(); ++z) {
    const DnssecZone* d = snap_->dnssec(snap_->zones_[z]);
    if (d != nullptr && (d->flags & kNsec3) && !built[z]) build_nsec3_chain(z, {});
  }
  if (!nsec3.empty()) link_nsec3_names();
}

// Nsec3Links for every name of an NSEC3 zone (the trie's nodes and the
// parent-side ones): two hashes per name here, none per query for them.
void SnapshotBuilder::link_nsec3_names() {
  const std::uint32_t names = first_nsec3_node_;
  snap_->nsec3_links_.assign(names, Nsec3Links{});
  std::uint8_t wire[kMaxNameLength + 2];
  std::uint8_t hash[kSha1Length];
  // A record's place in nsec3: its hash is its entry's first member.
  const auto entry_index = [&](const Snapshot::Nsec3Record& r) {
    return static_cast<std::uint32_t>(reinterpret_cast<const Nsec3Entry*>(r.hash) - snap_->nsec3_.data());
  };
  for (std::uint32_t id = 0; id < names; ++id) {
    const Node& node = snap_->nodes_[id];
    const Zone& zone = snap_->zones_[node.zone];
    const DnssecZone* d = snap_->dnssec(zone);
    if (d == nullptr || !(d->flags & kNsec3) || d->denial_count == 0 || node.has(kOccluded)) continue;
    wire[0] = 1;
    wire[1] = '*';
    const std::size_t length = key_to_wire(node_key(id), wire + 2);
    Nsec3Links& links = snap_->nsec3_links_[id];
    snap_->nsec3_hash(zone, wire + 2, length, hash);
    const Snapshot::Nsec3Record own = snap_->nsec3_for(zone, hash);
    if (own.matches) {
      links.own = entry_index(own);
    } else if (node.rrset_count != 0 && !is_insecure_cut(id)) {
      report_unchained(CheckId::kNsec3ChainBroken, id, "NSEC3");
    }
    if (length + 2 > kMaxNameLength) continue;  // no wildcard fits below it
    snap_->nsec3_hash(zone, wire, length + 2, hash);
    const Snapshot::Nsec3Record cover = snap_->nsec3_for(zone, hash);
    links.wildcard_cover = entry_index(cover);
  }
}

void SnapshotBuilder::build_nsec_chain(std::uint32_t z, std::span<std::uint32_t> nodes) {
  std::sort(nodes.begin(), nodes.end(), [&](std::uint32_t a, std::uint32_t b) {
    return compare_canonical_keys(node_key(a), node_key(b)) < 0;
  });
  DnssecZone& d = snap_->dnssec_[snap_->zones_[z].dnssec];
  d.denial_begin = static_cast<std::uint32_t>(snap_->canonical_.size());
  d.denial_count = static_cast<std::uint32_t>(nodes.size());
  snap_->canonical_.insert(snap_->canonical_.end(), nodes.begin(), nodes.end());

  // Each NSEC's next name is the following owner; the last one's the apex.
  unsigned broken = 0;
  for (std::size_t i = 0; i < nodes.size(); ++i) {
    const RRset* set = snap_->rrset(snap_->nodes_[nodes[i]], rr::NSEC);
    const auto rdata = snap_->rdata(*set).data();
    const std::span<const std::uint8_t> expected =
        i + 1 < nodes.size() ? node_key(nodes[i + 1]) : zones_[z].origin_key.view();
    LookupKey next;
    const bool well_formed = wire_name_length(rdata) != 0;
    if (well_formed) make_key(rdata.data(), next);
    if (well_formed && compare_canonical_keys(next.view(), expected) == 0) continue;
    if (++broken > kReportsPerZone) continue;
    report(CheckId::kNsecChainBroken, record_of_rrset(static_cast<std::uint32_t>(set - snap_->rrsets_.data())),
           "NSEC next name " + (well_formed ? key_to_text(next.view()) : std::string("(malformed)")) +
               ", but the next name with an NSEC in canonical order is " + key_to_text(expected) +
               "; validating resolvers will reject denials built from this chain (RFC 4034 §4.1.1)");
  }
  if (broken > kReportsPerZone) {
    report_zone(CheckId::kNsecChainBroken, z, rr::NSEC,
                std::to_string(broken - kReportsPerZone) + " more broken NSEC links not listed");
  }
}

// Each NSEC3's next hashed owner is the following hash of the sorted chain,
// the last one's the first (RFC 5155 §3.1.7).
void SnapshotBuilder::check_nsec3_ring(std::uint32_t z, std::span<const Nsec3Entry> entries,
                                       std::uint16_t iterations, std::span<const std::uint8_t> salt) {
  Nsec3Params chain;
  chain.algorithm = kSha1Algorithm;
  chain.iterations = iterations;
  chain.salt = salt;
  chain.valid = true;
  unsigned broken = 0;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const std::uint8_t* expected = entries[i + 1 < entries.size() ? i + 1 : 0].hash;
    const RRset* set = snap_->rrset(snap_->nodes_[entries[i].node], rr::NSEC3);
    std::uint16_t rr_index = 0;
    for (auto it = snap_->rdata(*set); it; ++it, ++rr_index) {
      const auto rdata = it.data();
      const Nsec3Params p = read_params(rdata);
      if (!p.same_hash(chain)) continue;
      const std::size_t at = 5 + p.salt.size();  // hash length, then the next hashed owner
      const bool well_formed = rdata.size() > at && rdata[at] == kSha1Length && rdata.size() >= at + 1 + kSha1Length;
      if (well_formed && std::memcmp(rdata.data() + at + 1, expected, kSha1Length) == 0) break;
      if (++broken <= kReportsPerZone) {
        report(CheckId::kNsec3ChainBroken,
               record_of_rr(static_cast<std::uint32_t>(set - snap_->rrsets_.data()), rr_index),
               "NSEC3 next hashed owner " +
                   (well_formed ? nsec3_hash_text(rdata.data() + at + 1) : std::string("(malformed)")) +
                   ", but the next hash of the chain is " + nsec3_hash_text(expected) +
                   "; validating resolvers will reject denials built from this chain (RFC 5155 §3.1.7)");
      }
      break;
    }
  }
  if (broken > kReportsPerZone) {
    report_zone(CheckId::kNsec3ChainBroken, z, rr::NSEC3,
                std::to_string(broken - kReportsPerZone) + " more broken NSEC3 links not listed");
  }
}

void SnapshotBuilder::build_nsec3_chain(std::uint32_t z, std::span<const std::uint32_t> nodes) {
  const Zone& zone = snap_->zones_[z];
  DnssecZone& d = snap_->dnssec_[zone.dnssec];
  const RRset* param_set = snap_->rrset(snap_->nodes_[zone.apex], rr::NSEC3PARAM);
  const std::uint32_t param_index = static_cast<std::uint32_t>(param_set - snap_->rrsets_.data());

  // The NSEC3PARAM RRs; the first usable one gives the chain its parameters.
  std::vector<Nsec3Params> params;
  std::vector<bool> used;
  std::size_t chosen = params.max_size();  // none yet
  for (auto it = snap_->rdata(*param_set); it; ++it) {
    params.push_back(read_params(it.data()));
    used.push_back(false);
    const Nsec3Params& p = params.back();
    if (chosen == params.max_size() && p.valid && p.algorithm == kSha1Algorithm && p.flags == 0) chosen = params.size() - 1;
  }
  if (chosen != params.max_size()) {
    const Nsec3Params& p = params[chosen];
    d.nsec3_iterations = p.iterations;
    d.nsec3_salt_length = static_cast<std::uint8_t>(p.salt.size());
    d.nsec3_salt = static_cast<std::uint32_t>(snap_->names_.size());
    snap_->names_.insert(snap_->names_.end(), p.salt.begin(), p.salt.end());
  }
  for (std::uint16_t i = 0; i < params.size(); ++i) {
    if (!params[i].valid || params[i].iterations <= kMaxIterations) continue;
    report(CheckId::kNsec3Iterations, record_of_rr(param_index, i),
           "NSEC3PARAM with " + std::to_string(params[i].iterations) +
               " iterations: over 150, validating resolvers may treat the zone's denials as "
               "insecure or bogus (RFC 9276 §3.2; it recommends 0 iterations and no salt)");
  }

  std::vector<Nsec3Entry> entries;
  for (std::uint32_t id : nodes) {
    const Node& node = snap_->nodes_[id];
    const RRset* set = snap_->rrset(node, rr::NSEC3);
    bool in_chain = false;
    for (auto it = snap_->rdata(*set); it; ++it) {
      const Nsec3Params p = read_params(it.data());
      for (std::size_t k = 0; k < params.size(); ++k) {
        if (!p.same_hash(params[k])) continue;
        used[k] = true;
        in_chain |= k == chosen;
      }
    }
    if (!in_chain) continue;
    const auto key = node_key(id);
    const std::size_t label = key_parent_length(key);  // the name's first label, last in the key
    Nsec3Entry entry{};
    entry.node = id;
    if (decode_nsec3_hash(key.subspan(label + 1, key[label]), entry.hash)) entries.push_back(entry);
  }
  std::sort(entries.begin(), entries.end(), [](const Nsec3Entry& a, const Nsec3Entry& b) {
    return std::memcmp(a.hash, b.hash, kSha1Length) < 0;
  });
  d.denial_begin = static_cast<std::uint32_t>(snap_->nsec3_.size());
  d.denial_count = static_cast<std::uint32_t>(entries.size());
  snap_->nsec3_.insert(snap_->nsec3_.end(), entries.begin(), entries.end());
  if (chosen != params.max_size()) check_nsec3_ring(z, entries, params[chosen].iterations, params[chosen].salt);

  for (std::uint16_t i = 0; i < params.size(); ++i) {
    if (used[i]) continue;
    const Nsec3Params& p = params[i];
    report(CheckId::kNsec3ParamMismatch, record_of_rr(param_index, i),
           p.valid ? "no NSEC3 in the zone uses this NSEC3PARAM's parameters (algorithm " +
                         std::to_string(p.algorithm) + ", " + std::to_string(p.iterations) +
                         " iterations, salt " + hex(p.salt) +
                         "); NSEC3 denials for it cannot be given"
                   : std::string("malformed NSEC3PARAM; NSEC3 denials cannot be given"));
  }
}

}  // namespace canon::zones
