#include "engine/answer.hpp"

#include <cstring>

#include "engine/denial.hpp"
#include "zones/alias_rules.hpp"
#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

namespace rr = zones::rr;
using zones::ChainEnd;
using zones::LinkKind;
using zones::Node;
using zones::NodeFlag;
using zones::RRset;
using zones::Snapshot;
using zones::Standing;

class Answerer {
 public:
  Answerer(const zones::ZoneTable& table, const Query& query, ResponseWriter& writer,
           const Found* restart) noexcept
      : table_(table), query_(query), w_(writer), qtype_(query.qtype), restart_(restart),
        many_units_(table.units().size() > 1), dnssec_(query.do_bit), denial_(writer) {}

  // A negative answer for the question, whatever the data holds (a policy
  // rule's nxdomain / nodata): the SOA of the zone that holds the name.
  AnswerResult negative_for_question(const Found& found, Rcode rcode) noexcept {
    result_.rcode = rcode;
    snap_ = found.unit;
    const zones::TrieMatch& match = found.match;
    if (match.encloser == zones::kNone) {
      result_.authoritative = false;  // no zone of ours holds it: no SOA to give
      return result_;
    }
    const NameRef name{static_cast<std::uint16_t>(header::kSize), static_cast<std::uint8_t>(query_.qname_length)};
    negative(snap_->node(match.encloser).zone, name, rcode, {Proof::kNone, zones::kNone, 0});
    return result_;
  }

  AnswerResult run(const Found& first) noexcept {
    if (first.match.encloser == zones::kNone) {
      result_.rcode = Rcode::kRefused;  // not a name of any zone served here
      result_.authoritative = false;
      return result_;
    }
    NameRef name{static_cast<std::uint16_t>(header::kSize),
                 static_cast<std::uint8_t>(query_.qname_length)};
    snap_ = first.unit;
    zones::TrieMatch match = first.match;
    remember(name);
    // Each turn answers one name; a DNAME substitution, or a chain that
    // leaves its unit, asks for another.
    while (answer_name(match, name)) {
      if (result_.links >= zones::kMaxChainLinks || already_seen(name)) break;
      remember(name);
      if (restart_ != nullptr) {
        snap_ = restart_->unit;  // looked up with the rest of the burst
        match = restart_->match;
        restart_ = nullptr;
      } else {
        match = look_up(name, false);
      }
      if (match.encloser == zones::kNone) break;  // the chain leaves the served data
    }
    if (pending_count_ != 0) [[unlikely]] put_pending_proofs();
    return result_;
  }

 private:
  // Answers `name`; returns true with `name` replaced when a DNAME
  // substitution means the next name must be looked up. Which rule applies
  // is zones::stand()'s decision; this adds what the query type asks.
  bool answer_name(const zones::TrieMatch& match, NameRef& name) noexcept {
    const zones::NameStanding standing = zones::stand(*snap_, match);
    const std::uint32_t at = standing.node;
    switch (standing.kind) {
      case Standing::kBelowCut: referral(at, name); return false;
      case Standing::kBelowDname: return dname(at, name);
      case Standing::kCut:
        if (qtype_ == rr::DS) positive(at, name);  // the parent's side of the cut
        else referral(at, name);
        return false;
      case Standing::kAlias:
        if (zones::follows_alias(qtype_)) {
          return chain(snap_->extra(snap_->node(at)).chain, name, /*question_is_alias=*/name.offset == header::kSize);
        }
        positive(at, name);
        return false;
      case Standing::kExists: {
        const Node& node = snap_->node(at);
        if (qtype_ == rr::DS && node.has(zones::kChildApexData)) positive(snap_->extra(node).parent_side, name);
        else if (!(qtype_ == rr::DS && node.has(zones::kApex) && parent_side(name))) positive(at, name);
        return false;
      }
      case Standing::kWildcardAlias:
        if (zones::follows_alias(qtype_)) {
          if (dnssec_) [[unlikely]] prove_later(at, name);
          return chain(snap_->extra(snap_->node(at)).chain, name, false);
        }
        positive(at, name, /*from_wildcard=*/true);
        return false;
      case Standing::kWildcard: positive(at, name, /*from_wildcard=*/true); return false;
      case Standing::kNxdomain: {
        const Node& encloser = snap_->node(at);
        negative(encloser.zone, name, Rcode::kNxDomain, {Proof::kNxdomain, at, encloser.name_length});
        return false;
      }
      case Standing::kOutside: break;  // run() stops before: no zone of ours holds it
    }
    return false;
  }

