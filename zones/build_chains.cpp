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

#include "zones/name_compression.hpp"
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
// itself (see Chain in snapshot.hpp), written into a message laid out as
// the engine's (header, question, answers), with RDATA names compressed by
// the same rules (zones/name_compression.hpp): the engine's per-link walk
// writes the same bytes. Leaves rendered_length 0 when a pointer would not
// fit in 14 bits.
void SnapshotBuilder::render_chain(Chain& chain, std::span<const ChainLink> links,
                                   std::uint8_t alias_length) {
  // Built aside: the RRs copied in come from wire_ itself, which may move as it grows.
  constexpr std::size_t kHeader = 12;
  const std::size_t answers = kHeader + alias_length + 4;
  std::vector<std::uint8_t> message(answers, 0);
  message.reserve(0x10000 + kMaxNameLength);
  std::memcpy(message.data() + kHeader, snap_->name(links.front().owner_name), alias_length);
  NameDictionary names;
  names.reset(true);
  std::size_t owner = kHeader, owner_length = alias_length;
  std::vector<std::pair<std::uint32_t, std::size_t>> dnames;  // node, its target's offset
  bool fits = true;
  auto put_header = [&](std::size_t owner_at, const std::uint8_t* type_class_ttl) {
    fits = fits && owner_at < 0x4000;
    message.push_back(static_cast<std::uint8_t>(0xc0 | (owner_at >> 8)));
    message.push_back(static_cast<std::uint8_t>(owner_at));
    message.insert(message.end(), type_class_ttl, type_class_ttl + 8);
    message.push_back(0);  // RDLENGTH, set once the RDATA is written
    message.push_back(0);
    ++chain.rendered_rrs;
    return message.size();
  };
  auto put_name = [&](const std::uint8_t* name, std::size_t length, NameDictionary::Match match,
                      bool remember) {
    const std::size_t at = message.size();
    message.resize(at + length);  // reserved: no move
    message.resize(at + write_compressed_name(message.data() + at, name, length, match));
    if (remember && match.prefix != 0) names.add(at, match);
  };
  auto end_rdata = [&](std::size_t rdata_at) {
    const std::size_t length = message.size() - rdata_at;
    message[rdata_at - 2] = static_cast<std::uint8_t>(length >> 8);
    message[rdata_at - 1] = static_cast<std::uint8_t>(length);
  };
  for (const ChainLink& link : links) {
    const Node& node = snap_->node(link.node);
    if (link.kind == LinkKind::kDname) {
      const RRset& set = *snap_->rrset(node, rr::DNAME);
      const auto dname = snap_->rdata(set);
      auto written = std::find_if(dnames.begin(), dnames.end(), [&](const auto& d) { return d.first == link.node; });
      if (written == dnames.end()) {
        const std::size_t rdata_at =
            put_header(name_suffix_at(message.data(), owner, owner_length, node.name_length), dname.wire().data() + 2);
        message.insert(message.end(), dname.data().begin(), dname.data().end());
        end_rdata(rdata_at);
        written = dnames.insert(dnames.end(), {link.node, rdata_at});
      }
      const std::uint8_t* target = snap_->name(link.target_name);
      const std::size_t length = wire_name_length({target, kMaxNameLength});
      const std::uint8_t type_class_ttl[8] = {0, static_cast<std::uint8_t>(rr::CNAME), 0, 1,
                                              static_cast<std::uint8_t>(set.ttl >> 24),
                                              static_cast<std::uint8_t>(set.ttl >> 16),
                                              static_cast<std::uint8_t>(set.ttl >> 8),
                                              static_cast<std::uint8_t>(set.ttl)};
      const std::size_t rdata_at = put_header(owner, type_class_ttl);
      // As the engine writes a synthesized CNAME: its suffix points at the DNAME's target.
      const bool search = written->second >= 0x4000;
      const NameDictionary::Match match =
          search ? names.match(message.data(), target, length)
                 : NameDictionary::Match{length - dname.data().size(), static_cast<std::uint16_t>(written->second), 0};
      put_name(target, length, match, search);
      end_rdata(rdata_at);
      owner = rdata_at;
      owner_length = length;
    } else {
      const RRset& set = *snap_->rrset(node, rr::CNAME);
      const auto cname = snap_->rdata(set);
      const std::size_t rdata_at = put_header(owner, cname.wire().data() + 2);
      const auto target = cname.data();
      // As the engine's writer: the compiler's hint (the suffix the target
      // shares with its owner, see add_rrsets) first.
      const std::uint8_t shared = cname.wire()[0];
      const std::size_t shared_at = shared != 0 ? name_suffix_at(message.data(), owner, owner_length, shared) : 0;
      put_name(target.data(), target.size(),
               names.match(message.data(), target.data(), target.size(), shared, shared_at), true);
      end_rdata(rdata_at);
      owner = rdata_at;
      owner_length = target.size();
    }
  }
  if (!fits || message.size() - answers > 0xffff || message.size() > 0x10000) {
    chain.rendered_rrs = 0;
    return;
  }
  chain.rendered = static_cast<std::uint32_t>(snap_->wire_.size());
  snap_->wire_.insert(snap_->wire_.end(), message.begin() + static_cast<std::ptrdiff_t>(answers), message.end());
  chain.rendered_length = static_cast<std::uint16_t>(message.size() - answers);
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
