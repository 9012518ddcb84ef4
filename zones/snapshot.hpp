// The compiled, immutable form of every zone canon serves.
//
// Workers only read a Snapshot (`const Snapshot&`); the control thread builds
// one with compile() and publishes it whole. Everything is flat arrays
// indexed by 32-bit numbers, no pointers:
//
//   index ─name─▶ node id                        names that exist (name_index.hpp)
//   trie ──key──▶ node id ──▶ nodes[id]            one per owner name, incl. empty non-terminals
//                               │ rrset_begin, rrset_count
//                               ▼
//                             rrsets[i]            one per (name, type), sorted by type
//                               │ wire             offset into wire: the RRs in answer form
//                               │ additional       index into additional: a header {n} then n entries
//                               ▼
//                             wire / additional
//   nodes[id].extra ─────────▶ extras[e]          only alias, occluded, wildcard-parent and
//                               │ chain              child-apex nodes have one
//                               ▼
//                             chains[c] ─▶ links[...]   each CNAME's chain, resolved at compile
//                                                       time through the whole snapshot
//   nodes[id].zone ──────────▶ zones[z]            apex, SOA and negative TTL per zone
//                               │ dnssec
//                               ▼
//                             dnssec[d]           signed zones only: flags, NSEC3
//                                                 parameters, and where their
//                                                 denial chain is:
//                                   denial range ──▶ canonical[...]  NSEC: node ids
//                                                ──▶ nsec3[...]      NSEC3: {hash, node}
//
// Names that the prepared material refers to (chain owners and targets, zone
// origins) are wire form in `names`, addressed by offset; NSEC3 salts too.
//
// DNSSEC material (RFC 4033-4035, 5155). The signatures live with the data:
// a node's RRSIG records are one RRset per type covered, each with its own
// TTL, placed right after the RRset it signs (RRset below). A node's NSEC or
// NSEC3 is an RRset of the node like any other, its RRSIG after it. The
// denial proofs find them through the zone's denial range (zones/
// build_denial.cpp builds it, zones/denial.cpp searches it):
//   DnssecZone::denial_begin/count   NSEC zone: a range of `canonical`, the
//                                    ids of the zone's nodes that hold an
//                                    NSEC, in canonical order (RFC 4034
//                                    §6.1, zones/canonical_order.hpp). The
//                                    covering NSEC of an absent name is
//                                    found by binary search on the entries'
//                                    NSEC "next" names (entry i covers the
//                                    name when it sorts below next(i) and
//                                    not below next(i-1)); its owner,
//                                    written in full, is next(i-1) (the
//                                    apex for i = 0), so no name is stored
//                                    twice. An existing name's NSEC is its
//                                    own RRset:
//
//                                      canonical[b+0] apex  NSEC next aa
//                                      canonical[b+1] aa    NSEC next c.aa
//                                      canonical[b+2] c.aa  NSEC next b
//                                      canonical[b+3] b     NSEC next <apex>
//
//                                    NSEC3 zone: a range of `nsec3`, the
//                                    chain sorted by hash ({hash, node}),
//                                    the hash decoded from the owner's
//                                    first label. Only NSEC3 records using
//                                    the NSEC3PARAM's parameters are in it;
//   DnssecZone::nsec3_*              NSEC3PARAM's iterations and salt, for
//                                    the per-query hash (zones/sha1.hpp);
//   NSEC3 owner names are not in the trie nor the exact-name index (RFC
//   5155 §7.2.8: they are NXDOMAIN as query names): a name holding only
//   NSEC3 and its RRSIGs, one label below its zone's origin, has its node
//   after the parent-side nodes, reached only through `nsec3`. Zone
//   transfers out read the loaded records, not the snapshot, so they still
//   carry them. A zone with both NSEC3PARAM and NSEC at its apex is an
//   NSEC3 zone (kNsec3 only).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "zones/name.hpp"
#include "zones/name_index.hpp"
#include "zones/rr_type.hpp"
#include "zones/trie.hpp"