  // The RRset of QTYPE at `node_id`, owned by `owner`; NODATA when absent.
  // `from_wildcard`: node_id is the wildcard that `owner` was synthesized
  // from (with DO=1, the answer then proves that `owner` does not exist).
  void positive(std::uint32_t node_id, NameRef owner, bool from_wildcard = false) noexcept {
    const Node& node = snap_->node(node_id);
    const RRset* set = nullptr;
    if (qtype_ == rr::RRSIG) [[unlikely]] {
      signatures(node_id, owner);
      return;
    }
    if (qtype_ == rr::ANY) {
      if (node.rrset_count != 0) set = &snap_->rrsets(node)[0];  // RFC 8482: one RRset
    } else {
      set = snap_->rrset(node, qtype_);
    }
    if (set == nullptr) {
      negative(node.zone, owner, Rcode::kNoError, {from_wildcard ? Proof::kWildcardNodata : Proof::kNodata, node_id, 0});
      return;
    }
    const std::size_t start = put(Section::kAnswer, node, *set, owner);
    if (dnssec_) [[unlikely]] {
      if (from_wildcard) prove_later(node_id, owner);
      put_pending_proofs();  // authority, before the additional section
    }
    if (start != 0 && set->additional != zones::kNone) additional(*set, start, owner);
  }

  // QTYPE RRSIG: every RRSIG set of the node, each with its own TTL (RFC
  // 4034 §3), as knotd answers it; NODATA when it has none.
  [[gnu::noinline]] void signatures(std::uint32_t node_id, NameRef owner) noexcept {
    const Node& node = snap_->node(node_id);
    bool any = false;
    for (const RRset& set : snap_->rrsets(node)) {
      if (set.type != rr::RRSIG) continue;
      any = true;
      if (w_.put_rrset(Section::kAnswer, snap_->wire(set), set.count, owner) == 0) {
        result_.truncated = true;
        return;
      }
    }
    if (!any) negative(node.zone, owner, Rcode::kNoError, {Proof::kNodata, node_id, 0});
  }

  // RFC 2308: the zone's SOA in authority, TTL min(SOA TTL, MINIMUM).
  // A zone that never loaded (Zone::failed) holds nothing, so every answer
  // from it ends here: SERVFAIL, not authoritative.
  // With DO=1, `proof` says what the denial records must prove.
  struct Proof {
    enum Kind : std::uint8_t { kNone, kNxdomain, kNodata, kWildcardNodata } kind;
    std::uint32_t node;              // kNxdomain: the closest encloser; else the node without the type
    std::uint8_t encloser_length;    // kNxdomain: the closest encloser's name length
  };
  void negative(std::uint32_t zone_id, NameRef name, Rcode rcode, Proof proof) noexcept {
    result_.rcode = rcode;
    const zones::Zone& zone = snap_->zone(zone_id);
    if (zone.failed) [[unlikely]] {
      result_.rcode = Rcode::kServFail;
      result_.authoritative = false;
      return;
    }
    if (zone.soa_rrset == zones::kNone) return;
    const NameRef apex = w_.suffix(name, zone.origin_length);
    if (dnssec_) [[unlikely]] {
      signed_negative(zone, name, apex, proof);
      return;
    }
    if (zone.negative_soa_length != 0 && w_.put_negative_soa(zone, snap_->negative_soa(zone), apex)) return;
    const RRset& soa = snap_->rrset_at(zone.soa_rrset);
    if (w_.put_rrset(Section::kAuthority, snap_->wire(soa), soa.count, apex,
                     zone.negative_ttl) == 0) {
      result_.truncated = true;
    }
  }

