#include "zones/resolve.hpp"

#include <cstring>

#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

std::span<const std::uint8_t> first_rdata(const Snapshot& snap, const Node& n, std::uint16_t type) {
  return snap.rdata(*snap.rrset(n, type)).data();
}

}  // namespace

ResolveStep resolve_step(const Snapshot& snap, const std::uint8_t* name, std::size_t name_length,
                         const TrieMatch& match, std::uint8_t* target) noexcept {
  ResolveStep step;
  if (match.encloser == kNone) return step;  // kOutside
  std::uint32_t at = match.exact != kNone ? match.exact : match.encloser;
  const Node* node = &snap.node(at);
  if (node->has(kOccluded)) {
    at = snap.extra(*node).cut;
    node = &snap.node(at);
  } else if (match.exact != kNone) {
    if (node->has(kCname)) {
      const auto rdata = first_rdata(snap, *node, rr::CNAME);
      step.is_link = true;
      step.link_kind = LinkKind::kCname;
      step.node = at;
      std::memcpy(target, rdata.data(), rdata.size());
      step.target_length = rdata.size();
      return step;
    }
    step.end = node->has(kDelegation) ? ChainEnd::kReferral : ChainEnd::kNode;
    step.node = at;
    return step;
  }
  // `name` lies strictly below `node`: a cut, or its closest encloser.
  if (node->has(kDelegation)) {
    step.end = ChainEnd::kReferral;
    step.node = at;
    return step;
  }
  if (node->has(kDname)) {
    const auto rdata = first_rdata(snap, *node, rr::DNAME);
    const std::size_t prefix = name_length - node->name_length;
    step.node = at;
    if (prefix + rdata.size() > kMaxNameLength) {
      step.end = ChainEnd::kYxdomain;
      return step;
    }
    step.is_link = true;
    step.link_kind = LinkKind::kDname;
    std::memcpy(target, name, prefix);
    std::memcpy(target + prefix, rdata.data(), rdata.size());
    step.target_length = prefix + rdata.size();
    return step;
  }
  if (node->has(kWildcardChild)) {
    const std::uint32_t wildcard = snap.extra(*node).wildcard;
    const Node& w = snap.node(wildcard);
    step.node = wildcard;
    if (w.has(kCname)) {
      const auto rdata = first_rdata(snap, w, rr::CNAME);
      step.is_link = true;
      step.link_kind = LinkKind::kWildcardCname;
      std::memcpy(target, rdata.data(), rdata.size());
      step.target_length = rdata.size();
      return step;
    }
    step.end = ChainEnd::kWildcard;
    return step;
  }
  step.end = ChainEnd::kNxdomain;
  step.node = snap.zone(node->zone).apex;
  return step;
}

}  // namespace canon::zones