namespace canon::zones {

inline constexpr std::uint32_t kNone = kNoValue;
inline constexpr unsigned kMaxChainLinks = 16;

// Per-node facts the compiler worked out so the worker only tests bits.
enum NodeFlag : std::uint16_t {
  kApex = 1u << 0,            // a zone's origin
  kCname = 1u << 1,           // holds a CNAME (and nothing else but DNSSEC records)
  kDname = 1u << 2,           // holds a DNAME: it redirects the names below it
  kDelegation = 1u << 3,      // NS below the apex: a zone cut
  kOccluded = 1u << 4,        // below a delegation or a DNAME of its zone (extra.cut says which)
  kWildcardChild = 1u << 5,   // "*.<this name>" exists (extra.wildcard)
  kEmptyNonTerminal = 1u << 6,  // no records, but names below it
  kWildcard = 1u << 7,        // this name is "*.<parent>"
  kChildApexData = 1u << 8,   // the parent zone has data here too (extra.parent_side)
};

struct Node {                 // 16 bytes
  std::uint32_t rrset_begin;  // index of its first RRset in rrsets
  std::uint32_t zone;         // index into zones: the deepest zone holding the name
  std::uint32_t extra;        // index into extras, or kNone
  std::uint16_t flags;        // NodeFlag bits
  std::uint8_t rrset_count;
  std::uint8_t name_length;   // wire length of the owner name, root byte included