  // DO=1: the negative SOA and its RRSIGs, both with the negative TTL
  // (RFC 9077 §3), then the NSEC or NSEC3 records that prove the denial.
  [[gnu::noinline]] void signed_negative(const zones::Zone& zone, NameRef name, NameRef apex, Proof proof) noexcept {
    if (!signed_negative_soa(zone, apex)) return;
    DenialProofs& denial = denial_.in(*snap_);
    bool fits = true;
    switch (proof.kind) {
      case Proof::kNxdomain: fits = denial.nxdomain(zone, name, proof.encloser_length, proof.node); break;
      case Proof::kNodata: fits = denial.nodata(zone, name, proof.node); break;
      case Proof::kWildcardNodata: fits = denial.wildcard_nodata(zone, name, proof.node); break;
      case Proof::kNone: break;
    }
    if (!fits) {
      result_.truncated = true;
      return;
    }
    put_pending_proofs();
  }

  bool signed_negative_soa(const zones::Zone& zone, NameRef apex) noexcept {
    const RRset& soa = snap_->rrset_at(zone.soa_rrset);
    const ResponseWriter::Mark before = w_.mark();
    if (!(zone.negative_soa_length != 0 && w_.put_negative_soa(zone, snap_->negative_soa(zone), apex)) &&
        w_.put_rrset(Section::kAuthority, snap_->wire(soa), soa.count, apex, zone.negative_ttl) == 0) {
      result_.truncated = true;
      return false;
    }
    if (!put_signature(Section::kAuthority, snap_->node(zone.apex), soa, apex, zone.negative_ttl)) {
      w_.rollback(before);
      result_.truncated = true;
      return false;
    }
    return true;
  }

  // A wildcard answer's proof that `name` itself does not exist (RFC 4035
  // §3.1.3.3, RFC 5155 §7.2.6), held until the answer section is complete
  // (a chain may go on after a wildcard link).
  void prove_later(std::uint32_t wildcard, NameRef name) noexcept {
    if (pending_count_ == kMaxPending) return;
    const Node& node = snap_->node(wildcard);
    pending_[pending_count_++] = {snap_, node.zone, name, static_cast<std::uint8_t>(node.name_length - 2)};
  }

  [[gnu::noinline]] void put_pending_proofs() noexcept {
    for (unsigned i = 0; i < pending_count_; ++i) {
      const PendingProof& p = pending_[i];
      if (!denial_.in(*p.unit).wildcard_answer(p.unit->zone(p.zone), p.name, p.encloser_length)) {
        result_.truncated = true;
        break;
      }
    }
    pending_count_ = 0;
  }

  void referral(std::uint32_t cut_id, NameRef name) noexcept {
    const Node& cut = snap_->node(cut_id);
    const RRset* ns = snap_->rrset(cut, rr::NS);
    if (w_.count(Section::kAnswer) == 0) result_.authoritative = false;
    if (ns == nullptr) return;
    const NameRef owner = w_.suffix(name, cut.name_length);
    const std::size_t start = put(Section::kAuthority, cut, *ns, owner);  // NS at a cut: unsigned
    if (start == 0) return;
    if (dnssec_) [[unlikely]] {
      if (!signed_delegation(cut_id, owner)) return;
    }
    if (ns->additional != zones::kNone) additional(*ns, start, owner);
  }

  // DO=1, a referral: the DS and its RRSIG, or the proof that there is no
  // DS (RFC 4035 §3.1.4). False when it did not fit (truncated).
  [[gnu::noinline]] bool signed_delegation(std::uint32_t cut_id, NameRef owner) noexcept {
    const Node& cut = snap_->node(cut_id);
    if (const RRset* ds = snap_->rrset(cut, rr::DS)) {
      if (put(Section::kAuthority, cut, *ds, owner) == 0) return false;
    } else if (!denial_.in(*snap_).no_ds(snap_->zone(cut.zone), owner, cut_id)) {
      result_.truncated = true;
      return false;
    }
    put_pending_proofs();
    return !result_.truncated;
  }

