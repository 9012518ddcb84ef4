#include "engine/denial.hpp"

#include <cstring>

#include "zones/base32hex.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

namespace rr = zones::rr;
using zones::DnssecFlag;
using zones::kMaxNameLength;
using zones::Snapshot;

enum class Chain { kNone, kNsec, kNsec3 };

Chain chain_of(const Snapshot& snap, const zones::Zone& zone) noexcept {
  const zones::DnssecZone* dnssec = snap.dnssec(zone);
  if (dnssec == nullptr) return Chain::kNone;
  if (dnssec->flags & zones::kNsec3) return Chain::kNsec3;
  if (dnssec->flags & zones::kNsec) return Chain::kNsec;
  return Chain::kNone;
}

// "*." + the last `length` octets of `name`, into `out` (room for 255).
std::uint8_t wildcard_of(const std::uint8_t* name, std::size_t name_length, std::uint8_t length,
                         std::uint8_t* out) noexcept {
  out[0] = 1;
  out[1] = '*';
  std::memcpy(out + 2, name + name_length - length, length);
  return static_cast<std::uint8_t>(length + 2);
}

}  // namespace

bool DenialProofs::already_written(std::uint32_t node) noexcept {
  for (unsigned i = 0; i < written_count_; ++i) {
    if (written_[i] == node) return true;
  }
  if (written_count_ < sizeof written_ / sizeof written_[0]) written_[written_count_++] = node;
  return false;
}

// The RRset of `type` at `node_id` written by `write_set(rrs, count)` (which
// returns its owner in the packet, or NameRef{} when it does not fit), then
// its RRSIGs under the same owner; nothing of it when they do not fit.
template <typename WriteSet>
bool DenialProofs::put_signed(std::uint32_t node_id, std::uint16_t type, WriteSet write_set) noexcept {
  const zones::Node& node = snap_->node(node_id);
  const zones::RRset* set = snap_->rrset(node, type);
  if (set == nullptr) return true;
  const ResponseWriter::Mark before = w_.mark();
  const NameRef owner = write_set(snap_->wire(*set), set->count);
  if (owner.length == 0) return false;
  const zones::RRset* sig = snap_->signature(node, *set);
  if (sig != nullptr && w_.put_rrset(Section::kAuthority, snap_->wire(*sig), sig->count, owner) == 0) {
    w_.rollback(before);
    return false;
  }
  return true;
}

bool DenialProofs::put_set(std::uint32_t node_id, std::uint16_t type, const std::uint8_t* owner,
                           std::uint8_t owner_length, NameRef owner_in_packet) noexcept {
  return put_signed(node_id, type, [&](std::span<const std::uint8_t> rrs, std::uint16_t count) {
    if (owner_in_packet.length != 0) {
      return w_.put_rrset(Section::kAuthority, rrs, count, owner_in_packet) == 0 ? NameRef{} : owner_in_packet;
    }
    return w_.put_rrset_owned_by(Section::kAuthority, rrs, count, owner, owner_length);
  });
}

// ---- NSEC ---------------------------------------------------------------------

bool DenialProofs::put_nsec(const Snapshot::NsecRecord& record, NameRef name) noexcept {
  if (record.node == zones::kNone || already_written(record.node)) return true;
  return put_set(record.node, rr::NSEC, record.owner, record.owner_length, record.matches ? name : NameRef{});
}

bool DenialProofs::put_covering_nsec(const zones::Zone& zone, Name name, NameRef in_packet) noexcept {
  return put_nsec(snap_->nsec_for(zone, name.bytes, name.length), in_packet);
}

// ---- NSEC3 --------------------------------------------------------------------

Snapshot::Nsec3Record DenialProofs::nsec3_of(const zones::Zone& zone, Name name) const noexcept {
  std::uint8_t hash[zones::kSha1Length];
  snap_->nsec3_hash(zone, name.bytes, name.length, hash);
  return snap_->nsec3_for(zone, hash);
}

void DenialProofs::start_proof(const zones::Zone& zone, NameRef name) noexcept {
  apex_ = w_.suffix(name, zone.origin_length);
  proven_ = name;
}

