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
#include <algorithm>
#include <cstring>

#include "zones/resolve.hpp"
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

}  // namespace

// The answer-section bytes of a chain for a question that is the alias
// itself (see Chain in snapshot.hpp); the engine's per-link walk writes the
// same bytes. Leaves rendered_length 0 when a pointer would not fit in 14 bits.
void SnapshotBuilder::render_chain(Chain& chain, std::span<const ChainLink> links,
                                   std::uint8_t alias_length) {
  // Built aside: the RRs copied in come from wire_ itself, which may move as it grows.
  std::vector<std::uint8_t> out;
  std::size_t pos = 12 + alias_length + 4;  // where the answer section starts in the packet
  std::size_t owner = 12, owner_length = alias_length;
  std::vector<std::uint32_t> dnames;
  bool fits = true;
  auto pointer = [&](std::size_t offset) {
    fits = fits && offset < 0x4000;
    out.push_back(static_cast<std::uint8_t>(0xc0 | (offset >> 8)));
    out.push_back(static_cast<std::uint8_t>(offset));
  };
  auto copy_rr = [&](std::span<const std::uint8_t> rr, std::size_t owner_at) {
    pointer(owner_at);
    out.insert(out.end(), rr.begin() + 2, rr.end());
    pos += rr.size();
    ++chain.rendered_rrs;
  };
  for (const ChainLink& link : links) {
    const Node& node = snap_->node(link.node);
    if (link.kind == LinkKind::kDname) {
      const RRset& set = *snap_->rrset(node, rr::DNAME);
      if (std::find(dnames.begin(), dnames.end(), link.node) == dnames.end()) {
        dnames.push_back(link.node);
        for (auto it = snap_->rdata(set); it; ++it) copy_rr(it.wire(), owner + owner_length - node.name_length);
      }
      const std::uint8_t* target = snap_->name(link.target_name);
      const std::size_t length = wire_name_length({target, kMaxNameLength});
      const std::uint8_t header[10] = {0, static_cast<std::uint8_t>(rr::CNAME), 0, 1,
                                       static_cast<std::uint8_t>(set.ttl >> 24),
                                       static_cast<std::uint8_t>(set.ttl >> 16),
                                       static_cast<std::uint8_t>(set.ttl >> 8),
                                       static_cast<std::uint8_t>(set.ttl), 0,
                                       static_cast<std::uint8_t>(length)};
      pointer(owner);
      out.insert(out.end(), header, header + 10);
      out.insert(out.end(), target, target + length);
      owner = pos + kRrHeader;
      owner_length = length;
      pos += kRrHeader + length;
      ++chain.rendered_rrs;
    } else {
      const RRset& set = *snap_->rrset(node, rr::CNAME);
      const auto rr = snap_->rdata(set).wire();
      copy_rr(rr, owner);
      owner = pos - rr.size() + kRrHeader;
      owner_length = rr.size() - kRrHeader;
    }
  }
  if (!fits || out.size() > 0xffff) {
    chain.rendered_rrs = 0;
    return;
  }
  chain.rendered = static_cast<std::uint32_t>(snap_->wire_.size());
  snap_->wire_.insert(snap_->wire_.end(), out.begin(), out.end());
  chain.rendered_length = static_cast<std::uint16_t>(out.size());
  chain.end_owner = static_cast<std::uint16_t>(owner);
  chain.end_owner_length = static_cast<std::uint8_t>(owner_length);
}

void SnapshotBuilder::resolve_chains() {
  auto first_rdata = [&](const Node& n, std::uint16_t type) {
    return snap_->rdata(*snap_->rrset(n, type)).data();
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
      LookupKey key;
      make_key(target.wire, key);
      Name next;
      const ResolveStep step =
          resolve_step(*snap_, target.wire, target.length, snap_->find(key.view()), next.wire);
      next.length = step.target_length;
      if (!step.is_link) {
        end = step.end;
        end_node = step.node;
        break;
      }
      if (links.size() == kMaxChainLinks) {
        end = ChainEnd::kTooLong;
        break;
      }
      ChainLink link{};
      link.node = step.node;
      link.kind = step.link_kind;
      link.owner_name = add_name(target.wire);
      link.target_name = add_name(next.wire);
      links.push_back(link);
      target = next;
      path_text += " → " + wire_to_text(target.wire);
    }

    Chain chain{};
    chain.link_begin = static_cast<std::uint32_t>(snap_->links_.size());
    chain.link_count = static_cast<std::uint8_t>(links.size());
    chain.end = end;
    chain.end_node = end_node;
    chain.end_name = add_name(target.wire);
    render_chain(chain, links, start.name_length);
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
