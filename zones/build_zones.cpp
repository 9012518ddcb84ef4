// Pass 3: the zone table, with what negative answers need, and the apex checks.
#include <cstring>
#include <vector>

#include "zones/name_compression.hpp"
#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

// The SOA of negative answers, written once here into a message whose
// question is the apex, as the engine's writer would (same dictionary, same
// hints); see Zone::negative_soa.
void SnapshotBuilder::prepare_negative_soa(Zone& zone, const RRset& soa) {
  const std::uint8_t* origin = snap_->name(zone.origin);
  const std::size_t answers = 12 + zone.origin_length + 4;
  std::vector<std::uint8_t> message(answers, 0);
  message.reserve(answers + 2 + 10 + 2 * kMaxNameLength + 20);
  std::memcpy(message.data() + 12, origin, zone.origin_length);
  NameDictionary names;
  names.reset(true);
  const auto rr = snap_->rdata(soa).wire();
  const auto rdata = snap_->rdata(soa).data();
  message.insert(message.end(), {0xc0, 12});
  message.insert(message.end(), rr.begin() + 2, rr.begin() + 10);  // type, class, TTL
  for (int i = 0; i < 4; ++i) message[answers + 6 + i] = static_cast<std::uint8_t>(zone.negative_ttl >> (24 - 8 * i));
  message.insert(message.end(), {0, 0});  // RDLENGTH, below
  const std::size_t rdata_at = message.size();
  std::size_t in = 0;
  for (unsigned n = 0; n < 2; ++n) {
    const std::size_t length = wire_name_length(rdata.subspan(in));
    const std::size_t shared = rr[n];  // the compiler's hint (add_rrsets): owner = apex at 12
    const std::size_t shared_at = shared != 0 ? 12 + zone.origin_length - shared : 0;
    const NameDictionary::Match match = names.match(message.data(), rdata.data() + in, length, shared, shared_at);
    const std::size_t at = message.size();
    message.resize(at + length);
    message.resize(at + write_compressed_name(message.data() + at, rdata.data() + in, length, match));
    if (match.target != 0) {
      zone.soa_pointers[n] = static_cast<std::uint8_t>(at + match.prefix - answers - 2);
      if (match.target == 12 && match.prefix != 0) zone.soa_before[n] = static_cast<std::uint8_t>(at + match.before - answers - 2);
    }
    if (match.prefix != 0) names.add(at, match);
    in += length;
  }
  message.insert(message.end(), rdata.begin() + static_cast<std::ptrdiff_t>(in), rdata.end());
  const std::size_t rdlength = message.size() - rdata_at;
  message[rdata_at - 2] = static_cast<std::uint8_t>(rdlength >> 8);
  message[rdata_at - 1] = static_cast<std::uint8_t>(rdlength);
  if (message.size() - answers - 2 > 0xff) {  // long names: written by the general path
    zone.soa_pointers[0] = zone.soa_pointers[1] = zone.soa_before[0] = zone.soa_before[1] = 0;
    return;
  }
  zone.negative_soa = static_cast<std::uint32_t>(snap_->wire_.size());
  zone.negative_soa_length = static_cast<std::uint8_t>(message.size() - answers - 2);
  snap_->wire_.insert(snap_->wire_.end(), message.begin() + static_cast<std::ptrdiff_t>(answers + 2), message.end());
}

void SnapshotBuilder::build_zones() {
  snap_->zones_.resize(zones_.size());
  snap_->zone_infos_.resize(zones_.size());
  for (const Record& rec : store_.records) ++snap_->zone_infos_[rec.zone].records;
  for (std::uint32_t z = 0; z < zones_.size(); ++z) {
    const ZoneMeta& meta = zones_[z];
    Zone& zone = snap_->zones_[z];
    ZoneInfo& info = snap_->zone_infos_[z];
    info.origin = meta.origin_text;
    info.file = meta.file;
    zone.origin = add_name(reinterpret_cast<const std::uint8_t*>(meta.origin_wire.data()));
    zone.origin_length = static_cast<std::uint8_t>(meta.origin_wire.size());
    zone.soa_rrset = kNone;
    zone.failed = meta.failed;
    const TrieMatch match = snap_->find(meta.origin_key.view());
    zone.apex = match.exact;  // build_nodes made every apex a node
    const Node& apex = snap_->node(zone.apex);
    if (meta.failed) continue;  // a stand-in: nothing to check, nothing to answer from
    const RRset* soa = snap_->rrset(apex, rr::SOA);
    if (!soa) {
      report_zone(CheckId::kSoaMissing, z, rr::SOA, "no SOA record at the zone apex");
    } else {
      zone.soa_rrset = static_cast<std::uint32_t>(soa - &snap_->rrset_at(0));
      const auto rdata = snap_->rdata(*soa).data();
      // SOA RDATA: MNAME, RNAME, then SERIAL REFRESH RETRY EXPIRE MINIMUM.
      if (rdata.size() >= 22) {
        zone.serial = load_be32(rdata.data() + rdata.size() - 20);
        const std::uint32_t minimum = load_be32(rdata.data() + rdata.size() - 4);
        zone.negative_ttl = std::min(soa->ttl, minimum);  // RFC 2308 §5
        if (soa->count == 1) prepare_negative_soa(zone, *soa);
      }
    }
    if (!snap_->rrset(apex, rr::NS)) {
      report_zone(CheckId::kNsApexMissing, z, rr::NS, "no NS records at the zone apex");
    }
    if (snap_->rrset(apex, rr::DNSKEY)) {
      DnssecZone dnssec;
      dnssec.flags = kSigned;
      // NSEC3PARAM at the apex makes the zone an NSEC3 zone (RFC 5155 §7.2),
      // even while NSEC records remain from a transition (§10.4): one chain,
      // one denial range.
      if (snap_->rrset(apex, rr::NSEC3PARAM)) {
        dnssec.flags |= kNsec3;
      } else if (snap_->rrset(apex, rr::NSEC)) {
        dnssec.flags |= kNsec;
      }
      zone.dnssec = static_cast<std::uint32_t>(snap_->dnssec_.size());
      snap_->dnssec_.push_back(dnssec);
    }
  }
}

}  // namespace canon::zones