bool DenialProofs::is_proven_name(const zones::Zone& zone, const std::uint8_t* label) const noexcept {
  if (proven_.length != 1 + zones::kNsec3LabelLength + zone.origin_length) return false;
  std::uint8_t scratch[kMaxNameLength + 1];
  const std::uint8_t* name = w_.name_bytes(proven_, scratch);
  if (name[0] != zones::kNsec3LabelLength) return false;
  for (std::size_t i = 1; i <= zones::kNsec3LabelLength; ++i) {
    if (zones::to_lower(name[i]) != label[i]) return false;
  }
  return true;
}

bool DenialProofs::put_nsec3(const zones::Zone& zone, const Snapshot::Nsec3Record& record) noexcept {
  if (record.node == zones::kNone || already_written(record.node)) return true;
  // The owner is the hash label, then the apex: the apex is in the packet
  // already (a suffix of the name being proven), so the label and a pointer
  // are the shortest form -- unless the name being proven is this owner
  // (a question for a hashed name, RFC 5155 §7.2.8), then one pointer.
  std::uint8_t label[1 + zones::kNsec3LabelLength];
  zones::nsec3_hash_label(record.hash, label);
  if (is_proven_name(zone, label)) return put_set(record.node, rr::NSEC3, nullptr, 0, proven_);
  return put_signed(record.node, rr::NSEC3, [&](std::span<const std::uint8_t> rrs, std::uint16_t count) {
    return w_.put_rrset_owned_by(Section::kAuthority, rrs, count, label, sizeof label, apex_, zone.origin_length);
  });
}

bool DenialProofs::put_covering_next_closer(const zones::Zone& zone, Name name,
                                            std::uint8_t encloser_length) noexcept {
  if (encloser_length >= name.length) return true;  // the name is its own encloser: nothing closer
  // The next closer name: the encloser with one more label of `name`.
  std::size_t at = 0;
  std::size_t next_closer = 0;
  while (name.length - at > encloser_length) {
    next_closer = at;
    at += name.bytes[at] + 1u;
  }
  const Name closer{name.bytes + next_closer, static_cast<std::uint8_t>(name.length - next_closer)};
  return put_nsec3(zone, nsec3_of(zone, closer));
}

bool DenialProofs::put_closest_encloser_proof(const zones::Zone& zone, Name name, std::uint8_t from_length,
                                              std::uint8_t& encloser_length) noexcept {
  // Up from `from_length` to the first name with an NSEC3 of its own: an
  // empty non-terminal made only by opt-out delegations has none (RFC 5155
  // §7.2.1, the closest *provable* encloser). The apex always has one.
  std::uint8_t length = from_length;
  for (;;) {
    const Name candidate{name.bytes + name.length - length, length};
    const Snapshot::Nsec3Record record = nsec3_of(zone, candidate);
    if (record.matches || length <= zone.origin_length) {
      if (!put_nsec3(zone, record)) return false;
      break;
    }
    length = static_cast<std::uint8_t>(length - (candidate.bytes[0] + 1u));
  }
  encloser_length = length;
  return put_covering_next_closer(zone, name, length);
}

// ---- the proofs ---------------------------------------------------------------

bool DenialProofs::nxdomain(const zones::Zone& zone, NameRef name, std::uint8_t encloser_length,
                            std::uint32_t encloser_node) noexcept {
  const Chain chain = chain_of(*snap_, zone);
  if (chain == Chain::kNone) return true;
  start_proof(zone, name);
  std::uint8_t scratch[kMaxNameLength + 1];
  const Name n = bytes_of(name, scratch);
  std::uint8_t wildcard[kMaxNameLength + 3];
  if (chain == Chain::kNsec) {
    if (!put_covering_nsec(zone, n, name)) return false;
    const std::uint8_t length = wildcard_of(n.bytes, n.length, encloser_length, wildcard);
    return put_covering_nsec(zone, Name{wildcard, length}, NameRef{});
  }
  // The compiler hashed the encloser and its wildcard: only the next
  // closer name is hashed here.
  if (const zones::Nsec3Links* links = links_of(encloser_node); links != nullptr && links->own != zones::kNone) {
    if (!put_nsec3(zone, snap_->nsec3_at(links->own, true))) return false;
    if (!put_covering_next_closer(zone, n, encloser_length)) return false;
    return links->wildcard_cover == zones::kNone || put_nsec3(zone, snap_->nsec3_at(links->wildcard_cover, false));
  }
  std::uint8_t encloser = encloser_length;
  if (!put_closest_encloser_proof(zone, n, encloser_length, encloser)) return false;
  const std::uint8_t length = wildcard_of(n.bytes, n.length, encloser, wildcard);
  return put_nsec3(zone, nsec3_of(zone, Name{wildcard, length}));
}

