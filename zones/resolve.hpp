// One step of an alias chase without a query type: the compiler uses it to
// prepare every CNAME's chain. Which rule applies is alias_rules.hpp's
// decision (stand()); this turns it into a link or a chain end:
//
//   kAlias, kWildcardAlias ..... link (kCname, kWildcardCname): the CNAME's target
//   kBelowDname ................ link (kDname): the name with the DNAME's owner
//                                replaced by its target, or end kYxdomain when
//                                that exceeds 255 octets
//   kCut, kBelowCut ............ end kReferral at the cut
//   kExists .................... end kNode
//   kWildcard .................. end kWildcard
//   kNxdomain .................. end kNxdomain (end node: the zone's apex)
//   kOutside ................... end kOutside
#pragma once

#include <cstddef>
#include <cstdint>

#include "zones/snapshot.hpp"

namespace canon::zones {

struct ResolveStep {
  bool is_link = false;
  LinkKind link_kind = LinkKind::kCname;  // is_link: what the link adds
  ChainEnd end = ChainEnd::kOutside;      // !is_link: how the chain ends
  std::uint32_t node = kNone;             // link: the CNAME/DNAME node; end: see ChainEnd
  std::size_t target_length = 0;          // is_link: wire length written to `target`
};

// Resolves `name` (uncompressed wire, `name_length` octets) given `match`, the
// trie result for its key. For a link, writes the next name into `target`
// (room for kMaxNameLength octets). No allocation; safe on the data path.
[[nodiscard]] ResolveStep resolve_step(const Snapshot& snap, const std::uint8_t* name,
                                       std::size_t name_length, const TrieMatch& match,
                                       std::uint8_t* target) noexcept;

}  // namespace canon::zones
