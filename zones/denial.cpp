// The denial-of-existence lookups (snapshot.hpp, "denial of existence"):
// binary searches over a zone's range of `canonical_` (NSEC) or `nsec3_`
// (NSEC3), and the NSEC3 owner hash. Data path: no allocation.
//
// NSEC. The range holds the ids of the nodes with an NSEC, their owners in
// canonical order o0 = apex < o1 < ... < o(n-1); entry i's NSEC names
// next(i) = o(i+1), and next(n-1) = apex closes the ring. The owners are
// not stored: o(i) is read as next(i-1) from the RDATA in wire_, o0 is the
// zone's origin in names_. The NSEC for a name q is entry j, the last with
// o(j) <= q: j = how many of next(0) .. next(n-2) sort <= q.
//
// NSEC3. The range holds {hash, node} sorted by hash; the NSEC3 for a hash
// h is the entry with hash h or the greatest below it, the last entry when
// h sorts below every hash (the chain is a ring, RFC 5155 §3.1.7).
#include <cstring>

#include "zones/canonical_order.hpp"
#include "zones/sha1.hpp"
#include "zones/snapshot.hpp"

namespace canon::zones {

Snapshot::NsecRecord Snapshot::nsec_for(const Zone& zone, const std::uint8_t* name,
                                        std::size_t length) const noexcept {
  (void)length;  // the wire name ends itself
  const DnssecZone* d = dnssec(zone);
  if (d == nullptr || !(d->flags & kNsec) || d->denial_count == 0) return {};
  const std::uint32_t* entries = canonical_.data() + d->denial_begin;
  // next(i): the first NSEC RR's next domain name (RFC 4034 §4.1.1).
  auto next = [&](std::uint32_t i) -> const std::uint8_t* {
    const RRset* set = rrset(nodes_[entries[i]], rr::NSEC);
    return wire_.data() + set->wire + kRrHeader;
  };
  LookupKey key;
  make_key(name, key);
  // Count of next(0) .. next(n-2) that sort <= q: they rise (they are the
  // owners o1 .. o(n-1)), so the first that sorts above q ends the count.
  std::uint32_t low = 0, high = d->denial_count - 1;
  while (low < high) {
    const std::uint32_t mid = low + (high - low) / 2;
    LookupKey probe;
    make_key(next(mid), probe);
    if (compare_canonical_keys(probe.view(), key.view()) <= 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  NsecRecord out;
  out.node = entries[low];
  if (low == 0) {
    out.owner = names_.data() + zone.origin;
    out.owner_length = zone.origin_length;
  } else {
    out.owner = next(low - 1);
    out.owner_length = static_cast<std::uint8_t>(wire_name_length({out.owner, kMaxNameLength}));
  }
  LookupKey owner;
  make_key(out.owner, owner);
  out.matches = compare_canonical_keys(owner.view(), key.view()) == 0;
  return out;
}

Snapshot::Nsec3Record Snapshot::nsec3_for(const Zone& zone, const std::uint8_t* hash) const noexcept {
  const DnssecZone* d = dnssec(zone);
  if (d == nullptr || !(d->flags & kNsec3) || d->denial_count == 0) return {};
  const Nsec3Entry* entries = nsec3_.data() + d->denial_begin;
  // The first entry whose hash sorts above `hash`.
  std::uint32_t low = 0, high = d->denial_count;
  while (low < high) {
    const std::uint32_t mid = low + (high - low) / 2;
    if (std::memcmp(entries[mid].hash, hash, kSha1Length) <= 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  const Nsec3Entry& e = entries[low == 0 ? d->denial_count - 1 : low - 1];
  return Nsec3Record{e.node, e.hash, std::memcmp(e.hash, hash, kSha1Length) == 0};
}

// RFC 5155 §5: IH(salt, x, 0) = H(x || salt), IH(salt, x, k) =
// H(IH(salt, x, k-1) || salt); the name in canonical form (lower-cased).
void Snapshot::nsec3_hash(const Zone& zone, const std::uint8_t* name, std::size_t length,
                          std::uint8_t* out) const noexcept {
  const DnssecZone* d = dnssec(zone);
  const std::size_t salt_length = d != nullptr ? d->nsec3_salt_length : 0;
  const std::uint8_t* salt = salt_length != 0 ? names_.data() + d->nsec3_salt : nullptr;
  const unsigned iterations = d != nullptr ? d->nsec3_iterations : 0;
  std::uint8_t lower[kMaxNameLength];
  if (length > kMaxNameLength) length = kMaxNameLength;
  for (std::size_t i = 0; i < length; ++i) lower[i] = to_lower(name[i]);  // length octets are < 'A'
  Sha1 h;
  h.update(lower, length);
  h.update(salt, salt_length);
  h.finish(out);
  for (unsigned k = 0; k < iterations; ++k) {
    Sha1 again;
    again.update(out, kSha1Length);
    again.update(salt, salt_length);
    again.finish(out);
  }
}

}  // namespace canon::zones
