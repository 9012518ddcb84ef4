// One step of an alias chase, the rules of RFC 1034 §4.3.2, RFC 6672 and
// RFC 4592, without a query type: the compiler uses it to prepare every
// CNAME's chain. The engine's answer walk (engine/answer.cpp) applies the same
// rules with the query type in hand (DS at a cut, QTYPE CNAME, ANY) and
// follows these prepared chains; the golden and differential tests hold the
// two to the same answers.
//
//   name exists, not occluded ......... CNAME here?  link (kCname)
//                                       delegation?  end kReferral
//                                       otherwise    end kNode
//   name below a delegation ........... end kReferral at the cut
//   name below a DNAME ................ link (kDname): name with the DNAME's
//                                       owner replaced by its target, or end
//                                       kYxdomain when that exceeds 255 octets
//   name absent, wildcard at encloser . wildcard CNAME? link (kWildcardCname)
//                                       otherwise    end kWildcard
//   name absent ....................... end kNxdomain (end node: the apex)
//   no served zone above the name ..... end kOutside
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