  // The DNAME at `node_id` and the CNAME it synthesizes for `name`; on
  // success `name` becomes the synthesized target and the walk goes on.
  bool dname(std::uint32_t node_id, NameRef& name) noexcept {
    const Node& node = snap_->node(node_id);
    const RRset& set = *snap_->rrset(node, rr::DNAME);
    bool fits;
    const std::size_t target_at = put_dname(node_id, set, w_.suffix(name, node.name_length), fits);
    if (!fits) return false;
    const auto target = snap_->rdata(set).data();
    const std::size_t prefix = name.length - node.name_length;
    if (prefix + target.size() > zones::kMaxNameLength) {
      result_.rcode = Rcode::kYxDomain;  // RFC 6672 §2.2
      return false;
    }
    std::uint8_t scratch[zones::kMaxNameLength + 1];
    std::uint8_t synthesized[zones::kMaxNameLength];
    std::memcpy(synthesized, w_.name_bytes(name, scratch), prefix);
    std::memcpy(synthesized + prefix, target.data(), target.size());
    const std::size_t rdata = w_.put_synthesized_cname(Section::kAnswer, name, set.ttl, synthesized,
                                                       prefix + target.size(), target.size(), target_at);
    if (rdata == 0) {
      result_.truncated = true;
      return false;
    }
    ++result_.links;
    // The synthesized CNAME answers a CNAME query itself, exactly as a CNAME
    // record would (RFC 1034 §4.3.2 step 3a); ANY goes on to the target.
    // Knot and NSD do both the same.
    if (qtype_ == rr::CNAME) return false;
    name = NameRef{static_cast<std::uint16_t>(rdata), static_cast<std::uint8_t>(prefix + target.size())};
    return true;
  }

  // True when the DNAME of `node_id` is already in the answer; remembers it.
  bool dname_written(std::uint32_t node_id) noexcept {
    for (unsigned i = 0; i < dnames_count_; ++i) {
      if (dnames_[i].node == node_id) return true;
    }
    if (dnames_count_ < zones::kMaxChainLinks + 1) dnames_[dnames_count_++] = {node_id, 0};
    return false;
  }

  // The DNAME RRset of `node_id`, owned by `owner`, into the answer once: a
  // DNAME that maps below itself applies again and again. Returns where its
  // target is in the packet (0: unknown); `fits` false when it did not fit.
  std::size_t put_dname(std::uint32_t node_id, const RRset& set, NameRef owner, bool& fits) noexcept {
    fits = true;
    for (unsigned i = 0; i < dnames_count_; ++i) {
      if (dnames_[i].node == node_id) return dnames_[i].target_at;
    }
    if (put(Section::kAnswer, snap_->node(node_id), set, owner) == 0) {
      fits = false;
      return 0;
    }
    if (dnames_count_ < zones::kMaxChainLinks + 1) dnames_[dnames_count_++] = {node_id, set_rdata_};
    return set_rdata_;
  }

  // The compiler's chain from an alias, its first link owned by `owner`.
  // When the question is the alias itself, the links are one copy of the
  // compiler's pre-rendered bytes; otherwise (a wildcard alias, a chain
  // reached after a DNAME, or bytes that do not fit) they are written link
  // by link, which truncates RRset by RRset.
  // Returns true, with `owner` the name to look up next, when the chain
  // goes on in another unit.
  bool chain(std::uint32_t chain_id, NameRef& owner, bool question_is_alias) noexcept {
    const zones::Chain& c = snap_->chain(chain_id);
    // A chain that goes on in another unit is written link by link, so
    // each link's owner is remembered for the loop check there.
    if (many_units_ && (c.end == ChainEnd::kOutside || c.end == ChainEnd::kReferral ||
                        c.end == ChainEnd::kNxdomain)) {
      goes_on_units_ = true;
    }
    // The rendered bytes hold no RRSIGs: with DO=1 the links are written one by one.
    if (question_is_alias && !goes_on_units_ && !dnssec_ && c.rendered_length != 0 && result_.links == 0 &&
        w_.put_prepared(Section::kAnswer, snap_->rendered(c), c.rendered_rrs)) {
      result_.links = c.link_count;
      owner = NameRef{c.end_owner, c.end_owner_length};
      w_.note_name(c.end_owner);
      if (c.end == ChainEnd::kYxdomain) {
        for (const zones::ChainLink& link : snap_->links(c)) {
          if (link.kind == LinkKind::kDname) (void)dname_written(link.node);
        }
      }
      (void)chain_end(c, owner);
      return false;
    }
    bool first = true;
    for (const zones::ChainLink& link : snap_->links(c)) {
      if (result_.links >= zones::kMaxChainLinks) return false;
      if (goes_on_units_ && !first) remember(owner);  // run() remembered the first
      first = false;
      const Node& node = snap_->node(link.node);
      if (link.kind == LinkKind::kDname) {
        const RRset& set = *snap_->rrset(node, rr::DNAME);
        bool fits;
        const std::size_t target_at = put_dname(link.node, set, w_.suffix(owner, node.name_length), fits);
        if (!fits) return false;
        const std::uint8_t* target = snap_->name(link.target_name);
        const std::size_t length = zones::wire_name_length({target, zones::kMaxNameLength});
        const std::size_t rdata = w_.put_synthesized_cname(Section::kAnswer, owner, set.ttl, target, length,
                                                           snap_->rdata(set).data().size(), target_at);
        if (rdata == 0) {
          result_.truncated = true;
          return false;
        }
        owner = NameRef{static_cast<std::uint16_t>(rdata), static_cast<std::uint8_t>(length)};
      } else {
        const RRset& set = *snap_->rrset(node, rr::CNAME);
        if (link.kind == LinkKind::kWildcardCname && dnssec_) [[unlikely]] prove_later(link.node, owner);
        if (put(Section::kAnswer, node, set, owner) == 0) return false;
        owner = NameRef{static_cast<std::uint16_t>(set_rdata_),
                        static_cast<std::uint8_t>(snap_->rdata(set).data().size())};
      }
      ++result_.links;
      // Across units a loop is seen here: the unit compiled its chain
      // without the names answered before it.
      if (goes_on_units_ && already_seen(owner)) return false;
    }
    return chain_end(c, owner);
  }

