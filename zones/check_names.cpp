// Per-name checks: the rules about which records may share one owner name.
// `records` are one name's records of one zone, sorted by type then RDATA.
#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

void SnapshotBuilder::check_name(std::span<const std::uint32_t> records, bool apex) {
  const Record* cname = nullptr;
  const Record* dname = nullptr;
  const Record* other = nullptr;  // the first record that may not stand beside a CNAME
  const Record* soa = nullptr;
  std::size_t cnames = 0, dnames = 0, soas = 0;
  const Record* previous = nullptr;
  for (std::uint32_t index : records) {
    const Record& rec = store_.records[index];
    // Identical copies are reported (and dropped) when the RRset is built.
    const bool duplicate = previous && previous->type == rec.type &&
                           store_.rdata(*previous).size() == rec.rdata_length &&
                           std::equal(store_.rdata(*previous).begin(), store_.rdata(*previous).end(),
                                      store_.rdata(rec).begin());
    previous = &rec;
    if (duplicate) continue;
    switch (rec.type) {
      case rr::CNAME:
        if (++cnames == 2) {
          report(CheckId::kCnameMultiple, rec,
                 "second CNAME at one name (first at line " + std::to_string(cname->line) +
                     "); an alias has exactly one target");
        }
        if (!cname) cname = &rec;
        break;
      case rr::DNAME:
        if (++dnames == 2) {
          report(CheckId::kDnameMultiple, rec,
                 "second DNAME at one name (first at line " + std::to_string(dname->line) + ")");
        }
        if (!dname) dname = &rec;
        break;
      case rr::SOA:
        if (!apex) {
          report(CheckId::kSoaNotApex, rec, "SOA record away from the zone apex");
        } else if (++soas == 2) {
          report(CheckId::kSoaMultiple, rec,
                 "second SOA at the apex (first at line " + std::to_string(soa->line) +
                     "); a zone has exactly one");
        }
        if (!soa) soa = &rec;
        [[fallthrough]];
      default:
        if (!other && !may_accompany_cname(rec.type)) other = &rec;
    }
  }
  if (cname && apex) {
    report(CheckId::kCnameApex, *cname,
           "CNAME at the zone apex, where SOA and NS must be (RFC 1034 §3.6.2)");
  }
  if (cname && dname) {
    report(CheckId::kDnameAndCname, *cname,
           "CNAME and DNAME at one name (DNAME at line " + std::to_string(dname->line) + ")");
  }
  if (cname && other) {
    report(CheckId::kCnameAndOther, *cname,
           "CNAME and other data at one name (" + type_name(other->type) + " at line " +
               std::to_string(other->line) + "); an alias may carry nothing else (RFC 1034 §3.6.2)");
  }
}

}  // namespace canon::zones
