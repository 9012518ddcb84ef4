// Per-name checks: the rules about which records may share one owner name.
// `records` are one name's records of one zone, sorted by type then RDATA;
// messages speak in file order (the earliest line is "the first").
#include <algorithm>

#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

// The records of one type, without identical copies (those are reported
// when the RRset is built), earliest line first.
std::vector<const Record*> distinct_of_type(const RecordStore& store,
                                            std::span<const std::uint32_t> records,
                                            std::uint16_t type) {
  std::vector<const Record*> out;
  const Record* previous = nullptr;
  for (std::uint32_t index : records) {
    const Record& rec = store.records[index];
    if (rec.type != type) continue;
    const bool duplicate = previous && store.same_rdata(*previous, rec);
    previous = &rec;
    if (!duplicate) out.push_back(&rec);
  }
  std::sort(out.begin(), out.end(), [](const Record* x, const Record* y) {
    return x->file != y->file ? x->file < y->file : x->line < y->line;
  });
  return out;
}

}  // namespace

void SnapshotBuilder::check_name(std::span<const std::uint32_t> records, bool apex) {
  if (records.empty()) return;
  const auto cnames = distinct_of_type(store_, records, rr::CNAME);
  const auto dnames = distinct_of_type(store_, records, rr::DNAME);
  const auto soas = distinct_of_type(store_, records, rr::SOA);

  for (std::size_t i = 1; i < cnames.size(); ++i) {
    report(CheckId::kCnameMultiple, *cnames[i],
           "second CNAME at one name (first at line " + std::to_string(cnames[0]->line) +
               "); an alias has exactly one target");
  }
  for (std::size_t i = 1; i < dnames.size(); ++i) {
    report(CheckId::kDnameMultiple, *dnames[i],
           "second DNAME at one name (first at line " + std::to_string(dnames[0]->line) + ")");
  }
  for (std::size_t i = 0; i < soas.size(); ++i) {
    if (!apex) {
      report(CheckId::kSoaNotApex, *soas[i], "SOA record away from the zone apex");
    } else if (i > 0) {
      report(CheckId::kSoaMultiple, *soas[i],
             "second SOA at the apex (first at line " + std::to_string(soas[0]->line) +
                 "); a zone has exactly one");
    }
  }

  if (cnames.empty()) return;
  const Record& cname = *cnames[0];
  if (apex) {
    report(CheckId::kCnameApex, cname,
           "CNAME at the zone apex, where SOA and NS must be (RFC 1034 §3.6.2)");
  }
  if (!dnames.empty()) {
    report(CheckId::kDnameAndCname, cname,
           "CNAME and DNAME at one name (DNAME at line " + std::to_string(dnames[0]->line) + ")");
  }
  // The first record, in file order, that may not stand beside a CNAME.
  const Record* other = nullptr;
  for (std::uint32_t index : records) {
    const Record& rec = store_.records[index];
    if (rec.type == rr::CNAME || rec.type == rr::DNAME || may_accompany_cname(rec.type)) continue;
    if (!other || rec.line < other->line) other = &rec;
  }
  if (other) {
    report(CheckId::kCnameAndOther, cname,
           "CNAME and other data at one name (" + type_name(other->type) + " at line " +
               std::to_string(other->line) + "); an alias may carry nothing else (RFC 1034 §3.6.2)");
  }
}

}  // namespace canon::zones
