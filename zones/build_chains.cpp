// Pass 4: every CNAME's chain, chased once at compile time through the whole
// snapshot (all zones), so a query for an alias needs no chase at run time.
//
//   www CNAME a.example.net.        links: [www → a.example.net (CNAME)]
//   a.example.net DNAME b.test.            [a.example.net DNAME b.test, synthesized
//                                           a.example.net → ... ] ...
//   end: kNode (the final target exists), kNxdomain, kWildcard, kReferral,
//        kOutside (leaves the served data), kLoop, kTooLong, kYxdomain.
//
// Rules (RFC 1034 §4.3.2, RFC 6672, RFC 4592): an exact match wins; a DNAME
// rewrites names strictly below its owner; a wildcard answers names that do
// not exist below its parent; a delegation ends the chase with a referral.
#include <cstring>

#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

bool same_name(const std::uint8_t* a, const std::uint8_t* b) {
  for (;;) {
    if (*a != *b) return false;
    const std::uint8_t len = *a;
    if (len == 0) return true;
    for (std::uint8_t i = 1; i <= len; ++i) {
      if (to_lower(a[i]) != to_lower(b[i])) return false;
    }
    a += 1 + len;
    b += 1 + len;
  }
}

struct Name {
  std::uint8_t wire[kMaxNameLength + 1];
  std::size_t length = 0;
  void assign(std::span<const std::uint8_t> w) {
    length = w.size();
    std::memcpy(wire, w.data(), w.size());
  }
};

// What one name resolves to, as a link to follow or an end of the chain.
struct Resolution {
  bool is_link = false;
  ChainLink link{};          // when is_link (owner/target filled by the caller)
  Name target;               // the link's target
  ChainEnd end = ChainEnd::kOutside;
  std::uint32_t end_node = kNone;
};

}  // namespace

void SnapshotBuilder::resolve_chains() {
  auto first_rdata = [&](const Node& n, std::uint16_t type) {
    return snap_->rdata(*snap_->rrset(n, type)).data();
  };

  // Resolves one name against the snapshot.
  auto resolve = [&](const Name& name) {
    Resolution r;
    LookupKey key;
    make_key(name.wire, key);
    const TrieMatch match = snap_->find(key.view());
    if (match.encloser == kNone) return r;  // kOutside
    std::uint32_t at = match.exact != kNone ? match.exact : match.encloser;
    const Node* node = &snap_->node(at);
    if (node->has(kOccluded)) {
      at = snap_->extra(*node).cut;
      node = &snap_->node(at);
    } else if (match.exact != kNone) {
      if (node->has(kCname)) {
        r.is_link = true;
        r.link.node = at;
        r.link.kind = LinkKind::kCname;
        r.target.assign(first_rdata(*node, rr::CNAME));
        return r;
      }
      r.end = node->has(kDelegation) ? ChainEnd::kReferral : ChainEnd::kNode;
      r.end_node = at;
      return r;
    }
    // Below `node`, which is a cut (delegation or DNAME) or the closest encloser.
    if (node->has(kDelegation)) {
      r.end = ChainEnd::kReferral;
      r.end_node = at;
      return r;
    }
    if (node->has(kDname)) {
      const auto target = first_rdata(*node, rr::DNAME);
      const std::size_t prefix = name.length - node->name_length;
      r.link.node = at;
      r.link.kind = LinkKind::kDname;
      if (prefix + target.size() > kMaxNameLength) {
        r.end = ChainEnd::kYxdomain;
        r.end_node = at;
        return r;
      }
      r.is_link = true;
      std::memcpy(r.target.wire, name.wire, prefix);
      std::memcpy(r.target.wire + prefix, target.data(), target.size());
      r.target.length = prefix + target.size();
      return r;
    }
    if (node->has(kWildcardChild)) {
      const std::uint32_t wildcard = snap_->extra(*node).wildcard;
      const Node& w = snap_->node(wildcard);
      if (w.has(kCname)) {
        r.is_link = true;
        r.link.node = wildcard;
        r.link.kind = LinkKind::kWildcardCname;
        r.target.assign(first_rdata(w, rr::CNAME));
        return r;
      }
      r.end = ChainEnd::kWildcard;
      r.end_node = wildcard;
      return r;
    }
    r.end = ChainEnd::kNxdomain;
    r.end_node = snap_->zone(node->zone).apex;
    return r;
  };

  const std::uint32_t trie_nodes = static_cast<std::uint32_t>(node_keys_.size());
  for (std::uint32_t id = 0; id < trie_nodes; ++id) {
    const Node& start = snap_->node(id);
    if (!start.has(kCname) || start.has(kOccluded)) continue;

    Name owner;
    owner.length = key_to_wire(node_keys_[id], owner.wire);
    Name names_seen[kMaxChainLinks + 2];
    std::size_t seen = 0;
    names_seen[seen++] = owner;

    std::vector<ChainLink> links;
    ChainLink first{};
    first.node = id;
    first.kind = LinkKind::kCname;
    first.owner_name = add_name(owner.wire);
    Name target;
    target.assign(first_rdata(start, rr::CNAME));
    first.target_name = add_name(target.wire);
    links.push_back(first);

    ChainEnd end = ChainEnd::kOutside;
    std::uint32_t end_node = kNone;
    std::string path_text = wire_to_text(owner.wire) + " → " + wire_to_text(target.wire);
    for (;;) {
      bool loop = false;
      for (std::size_t i = 0; i < seen; ++i) loop = loop || same_name(names_seen[i].wire, target.wire);
      if (loop) {
        end = ChainEnd::kLoop;
        break;
      }
      names_seen[seen++] = target;
      Resolution r = resolve(target);
      if (!r.is_link) {
        end = r.end;
        end_node = r.end_node;
        break;
      }
      if (links.size() == kMaxChainLinks) {
        end = ChainEnd::kTooLong;
        break;
      }
      r.link.owner_name = add_name(target.wire);
      r.link.target_name = add_name(r.target.wire);
      links.push_back(r.link);
      target = r.target;
      path_text += " → " + wire_to_text(target.wire);
    }

    Chain chain{};
    chain.link_begin = static_cast<std::uint32_t>(snap_->links_.size());
    chain.link_count = static_cast<std::uint8_t>(links.size());
    chain.end = end;
    chain.end_node = end_node;
    chain.end_name = add_name(target.wire);
    snap_->links_.insert(snap_->links_.end(), links.begin(), links.end());
    extra_of(id).chain = static_cast<std::uint32_t>(snap_->chains_.size());
    snap_->chains_.push_back(chain);

    const std::uint32_t cname_set =
        static_cast<std::uint32_t>(snap_->rrset(start, rr::CNAME) - &snap_->rrset_at(0));
    if (end == ChainEnd::kLoop) {
      report(CheckId::kCnameLoop, record_of_rrset(cname_set),
             "alias chain loops: " + path_text + "; resolvers get SERVFAIL");
    } else if (end == ChainEnd::kTooLong) {
      report(CheckId::kChainTooLong, record_of_rrset(cname_set),
             "alias chain longer than " + std::to_string(kMaxChainLinks) + " links: " + path_text +
                 " → …; answers stop after " + std::to_string(kMaxChainLinks));
    }
  }
}

}  // namespace canon::zones
