// Pass 3: the zone table, with what negative answers need, and the apex checks.
#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

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
      }
    }
    if (!snap_->rrset(apex, rr::NS)) {
      report_zone(CheckId::kNsApexMissing, z, rr::NS, "no NS records at the zone apex");
    }
  }
}

}  // namespace canon::zones
