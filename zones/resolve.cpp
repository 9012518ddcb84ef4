#include "zones/resolve.hpp"

#include <cstring>

#include "zones/alias_rules.hpp"
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
  const NameStanding standing = stand(snap, match);
  step.node = standing.node;
  auto link = [&](LinkKind kind, std::uint16_t type) {
    const auto rdata = first_rdata(snap, snap.node(standing.node), type);
    step.is_link = true;
    step.link_kind = kind;
    std::memcpy(target, rdata.data(), rdata.size());
    step.target_length = rdata.size();
  };
  switch (standing.kind) {
    case Standing::kOutside: break;
    case Standing::kCut:
    case Standing::kBelowCut: step.end = ChainEnd::kReferral; break;
    case Standing::kAlias: link(LinkKind::kCname, rr::CNAME); break;
    case Standing::kExists: step.end = ChainEnd::kNode; break;
    case Standing::kWildcardAlias: link(LinkKind::kWildcardCname, rr::CNAME); break;
    case Standing::kWildcard: step.end = ChainEnd::kWildcard; break;
    case Standing::kNxdomain:
      step.end = ChainEnd::kNxdomain;
      step.node = snap.zone(snap.node(standing.node).zone).apex;
      break;
    case Standing::kBelowDname: {
      const auto rdata = first_rdata(snap, snap.node(standing.node), rr::DNAME);
      const std::size_t prefix = name_length - snap.node(standing.node).name_length;
      if (prefix + rdata.size() > kMaxNameLength) {
        step.end = ChainEnd::kYxdomain;
        break;
      }
      step.is_link = true;
      step.link_kind = LinkKind::kDname;
      std::memcpy(target, name, prefix);
      std::memcpy(target + prefix, rdata.data(), rdata.size());
      step.target_length = prefix + rdata.size();
      break;
    }
  }
  return step;
}

}  // namespace canon::zones