  [[nodiscard]] bool has(NodeFlag f) const noexcept { return (flags & f) != 0; }
};

struct NodeExtra {              // 16 bytes, for the few nodes that need it
  std::uint32_t chain = kNone;  // CNAME node: its prepared chain
  std::uint32_t cut = kNone;    // occluded node: the delegation or DNAME node above it
  std::uint32_t wildcard = kNone;     // "*.<name>" node
  std::uint32_t parent_side = kNone;  // child apex: a node (outside the trie) with the
                                      // parent zone's records here (NS, DS)
};

// RRs are stored ready to send, as they appear in an answer whose owner is
// the question name (a compression pointer to offset 12):
//
//   c0 0c | TYPE | CLASS=IN | TTL | RDLENGTH | RDATA      (big-endian, names in
//   2       2      2          4     2          RDLENGTH    RDATA uncompressed)
//
// An RRset owned by the question is then one memcpy; any other owner is a
// 2-byte patch per RR. The TTL written is the set's lowest. The types whose
// RDATA names are compressed (zones/name_compression.hpp) are written RR by
// RR instead, and their first two octets hold, per name, how many octets of
// its suffix the owner shares (0: none): the writer points there.
inline constexpr std::size_t kRrHeader = 12;  // owner pointer through RDLENGTH

// A node's RRsets are sorted by type, except RRSIG: its records are one set
// per type covered, right after the set they sign, and those that sign no
// set of the node (a broken zone) last, by type covered. A signed name with
// A, MX and NSEC holds:
//
//   rrsets[b+0]  A                        ttl 3600
//   rrsets[b+1]  RRSIG (covers A)         ttl 3600
//   rrsets[b+2]  MX                       ttl 300
//   rrsets[b+3]  RRSIG (covers MX)        ttl 300
//   rrsets[b+4]  NSEC                     ttl 600
//   rrsets[b+5]  RRSIG (covers NSEC)      ttl 600
//
// so a set's signatures are the next set when that one is an RRSIG covering
// its type (Snapshot::signature), and an unsigned zone's sets are laid out
// exactly as before.
struct RRset {                  // 20 bytes
  std::uint16_t type;
  std::uint16_t count;          // RRs in the set
  std::uint32_t ttl;            // the lowest TTL written in the zone (RFC 2181 §5.2)
  std::uint32_t wire;           // offset in wire of the first RR in answer form
  std::uint32_t wire_length;    // bytes of all its RRs in answer form
  std::uint32_t additional;     // index in additional of a header {node = n} and n entries, or kNone
};

// A node that an MX, SRV, NS, SVCB or HTTPS target names (in the same zone),
// holding what the additional section gives for it.
struct Additional {
  std::uint32_t node;           // the target's node
  std::uint16_t rr;             // which RR of the set names it
  std::uint8_t name_offset;     // where the target name starts inside that RR's RDATA
  std::uint8_t flags;           // AdditionalFlag
};

enum AdditionalFlag : std::uint8_t {
  // The target is the owner of the set: an SVCB/HTTPS ServiceMode record
  // whose TargetName is "." (RFC 9460 §2.5.2), so the owner as written in
  // the answer names it (the query name, for a wildcard).
  kTargetIsOwner = 1u << 0,
  // Besides A/AAAA, the target's set of the same type: SVCB/HTTPS AliasMode
  // (RFC 9460 §4.1), one level, not its own targets in turn.
  kTargetSet = 1u << 1,
};

enum class ChainEnd : std::uint8_t {
  kNode,       // the last target exists: answer from end_node (may be NODATA)
  kWildcard,   // the last target is synthesized from wildcard end_node (owner end_name)
  kNxdomain,   // the last target does not exist in zone end_zone
  kReferral,   // the last target is below delegation end_node
  kOutside,    // the last target is not in any served zone: the chain ends with the last CNAME
  kLoop,       // a target repeats: the chain stops after the link that closes the loop
  kTooLong,    // more than kMaxChainLinks links
  kYxdomain,   // a DNAME substitution made a name over 255 octets (RFC 6672 §2.2)
};

enum class LinkKind : std::uint8_t {
  kCname,         // node's CNAME RRset, owner = owner_name
  kWildcardCname, // wildcard node's CNAME, owner synthesized = owner_name
  kDname,         // node's DNAME RRset, then a synthesized CNAME owner_name → target_name
};

struct ChainLink {              // 16 bytes
  std::uint32_t node;           // CNAME, wildcard-CNAME or DNAME node
  std::uint32_t owner_name;     // offset in names
  std::uint32_t target_name;    // offset in names
  LinkKind kind;
  std::uint8_t reserved[3] = {0, 0, 0};
};

// A chain also comes pre-rendered: the answer-section bytes of all its links
// as they appear after the question when the question is the alias itself.
// The question's length is then fixed (the alias's name), so every
// compression pointer in the bytes is too:
//
//   [12-byte header][question: alias name, type, class][rendered chain ...]
//                                                      ^ 12 + name_length + 4
//
// The engine copies them in one piece and answers the end from end_owner.
struct Chain {                  // 28 bytes
  std::uint32_t link_begin;     // index into links
  std::uint8_t link_count;      // 1..kMaxChainLinks
  ChainEnd end;
  std::uint16_t rendered_rrs;   // RRs in the rendered bytes (CNAMEs and DNAMEs)
  std::uint32_t end_node;       // see ChainEnd; for kNxdomain the zone's apex node
  std::uint32_t end_name;       // offset in names: the last target
  std::uint32_t rendered;       // offset in wire of the rendered links
  std::uint16_t rendered_length;
  std::uint16_t end_owner;      // packet offset of the last target inside them
  std::uint8_t end_owner_length;
  std::uint8_t reserved[3] = {0, 0, 0};
};

// A zone with DNSKEY at its apex (Zone::dnssec).
enum DnssecFlag : std::uint8_t {
  kSigned = 1u << 0,    // DNSKEY at the apex: every authoritative RRset should carry RRSIGs
  kNsec = 1u << 1,      // NSEC at the apex (and no NSEC3PARAM): NSEC denial
  kNsec3 = 1u << 2,     // NSEC3PARAM at the apex: NSEC3 denial
};

struct DnssecZone {             // 16 bytes
  std::uint8_t flags = 0;       // DnssecFlag
  // NSEC3 zones: the NSEC3PARAM's (the first of algorithm 1, flags 0).
  std::uint8_t nsec3_salt_length = 0;
  std::uint16_t nsec3_iterations = 0;
  std::uint32_t nsec3_salt = 0;      // offset in names
  std::uint32_t denial_begin = 0;    // NSEC: index in canonical; NSEC3: index in nsec3
  std::uint32_t denial_count = 0;
};

// One link of an NSEC3 chain.
struct Nsec3Entry {             // 24 bytes
  std::uint8_t hash[20];        // the owner's hash (SHA-1), the chain's order
  std::uint32_t node;           // the node holding the NSEC3 RRset and its RRSIG
};

// For each name of an NSEC3 zone (Snapshot::nsec3_links, indexed by node
// id): its own NSEC3 and the one covering "*.<name>", both indexes into the
// zone's nsec3 range (kNone: none). The closest encloser of a denial is a
// name the lookup found, so two of an NXDOMAIN proof's three hashes are
// looked up here instead of computed per query.
struct Nsec3Links {             // 8 bytes
  std::uint32_t own = kNone;
  std::uint32_t wildcard_cover = kNone;
};

struct Zone {
  std::uint32_t apex;           // node id
  std::uint32_t origin;         // offset in names (wire)
  std::uint32_t soa_rrset;      // index into rrsets
  std::uint32_t negative_ttl;   // min(SOA TTL, SOA MINIMUM) (RFC 2308 §5)
  std::uint32_t serial;
  std::uint8_t origin_length;
  // The SOA as a negative answer's authority writes it when only the question
  // precedes it: the RR after its owner (TTL = negative_ttl), names compressed
  // for a message whose question is the apex itself (at offset 12), and where
  // its pointers are, so the writer copies it and moves each pointer to the
  // apex's place in the real question (zones/name_compression.hpp,
  // PreparedSoa). negative_soa_length 0: not prepared.
  std::uint32_t negative_soa = 0;
  std::uint8_t negative_soa_length = 0;
  std::uint8_t soa_pointers[2] = {0, 0};  // offsets of its pointers in those bytes (0: none)
  std::uint8_t soa_before[2] = {0, 0};    // for a pointer to the whole apex, its name's label before it
  // No version of the zone could be loaded (its file has errors and none
  // loaded before): every name in it is answered SERVFAIL, as knotd and nsd
  // answer for a zone that failed to load. It holds no records.
  bool failed;
  std::uint32_t dnssec = kNone;  // index into the unit's DnssecZone array; kNone: not signed
};

// Control-plane facts about a zone, for status output; workers never read them.
struct ZoneInfo {
  std::string origin;           // "example.com."
  std::string file;
  std::uint64_t records = 0;
};

class Snapshot {
 public:
  // ---- lookups --------------------------------------------------------------
  [[nodiscard]] TrieMatch find(std::span<const std::uint8_t> key) const noexcept {
    return trie_.find(key);
  }
  void find_burst(const std::span<const std::uint8_t>* keys, std::size_t count,
                  TrieMatch* out) const noexcept {
    trie_.find_burst(keys, count, out);
  }