  // The answer at the end of a chain whose last target is `owner`; true
  // when that name is another unit's to answer (run() looks it up).
  bool chain_end(const zones::Chain& c, NameRef owner) noexcept {
    switch (c.end) {
      case ChainEnd::kNode: {
        const Node& end = snap_->node(c.end_node);
        if (qtype_ == rr::DS && end.has(zones::kChildApexData)) positive(snap_->extra(end).parent_side, owner);
        else if (!(qtype_ == rr::DS && end.has(zones::kApex) && parent_side(owner))) positive(c.end_node, owner);
        break;
      }
      case ChainEnd::kWildcard:
        positive(c.end_node, owner, /*from_wildcard=*/true);
        break;
      case ChainEnd::kReferral:
        if (in_other_unit(owner)) return true;  // a served zone below the cut
        if (qtype_ == rr::DS && owner.length == snap_->node(c.end_node).name_length) positive(c.end_node, owner);
        else referral(c.end_node, owner);
        break;
      case ChainEnd::kNxdomain:
        if (in_other_unit(owner)) return true;  // a served zone below this one
        negative(snap_->node(c.end_node).zone, owner, Rcode::kNxDomain,
                 {Proof::kNxdomain, zones::kNone, dnssec_ ? encloser_length(owner) : std::uint8_t{0}});
        break;
      case ChainEnd::kYxdomain: {
        const Node& node = snap_->node(c.end_node);
        if (dname_written(c.end_node) ||
            put(Section::kAnswer, node, *snap_->rrset(node, rr::DNAME), w_.suffix(owner, node.name_length)) != 0) {
          result_.rcode = Rcode::kYxDomain;
        }
        break;
      }
      case ChainEnd::kOutside:
        return many_units_;  // outside this unit: another may hold it
      case ChainEnd::kLoop:
      case ChainEnd::kTooLong:
        break;
    }
    return false;
  }

  // `name` looked up through the table (`strictly_above`: in the zone above
  // the one whose origin it is); sets snap_ to its unit.
  zones::TrieMatch look_up(NameRef name, bool strictly_above) noexcept {
    zones::IndexedName indexed;
    std::uint8_t scratch[zones::kMaxNameLength + 1];
    zones::make_indexed_name(w_.name_bytes(name, scratch), name.length, indexed);
    const zones::Snapshot* unit = table_.unit_for(indexed, strictly_above);
    zones::TrieMatch match;
    if (unit == nullptr) return match;
    snap_ = unit;
    const zones::IndexedName* names[1] = {&indexed};
    zones::Snapshot::find_names_burst(&unit, names, 1, &match);
    return match;
  }

