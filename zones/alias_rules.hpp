// Where a name stands in the served data, given its lookup: the one place
// the order of the cut, alias and wildcard rules is decided (RFC 1034
// §4.3.2, RFC 6672, RFC 4592). The compiler's chain resolution
// (resolve.cpp), the burst's DNAME stage and plain answers (engine.cpp) and
// the answer walk (answer.cpp) all read it; each adds only what its query
// type asks (DS at a cut, QTYPE CNAME or ANY stopping at an alias).
//
//   no served zone above the name ............ kOutside
//   below a delegation (occluded, or absent
//     with the delegation as encloser) ....... kBelowCut      node: the delegation
//   below a DNAME (likewise) ................. kBelowDname    node: the DNAME's owner
//   exists: a delegation ..................... kCut           node: it
//           a CNAME .......................... kAlias         node: it
//           anything else .................... kExists        node: it
//   absent, wildcard at the encloser ......... kWildcardAlias (its CNAME) or
//                                              kWildcard      node: the wildcard
//   absent ................................... kNxdomain      node: the encloser
//
// A delegation wins over a DNAME or CNAME at the same node (the checker
// refuses a CNAME beside other data, so that only orders a broken zone).
#pragma once

#include <cstdint>

#include "zones/rr_type.hpp"
#include "zones/snapshot.hpp"

namespace canon::zones {

enum class Standing : std::uint8_t {
  kOutside,
  kBelowCut,
  kBelowDname,
  kCut,
  kAlias,
  kExists,
  kWildcardAlias,
  kWildcard,
  kNxdomain,
};

struct NameStanding {
  Standing kind = Standing::kOutside;
  std::uint32_t node = kNone;
};

// Below the cut above an occluded node: a delegation's or a DNAME's.
[[nodiscard]] inline NameStanding stand_below_cut(const Snapshot& snap, const Node& occluded) noexcept {
  const std::uint32_t cut = snap.extra(occluded).cut;
  return {snap.node(cut).has(kDelegation) ? Standing::kBelowCut : Standing::kBelowDname, cut};
}

// A name that exists: node `id`.
[[nodiscard]] inline NameStanding stand_exact(const Snapshot& snap, std::uint32_t id) noexcept {
  const Node& node = snap.node(id);
  if (node.has(kOccluded)) return stand_below_cut(snap, node);
  if (node.has(kDelegation)) return {Standing::kCut, id};
  return {node.has(kCname) ? Standing::kAlias : Standing::kExists, id};
}

// `match`: what find / find_names_burst gave for the name.
[[nodiscard]] inline NameStanding stand(const Snapshot& snap, const TrieMatch& match) noexcept {
  if (match.encloser == kNone) return {};
  if (match.exact != kNone) return stand_exact(snap, match.exact);
  const std::uint32_t at = match.encloser;
  const Node& node = snap.node(at);
  if (node.has(kOccluded)) return stand_below_cut(snap, node);
  if (node.has(kDelegation)) return {Standing::kBelowCut, at};
  if (node.has(kDname)) return {Standing::kBelowDname, at};
  if (node.has(kWildcardChild)) {
    const std::uint32_t wildcard = snap.extra(node).wildcard;
    return {snap.node(wildcard).has(kCname) ? Standing::kWildcardAlias : Standing::kWildcard, wildcard};
  }
  return {Standing::kNxdomain, at};
}

// Whether a query of `qtype` follows an alias to its target: all but CNAME
// (the alias is the answer), ANY (RFC 8482: one RRset, the alias's), and
// the DNSSEC records that stand beside a CNAME (RFC 4035 §2.5): RRSIG and
// NSEC are answered from the alias's own name, as knotd answers them.
[[nodiscard]] constexpr bool follows_alias(std::uint16_t qtype) noexcept {
  return qtype != rr::CNAME && qtype != rr::ANY && qtype != rr::RRSIG && qtype != rr::NSEC;
}

}  // namespace canon::zones