  // The node named `name`, or kNone when the exact-name index does not hold
  // it: the name may still exist (look its key up with find then). A node
  // found is what find would give as TrieMatch{node, node, key length}.
  [[nodiscard]] std::uint32_t find_exact(const IndexedName& name) const noexcept;
  // The same for `count` names at once, name i looked up in units[i]
  // (nullptr: kNone), stage by stage across them with prefetches (directory
  // slot, bucket, node), so their cache misses overlap.
  static void find_exact_burst(const Snapshot* const* units, const IndexedName* const* names,
                               std::size_t count, std::uint32_t* out) noexcept;

  // What find gives for each of `count` names (at most 255 octets, wire
  // form, as make_indexed_name leaves them), name i in units[i] (nullptr:
  // no zone holds it, TrieMatch{}), mostly without the trie: the exact-name
  // index answers a name it holds, and a name it lacks by its longest held
  // suffix, probing up to three parents; only names still open then are
  // walked in the trie (find_names.cpp). ZoneTable::find_names_burst picks
  // the units.
  static void find_names_burst(const Snapshot* const* units, const IndexedName* const* names,
                               std::size_t count, TrieMatch* out) noexcept;
  // All `count` names in this unit.
  void find_names_burst(const IndexedName* const* names, std::size_t count, TrieMatch* out) const noexcept;

  // Whether `name` after its first `tail_length` octets is the origin of
  // node `node`'s zone (the check after an index candidate matched).
  [[nodiscard]] bool origin_is(const IndexedName& name, std::uint8_t tail_length,
                               std::uint32_t node) const noexcept {
    return index_.origin_is(name, tail_length, nodes_[node].zone);
  }
  // Every name of the exact-name index: f(tail, node, whole name), as
  // NameIndex::for_each_name. Control plane (ZoneTable builds from it).
  template <class F>
  void for_each_name(F&& f) const {
    index_.for_each_name([&](std::uint32_t node) { return nodes_[node].zone; }, f);
  }

  // ---- prefetch hints for bursts (no effect on results) -------------------------
  void prefetch_node(std::uint32_t id) const noexcept { __builtin_prefetch(nodes_.data() + id); }
  void prefetch_rrsets(const Node& n) const noexcept {
    __builtin_prefetch(rrsets_.data() + n.rrset_begin);
  }
  void prefetch_wire(const RRset& set) const noexcept { __builtin_prefetch(wire_.data() + set.wire); }