  // The name length of the closest encloser of `name` (DO=1: a chain's
  // NXDOMAIN end, whose encloser the compiler did not keep).
  [[gnu::noinline]] std::uint8_t encloser_length(NameRef name) noexcept {
    const Snapshot* unit = snap_;
    const zones::TrieMatch match = look_up(name, false);
    snap_ = unit;  // chain_end saw that no other unit holds it
    return match.encloser == zones::kNone ? std::uint8_t{0} : unit->node(match.encloser).name_length;
  }

  // Whether the table gives `name` to a unit other than the one answering.
  bool in_other_unit(NameRef name) const noexcept {
    if (!many_units_) return false;
    zones::IndexedName indexed;
    std::uint8_t scratch[zones::kMaxNameLength + 1];
    zones::make_indexed_name(w_.name_bytes(name, scratch), name.length, indexed);
    const zones::Snapshot* unit = table_.unit_for(indexed);
    return unit != nullptr && unit != snap_;
  }

  // DS at the apex of a zone whose parent is served in another unit: the
  // parent's side of the cut answers (RFC 4035 §3.1.4.1), as a unit holding
  // both answers through kChildApexData. False when no parent serves the
  // cut (the child's NODATA then).
  bool parent_side(NameRef name) noexcept {
    if (!many_units_) return false;
    const Snapshot* child = snap_;
    const zones::TrieMatch match = look_up(name, true);
    const zones::NameStanding standing = match.encloser == zones::kNone ? zones::NameStanding{} : zones::stand(*snap_, match);
    if (snap_ == child || standing.kind != Standing::kCut) {
      snap_ = child;
      return false;
    }
    positive(standing.node, name);
    return true;
  }

  // A/AAAA of the in-zone targets of an MX, SRV, NS, SVCB or HTTPS set
  // written at `start`, and for an SVCB/HTTPS AliasMode target its own set
  // of that type (RFC 9460 §4.1). Best effort: what does not fit is left
  // out, without TC (RFC 2181 §9). The compiler lists each target node once
  // per RRset; only sets with targets in the zone come here.
  void additional(const RRset& set, std::size_t start, NameRef owner) noexcept {
    for (const zones::Additional& entry : snap_->additional(set)) {
      const Node& node = snap_->node(entry.node);
      const NameRef target =
          entry.flags & zones::kTargetIsOwner
              ? owner
              : NameRef{static_cast<std::uint16_t>(w_.rdata_offset(start, owner, entry.rr) + entry.name_offset),
                        node.name_length};
      for (const std::uint16_t type : {rr::A, rr::AAAA}) {
        const RRset* address = snap_->rrset(node, type);
        if (address == nullptr) continue;
        if (!put_additional(node, *address, target)) return;
      }
      if (entry.flags & zones::kTargetSet) {
        const RRset* service = snap_->rrset(node, set.type);
        if (service != nullptr && !put_additional(node, *service, target)) return;
      }
    }
  }

  // Appends an RRset of `node` (with DO=1, and its RRSIGs); a set that does
  // not fit, or whose RRSIGs do not, truncates the answer (RFC 4035
  // §3.1.1: the signatures come before anything else that may be left out).
  // set_rdata_ is then the RDATA of its last RR.
  std::size_t put(Section section, const Node& node, const RRset& set, NameRef owner) noexcept {
    if (dnssec_) [[unlikely]] return put_signed(section, node, set, owner);
    const std::size_t start = w_.put_rrset(section, snap_->wire(set), set.count, owner);
    if (start == 0) {
      result_.truncated = true;
      return 0;
    }
    set_rdata_ = w_.last_rdata();
    return start;
  }

  // put() with DO=1, out of the DO=0 path: the set and its RRSIGs, or
  // neither.
  [[gnu::noinline]] std::size_t put_signed(Section section, const Node& node, const RRset& set,
                                           NameRef owner) noexcept {
    const ResponseWriter::Mark before = w_.mark();
    const std::size_t start = w_.put_rrset(section, snap_->wire(set), set.count, owner);
    if (start != 0) {
      set_rdata_ = w_.last_rdata();
      if (put_signature(section, node, set, owner, 0)) return start;
      w_.rollback(before);
    }
    result_.truncated = true;
    return 0;
  }

