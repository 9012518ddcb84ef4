// Pass 7: the DNSSEC checks on what the compiler built (RFC 4034, 4035).
//
//   signature-expired    an RRSIG whose expiration is past the check time
//   signature-expiring   one that expires within signature_warn_days
//                        (both: RFC 4034 §3.1.5, serial number arithmetic
//                        of RFC 1982, so 2106 is no cliff)
//   unsigned             in a signed zone (DNSKEY at the apex), an
//                        authoritative RRset without its RRSIG set. Not
//                        signed, so never reported (RFC 4035 §2.2): names
//                        below a cut (glue, occluded data), and at a cut
//                        everything but DS and NSEC (the NS set is the
//                        child's). NSEC3 owner nodes (outside the trie)
//                        are checked like any other name.
//   ds-not-at-cut        a DS at a name of the zone that is no delegation
//                        (the apex included: its DS is the parent's)
//
// A zone whose signer stopped long ago would give one finding per record:
// each check reports the first kReportsPerZone of a zone by name, then one
// line with how many more there are.
#include <ctime>

#include "zones/rr_type.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

constexpr unsigned kReportsPerZone = 20;

std::uint32_t load_be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) |
         p[3];
}

std::string utc_text(std::int64_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return std::to_string(seconds);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
  return text;
}

}  // namespace

void SnapshotBuilder::check_dnssec() {
  if (check_time_ == 0) check_time_ = static_cast<std::int64_t>(std::time(nullptr));
  dnssec_counts_.assign(zones_.size(), DnssecCounts{});
  auto& counts = dnssec_counts_;
  const std::uint32_t node_total = static_cast<std::uint32_t>(snap_->nodes_.size());
  for (std::uint32_t id = 0; id < node_total; ++id) {
    const Node& node = snap_->nodes_[id];
    const Zone& zone = snap_->zones_[node.zone];
    for (std::uint32_t s = node.rrset_begin; s < node.rrset_begin + node.rrset_count; ++s) {
      if (snap_->rrsets_[s].type == rr::RRSIG) check_signature_times(s);
    }
    if (zone.failed || node.has(kOccluded)) continue;
    // A DS is the parent's side of a cut (RFC 4035 §2.4): at a delegation,
    // or at a served child's apex in the parent-side node. Signed or not.
    if (id < node_keys_.size() && !node.has(kDelegation)) {
      if (const RRset* ds = snap_->rrset(node, rr::DS);
          ds != nullptr && ++counts[node.zone].ds_not_at_cut <= kReportsPerZone) {
        report(CheckId::kDsNotAtCut, record_of_rrset(static_cast<std::uint32_t>(ds - snap_->rrsets_.data())),
               node.has(kApex) ? "DS at the zone apex: it belongs in the parent zone, at the "
                                 "delegation to this one; never used from here"
                               : "DS at a name with no NS delegation: a DS belongs at a zone "
                                 "cut, in the parent zone (RFC 4035 §2.4)");
      }
    }
    if (zone.dnssec == kNone) continue;
    const bool cut = node.has(kDelegation) || is_parent_side(id);  // the parent's NS and DS at a child apex
    for (std::uint32_t s = node.rrset_begin; s < node.rrset_begin + node.rrset_count; ++s) {
      const RRset& set = snap_->rrsets_[s];
      if (set.type == rr::RRSIG || (cut && set.type != rr::DS && set.type != rr::NSEC)) continue;
      if (snap_->signature(node, set) != nullptr) continue;
      if (++counts[node.zone].unsigned_sets > kReportsPerZone) continue;
      report(CheckId::kUnsigned, record_of_rrset(s),
             "no RRSIG in a signed zone (DNSKEY at the apex); validating resolvers will "
             "answer SERVFAIL for it");
    }
  }
  for (std::uint32_t z = 0; z < zones_.size(); ++z) {
    const auto more = [&](unsigned n, CheckId id, const char* what) {
      if (n <= kReportsPerZone) return;
      report_zone(id, z, 0, std::to_string(n - kReportsPerZone) + " more " + what + " not listed");
    };
    more(counts[z].expired, CheckId::kSignatureExpired, "expired signatures");
    more(counts[z].expiring, CheckId::kSignatureExpiring, "expiring signatures");
    more(counts[z].unsigned_sets, CheckId::kUnsigned, "unsigned RRsets");
    more(counts[z].ds_not_at_cut, CheckId::kDsNotAtCut, "DS RRsets away from a cut");
  }
}

// Each RR of RRSIG set `rrset`: RDATA = type covered (2), algorithm (1),
// labels (1), original TTL (4), expiration (4), inception (4), key tag (2),
// signer's name.
void SnapshotBuilder::check_signature_times(std::uint32_t rrset) {
  const RRset& set = snap_->rrsets_[rrset];
  const std::uint32_t now = static_cast<std::uint32_t>(check_time_);
  const std::int64_t horizon = std::int64_t{signature_warn_days_} * 86'400;
  std::uint16_t index = 0;
  for (auto it = snap_->rdata(set); it; ++it, ++index) {
    const auto rdata = it.data();
    if (rdata.size() < 18) continue;
    // Seconds from now to the expiration, within ±68 years (RFC 1982).
    const std::int64_t left = static_cast<std::int32_t>(load_be32(rdata.data() + 8) - now);
    if (left > horizon) continue;
    const Record& rec = record_of_rr(rrset, index);
    auto& counts = dnssec_counts_[rec.zone];
    const std::string what = "RRSIG covering " +
                             type_name(static_cast<std::uint16_t>((rdata[0] << 8) | rdata[1])) +
                             " (key tag " + std::to_string((rdata[16] << 8) | rdata[17]) + ")";
    const std::string date = utc_text(check_time_ + left);
    if (left < 0) {
      if (++counts.expired > kReportsPerZone) continue;
      report(CheckId::kSignatureExpired, rec,
             what + " expired on " + date + "; validating resolvers will answer SERVFAIL for it");
    } else {
      if (++counts.expiring > kReportsPerZone) continue;
      report(CheckId::kSignatureExpiring, rec,
             what + " expires on " + date + ", in " + std::to_string(left / 86'400) +
                 " days (signature-warn-days " + std::to_string(signature_warn_days_) + ")");
    }
  }
}

}  // namespace canon::zones