  // ---- nodes and their data -------------------------------------------------
  [[nodiscard]] const Node& node(std::uint32_t id) const noexcept { return nodes_[id]; }
  [[nodiscard]] const NodeExtra& extra(const Node& n) const noexcept { return extras_[n.extra]; }
  [[nodiscard]] std::span<const RRset> rrsets(const Node& n) const noexcept {
    return {rrsets_.data() + n.rrset_begin, n.rrset_count};
  }
  // The node's RRset of `type`, or nullptr.
  [[nodiscard]] const RRset* rrset(const Node& n, std::uint16_t type) const noexcept;
  [[nodiscard]] const RRset& rrset_at(std::uint32_t index) const noexcept { return rrsets_[index]; }

  // Walks an RRset's RRs: for (RdataIter it = ...; it; ++it) it.data().
  class RdataIter {
   public:
    RdataIter(const std::uint8_t* at, std::uint16_t remaining) : at_(at), remaining_(remaining) {}
    explicit operator bool() const noexcept { return remaining_ != 0; }
    [[nodiscard]] std::span<const std::uint8_t> data() const noexcept {
      return {at_ + kRrHeader, length()};
    }
    // The whole RR in answer form (owner pointer, header, RDATA).
    [[nodiscard]] std::span<const std::uint8_t> wire() const noexcept {
      return {at_, kRrHeader + length()};
    }
    RdataIter& operator++() noexcept {
      at_ += kRrHeader + length();
      --remaining_;
      return *this;
    }

   private:
    [[nodiscard]] std::size_t length() const noexcept {
      return static_cast<std::size_t>((at_[10] << 8) | at_[11]);
    }
    const std::uint8_t* at_;
    std::uint16_t remaining_;
  };
  [[nodiscard]] RdataIter rdata(const RRset& set) const noexcept {
    return {wire_.data() + set.wire, set.count};
  }
  // All RRs of the set in answer form, owner = pointer to the question.
  [[nodiscard]] std::span<const std::uint8_t> wire(const RRset& set) const noexcept {
    return {wire_.data() + set.wire, set.wire_length};
  }
  [[nodiscard]] std::span<const Additional> additional(const RRset& set) const noexcept;

  // The RRSIG set that signs `set` of node `n`, or nullptr (RRset above).
  [[nodiscard]] const RRset* signature(const Node& n, const RRset& set) const noexcept {
    const RRset* next = &set + 1;
    if (next == rrsets_.data() + n.rrset_begin + n.rrset_count || next->type != rr::RRSIG) return nullptr;
    const std::uint8_t* covered = wire_.data() + next->wire + kRrHeader;
    return ((covered[0] << 8) | covered[1]) == set.type ? next : nullptr;
  }
  // The type an RRSIG set covers.
  [[nodiscard]] std::uint16_t covered(const RRset& rrsig) const noexcept {
    const std::uint8_t* at = wire_.data() + rrsig.wire + kRrHeader;
    return static_cast<std::uint16_t>((at[0] << 8) | at[1]);
  }

  // ---- zones, chains, names -------------------------------------------------
  [[nodiscard]] std::span<const Zone> zones() const noexcept { return zones_; }
  [[nodiscard]] const Zone& zone(std::uint32_t id) const noexcept { return zones_[id]; }
  [[nodiscard]] const DnssecZone* dnssec(const Zone& z) const noexcept {
    return z.dnssec == kNone ? nullptr : &dnssec_[z.dnssec];
  }
  [[nodiscard]] std::span<const ZoneInfo> zone_infos() const noexcept { return zone_infos_; }
  [[nodiscard]] const Chain& chain(std::uint32_t id) const noexcept { return chains_[id]; }
  [[nodiscard]] std::span<const ChainLink> links(const Chain& c) const noexcept {
    return {links_.data() + c.link_begin, c.link_count};
  }
  [[nodiscard]] const std::uint8_t* name(std::uint32_t offset) const noexcept {
    return names_.data() + offset;
  }
  [[nodiscard]] std::span<const std::uint8_t> negative_soa(const Zone& z) const noexcept {
    return {wire_.data() + z.negative_soa, z.negative_soa_length};
  }
  [[nodiscard]] std::span<const std::uint8_t> rendered(const Chain& c) const noexcept {
    return {wire_.data() + c.rendered, c.rendered_length};
  }

  // ---- denial of existence (signed zones; zones/denial.cpp) ------------------------
  // Both searches are binary searches over the zone's range of the denial
  // arrays: no allocation, no scan, safe on the data path.