  // An additional-section RRset with its RRSIGs (DO=1): best effort, both or
  // neither, and no TC (RFC 4035 §3.1.1, RFC 2181 §9). False when it did not fit.
  bool put_additional(const Node& node, const RRset& set, NameRef owner) noexcept {
    if (dnssec_) [[unlikely]] return put_additional_signed(node, set, owner);
    return w_.put_rrset(Section::kAdditional, snap_->wire(set), set.count, owner) != 0;
  }

  [[gnu::noinline]] bool put_additional_signed(const Node& node, const RRset& set, NameRef owner) noexcept {
    const ResponseWriter::Mark before = w_.mark();
    if (w_.put_rrset(Section::kAdditional, snap_->wire(set), set.count, owner) == 0) return false;
    if (put_signature(Section::kAdditional, node, set, owner, 0)) return true;
    w_.rollback(before);
    return false;
  }

  // The RRSIGs of `set` (of `node`) owned by `owner`, with `ttl` when
  // nonzero; true when written or when the set has none.
  bool put_signature(Section section, const Node& node, const RRset& set, NameRef owner,
                     std::uint32_t ttl) noexcept {
    const RRset* sig = snap_->signature(node, set);
    return sig == nullptr || w_.put_rrset(section, snap_->wire(*sig), sig->count, owner, ttl) != 0;
  }

  void remember(NameRef name) noexcept {
    if (seen_count_ < kMaxSeen) seen_[seen_count_++] = name;
  }

  bool already_seen(NameRef name) const noexcept {
    std::uint8_t scratch[zones::kMaxNameLength + 1];
    std::uint8_t other_scratch[zones::kMaxNameLength + 1];
    const std::uint8_t* bytes = nullptr;  // read only when some name has its length
    for (unsigned i = 0; i < seen_count_; ++i) {
      const NameRef other = seen_[i];
      if (other.length != name.length) continue;
      if (bytes == nullptr) bytes = w_.name_bytes(name, scratch);
      const std::uint8_t* other_bytes = w_.name_bytes(other, other_scratch);
      bool same = true;
      for (std::uint8_t j = 0; j < name.length && same; ++j) {
        same = zones::to_lower(other_bytes[j]) == zones::to_lower(bytes[j]);
      }
      if (same) return true;
    }
    return false;
  }

  const zones::ZoneTable& table_;
  const Snapshot* snap_ = nullptr;  // the unit answering the current name
  const Query& query_;
  ResponseWriter& w_;
  const std::uint16_t qtype_;
  const Found* restart_;
  const bool many_units_;  // chains may go on in another unit
  const bool dnssec_;      // DO=1: RRSIGs with every RRset
  DenialProofs denial_;    // DO=1: NSEC/NSEC3 records written so far
  struct PendingProof {    // prove_later()
    const Snapshot* unit;
    std::uint32_t zone;
    NameRef name;
    std::uint8_t encloser_length;
  };
  static constexpr unsigned kMaxPending = 4;
  PendingProof pending_[kMaxPending];
  unsigned pending_count_ = 0;
  std::size_t set_rdata_;  // put(): RDATA of the last RR of the set it wrote (set before read)
  bool goes_on_units_ = false;  // a chain of this answer left its unit
  AnswerResult result_;
  // The names answered so far: the question, each DNAME restart, each link's owner.
  static constexpr unsigned kMaxSeen = 2 * zones::kMaxChainLinks + 4;
  NameRef seen_[kMaxSeen];
  unsigned seen_count_ = 0;
  struct WrittenDname {
    std::uint32_t node;
    std::size_t target_at;  // its target's offset in the packet; 0: unknown (a prepared chain's)
  };
  WrittenDname dnames_[zones::kMaxChainLinks + 1];
  unsigned dnames_count_ = 0;
};

}  // namespace

AnswerResult answer_query(const zones::ZoneTable& table, const Query& query, const Found& first,
                          ResponseWriter& writer, const Found* restart) noexcept {
  Answerer answerer(table, query, writer, restart);
  return answerer.run(first);
}

AnswerResult answer_negative(const zones::ZoneTable& table, const Query& query, const Found& found,
                             ResponseWriter& writer, Rcode rcode) noexcept {
  Answerer answerer(table, query, writer, nullptr);
  return answerer.negative_for_question(found, rcode);
}

}  // namespace canon::engine
