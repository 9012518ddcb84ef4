// What the loader and the checks say about a zone: one Finding per problem,
// each with a stable check id (operators grep and suppress by it), a severity
// and the place it was found.
//
//   example.com.zone:12: error: www.example.com. CNAME: CNAME and other data at one name (A at line 13) [cname-and-other]
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace canon::zones {

enum class Severity : std::uint8_t { kWarning, kError };

// Every check canon runs. Errors refuse the zone; warnings let it load.
enum class CheckId : std::uint8_t {
  // errors
  kSyntax,
  kFile,
  kZoneDuplicate,
  kSoaMissing,
  kSoaMultiple,
  kSoaNotApex,
  kNsApexMissing,
  kCnameAndOther,
  kCnameMultiple,
  kCnameApex,
  kDnameMultiple,
  kDnameAndCname,
  kOutOfZone,
  kClass,
  kLimit,
  // warnings
  kCnameLoop,
  kChainTooLong,
  kTargetIsAlias,
  kAliasTargetIp,
  kOccluded,
  kGlueMissing,
  kTtlMismatch,
  kDuplicateRecord,
  kSignatureExpired,
  kSignatureExpiring,
  kUnsigned,
  kNsecChainBroken,
  kNsec3ChainBroken,
  kNsec3ParamMismatch,
  kNsec3Iterations,
  kDsNotAtCut,
};

[[nodiscard]] std::string_view check_id_text(CheckId id) noexcept;
[[nodiscard]] Severity check_severity(CheckId id) noexcept;

struct Finding {
  CheckId check;
  std::string file;   // as given on the command line, or the $INCLUDEd path
  std::uint32_t line = 0;
  std::string owner;  // presentation form, absolute; empty for file-level findings
  std::uint16_t type = 0;
  std::string message;

  [[nodiscard]] Severity severity() const noexcept { return check_severity(check); }
  // "FILE:LINE: error|warning: OWNER TYPE: message [check-id]"
  [[nodiscard]] std::string to_string() const;
};

struct Findings {
  std::vector<Finding> items;

  void add(Finding finding) { items.push_back(std::move(finding)); }
  [[nodiscard]] std::size_t errors() const noexcept;
  [[nodiscard]] std::size_t warnings() const noexcept { return items.size() - errors(); }
  [[nodiscard]] bool has(CheckId id) const noexcept;
  // Sorted by file, then line, for stable human output.
  void sort();
};

}  // namespace canon::zones