bool DenialProofs::nodata(const zones::Zone& zone, NameRef name, std::uint32_t node) noexcept {
  const Chain chain = chain_of(*snap_, zone);
  if (chain == Chain::kNone) return true;
  start_proof(zone, name);
  if (chain == Chain::kNsec) {
    // The name's own NSEC; an empty non-terminal has none, and the NSEC
    // that covers it proves it holds nothing (RFC 4035 §3.1.3.2).
    if (snap_->rrset(snap_->node(node), rr::NSEC) != nullptr) {
      if (already_written(node)) return true;
      return put_set(node, rr::NSEC, nullptr, 0, name);
    }
    std::uint8_t scratch[kMaxNameLength + 1];
    return put_covering_nsec(zone, bytes_of(name, scratch), name);
  }
  if (const zones::Nsec3Links* links = links_of(node); links != nullptr && links->own != zones::kNone) {
    return put_nsec3(zone, snap_->nsec3_at(links->own, true));
  }
  std::uint8_t scratch[kMaxNameLength + 1];
  const Name n = bytes_of(name, scratch);
  const Snapshot::Nsec3Record own = nsec3_of(zone, n);
  if (own.matches) return put_nsec3(zone, own);
  // No NSEC3 of its own: a delegation (or the empty non-terminal above
  // one) in an opt-out span. The closest provable encloser proof, whose
  // covering NSEC3 carries the opt-out flag (RFC 5155 §7.2.4).
  if (n.length <= zone.origin_length) return put_nsec3(zone, own);
  std::uint8_t encloser = 0;
  return put_closest_encloser_proof(zone, n, static_cast<std::uint8_t>(n.length - (n.bytes[0] + 1u)), encloser);
}

bool DenialProofs::wildcard_answer(const zones::Zone& zone, NameRef name, std::uint8_t encloser_length) noexcept {
  const Chain chain = chain_of(*snap_, zone);
  if (chain == Chain::kNone) return true;
  start_proof(zone, name);
  std::uint8_t scratch[kMaxNameLength + 1];
  const Name n = bytes_of(name, scratch);
  if (chain == Chain::kNsec) return put_covering_nsec(zone, n, name);
  // RFC 5155 §7.2.6: the closest encloser is implied by the RRSIG's labels.
  return put_covering_next_closer(zone, n, encloser_length);
}

bool DenialProofs::wildcard_nodata(const zones::Zone& zone, NameRef name, std::uint32_t wildcard) noexcept {
  const Chain chain = chain_of(*snap_, zone);
  if (chain == Chain::kNone) return true;
  start_proof(zone, name);
  std::uint8_t scratch[kMaxNameLength + 1];
  const Name n = bytes_of(name, scratch);
  const std::uint8_t encloser_length = static_cast<std::uint8_t>(snap_->node(wildcard).name_length - 2);
  std::uint8_t owner[kMaxNameLength + 3];
  const std::uint8_t owner_length = wildcard_of(n.bytes, n.length, encloser_length, owner);
  if (chain == Chain::kNsec) {
    // RFC 4035 §3.1.3.4: no exact match, and the wildcard lacks the type.
    if (!put_covering_nsec(zone, n, name)) return false;
    if (already_written(wildcard)) return true;
    return put_set(wildcard, rr::NSEC, owner, owner_length, NameRef{});
  }
  // RFC 5155 §7.2.5: closest encloser, next closer, the wildcard's own NSEC3.
  const Name encloser{n.bytes + n.length - encloser_length, encloser_length};
  if (!put_nsec3(zone, nsec3_of(zone, encloser))) return false;
  if (!put_covering_next_closer(zone, n, encloser_length)) return false;
  if (const zones::Nsec3Links* links = links_of(wildcard); links != nullptr && links->own != zones::kNone) {
    return put_nsec3(zone, snap_->nsec3_at(links->own, true));
  }
  return put_nsec3(zone, nsec3_of(zone, Name{owner, owner_length}));
}

}  // namespace canon::engine
