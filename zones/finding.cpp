#include "zones/finding.hpp"

#include <algorithm>

#include "zones/rr_type.hpp"

namespace canon::zones {

std::string_view check_id_text(CheckId id) noexcept {
  switch (id) {
    case CheckId::kSyntax: return "syntax";
    case CheckId::kFile: return "file";
    case CheckId::kZoneDuplicate: return "zone-duplicate";
    case CheckId::kSoaMissing: return "soa-missing";
    case CheckId::kSoaMultiple: return "soa-multiple";
    case CheckId::kSoaNotApex: return "soa-not-apex";
    case CheckId::kNsApexMissing: return "ns-apex-missing";
    case CheckId::kCnameAndOther: return "cname-and-other";
    case CheckId::kCnameMultiple: return "cname-multiple";
    case CheckId::kCnameApex: return "cname-apex";
    case CheckId::kDnameMultiple: return "dname-multiple";
    case CheckId::kDnameAndCname: return "dname-and-cname";
    case CheckId::kOutOfZone: return "out-of-zone";
    case CheckId::kClass: return "class";
    case CheckId::kLimit: return "limit";
    case CheckId::kCnameLoop: return "cname-loop";
    case CheckId::kChainTooLong: return "chain-too-long";
    case CheckId::kTargetIsAlias: return "target-is-alias";
    case CheckId::kAliasTargetIp: return "alias-target-ip";
    case CheckId::kOccluded: return "occluded";
    case CheckId::kGlueMissing: return "glue-missing";
    case CheckId::kTtlMismatch: return "ttl-mismatch";
    case CheckId::kDuplicateRecord: return "duplicate-record";
    case CheckId::kSignatureExpired: return "signature-expired";
    case CheckId::kSignatureExpiring: return "signature-expiring";
    case CheckId::kUnsigned: return "unsigned";
    case CheckId::kNsecChainBroken: return "nsec-chain-broken";
    case CheckId::kNsec3ChainBroken: return "nsec3-chain-broken";
    case CheckId::kNsec3ParamMismatch: return "nsec3param-mismatch";
    case CheckId::kNsec3Iterations: return "nsec3-iterations";
    case CheckId::kDsNotAtCut: return "ds-not-at-cut";
  }
  return "unknown";
}

Severity check_severity(CheckId id) noexcept {
  return id < CheckId::kCnameLoop ? Severity::kError : Severity::kWarning;
}

std::string Finding::to_string() const {
  std::string out = file;
  if (line != 0) out += ":" + std::to_string(line);
  out += severity() == Severity::kError ? ": error: " : ": warning: ";
  if (!owner.empty()) {
    out += owner;
    if (type != 0) out += " " + type_name(type);
    out += ": ";
  }
  out += message;
  out += " [";
  out += check_id_text(check);
  out += "]";
  return out;
}

std::size_t Findings::errors() const noexcept {
  return static_cast<std::size_t>(std::count_if(items.begin(), items.end(), [](const Finding& f) {
    return f.severity() == Severity::kError;
  }));
}

bool Findings::has(CheckId id) const noexcept {
  return std::any_of(items.begin(), items.end(), [id](const Finding& f) { return f.check == id; });
}

void Findings::sort() {
  std::stable_sort(items.begin(), items.end(), [](const Finding& a, const Finding& b) {
    if (a.file != b.file) return a.file < b.file;
    return a.line < b.line;
  });
}

}  // namespace canon::zones