  // An NSEC record of an NSEC zone, as a denial proof writes it.
  struct NsecRecord {
    std::uint32_t node = kNone;              // the node holding the NSEC RRset (RRSIG right after)
    const std::uint8_t* owner = nullptr;     // its owner, wire form, uncompressed (in wire_ or names_)
    std::uint8_t owner_length = 0;           // octets, root included
    bool matches = false;                    // the owner is `name` itself (case-insensitive)
  };
  // The NSEC of `zone` (kNsec) whose owner is `name` or, when no NSEC has
  // that owner, the one that covers it: owner < name < next in canonical
  // order (RFC 4034 §6.1), the last NSEC (next = apex) covering every name
  // after it. `name`: wire form, any case, inside the zone. node == kNone
  // when the zone has no NSEC chain.
  [[nodiscard]] NsecRecord nsec_for(const Zone& zone, const std::uint8_t* name,
                                    std::size_t length) const noexcept;

  // An NSEC3 record of an NSEC3 zone.
  struct Nsec3Record {
    std::uint32_t node = kNone;              // the node holding the NSEC3 RRset (RRSIG right after)
    const std::uint8_t* hash = nullptr;      // its owner's hash, 20 octets (the owner is
                                             // base32hex(hash) + "." + origin)
    bool matches = false;                    // its hash is `hash`
  };
  // The NSEC3 of `zone` (kNsec3) whose hash is `hash` or, when none, the
  // one that covers it: the greatest hash below it, the last of the chain
  // wrapping around for hashes below the first (RFC 5155 §3.1.7).
  [[nodiscard]] Nsec3Record nsec3_for(const Zone& zone, const std::uint8_t* hash) const noexcept;
  // The precomputed NSEC3 records of node `id` (Nsec3Links), or nullptr
  // when its unit holds no NSEC3 zone.
  [[nodiscard]] const Nsec3Links* nsec3_links(std::uint32_t id) const noexcept {
    return id < nsec3_links_.size() ? &nsec3_links_[id] : nullptr;
  }
  // The NSEC3 record at `index` of nsec3 (as Nsec3Links hold them).
  [[nodiscard]] Nsec3Record nsec3_at(std::uint32_t index, bool matches) const noexcept {
    return Nsec3Record{nsec3_[index].node, nsec3_[index].hash, matches};
  }
  // RFC 5155 §5: `name` (wire form, any case) hashed with the zone's
  // NSEC3PARAM (SHA-1, its iterations and salt) into `out` (20 octets).
  void nsec3_hash(const Zone& zone, const std::uint8_t* name, std::size_t length,
                  std::uint8_t* out) const noexcept;

  // ---- sizes, for benchmarks and status ----------------------------------------
  [[nodiscard]] std::size_t node_count() const noexcept { return nodes_.size(); }
  [[nodiscard]] std::size_t chain_count() const noexcept { return chains_.size(); }
  [[nodiscard]] std::uint64_t record_count() const noexcept { return record_count_; }
  [[nodiscard]] std::size_t bytes() const noexcept;

 private:
  friend class SnapshotBuilder;

  // What queries read lives on huge pages when it is large (huge_pages.hpp).
  template <class T>
  using Array = std::vector<T, HugePageAllocator<T>>;

  Trie trie_;
  NameIndex index_;
  Array<Node> nodes_;          // trie nodes first, then parent-side nodes, then NSEC3 owners
  Array<NodeExtra> extras_;
  Array<RRset> rrsets_;
  Array<std::uint8_t> wire_;
  Array<Additional> additional_;  // per RRset: a header {node = count}, then the entries
  Array<Chain> chains_;
  Array<ChainLink> links_;
  Array<std::uint8_t> names_;
  Array<Zone> zones_;
  Array<DnssecZone> dnssec_;   // one per signed zone
  // The denial chains (top of this file).
  Array<std::uint32_t> canonical_;  // NSEC zones: node ids in canonical order, a range per zone
  Array<Nsec3Entry> nsec3_;         // NSEC3 zones: the chain by hash, a range per zone
  Array<Nsec3Links> nsec3_links_;   // per node id when the unit holds an NSEC3 zone, else empty
  std::vector<ZoneInfo> zone_infos_;
  std::uint64_t record_count_ = 0;
};

}  // namespace canon::zones
