// Every check canon runs, one table row each: a tiny zone with one mistake,
// and where the finding must point (file, line, owner, type), its severity
// and whether the zone is refused.
//
// Zones start with kApex (lines 1-4), so the first line a row writes is line 5.
#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "tests/zones/zone_fixture.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {
namespace {

using testing::compile_zones;
using testing::describe;
using testing::kApex;
using testing::with_apex;
using testing::ZoneDir;
using testing::ZoneText;

constexpr const char* kCom = "example.com.";
constexpr const char* kComFile = "example.com.zone";

struct CheckCase {
  std::string name;
  std::vector<ZoneText> zones;
  CheckId check;
  Severity severity;
  std::string file;  // relative to the test's ZoneDir
  std::uint32_t line;
  std::string owner;
  std::uint16_t type;
  // When set, the complete set of checks the zones trigger (besides `check`):
  // one mistake must not drown in unrelated findings.
  std::optional<std::vector<CheckId>> also = std::vector<CheckId>{};
  // Files written beside the zones (for $INCLUDE): name, text.
  std::vector<std::pair<std::string, std::string>> extra_files = {};
};

void PrintTo(const CheckCase& c, std::ostream* out) {
  *out << c.name;
}

std::vector<ZoneText> one_zone(const std::string& body) {
  return {{kCom, kComFile, with_apex(body)}};
}

std::string long_chain(unsigned links) {
  // c0 → c1 → ... → c<links>, which has an address.
  std::string body;
  for (unsigned i = 0; i < links; ++i) {
    body += "c" + std::to_string(i) + " CNAME c" + std::to_string(i + 1) + "\n";
  }
  body += "c" + std::to_string(links) + " A 192.0.2.99\n";
  return body;
}

std::vector<CheckCase> check_cases() {
  using enum CheckId;
  const Severity E = Severity::kError;
  const Severity W = Severity::kWarning;
  // One row per check reads better than one field per line.
  // clang-format off
  return {
      // ---- errors ---------------------------------------------------------------
      {"syntax_bad_address",
       one_zone("www A 192.0.2.1\nbad A 300.0.0.1\nok A 192.0.2.2\n"),
       kSyntax, E, kComFile, 6, "", 0},
      {"file_missing",
       {{kCom, "missing.zone", "", false}},
       kFile, E, "missing.zone", 0, "", 0, std::nullopt},
      {"file_include_missing",
       one_zone("$INCLUDE nothere.zone\n"),
       kFile, E, kComFile, 5, "", 0},
      {"zone_duplicate",
       {{kCom, "a.zone", std::string(kApex)}, {kCom, "b.zone", std::string(kApex)}},
       kZoneDuplicate, E, "b.zone", 0, kCom, 0},
      {"soa_missing",
       {{kCom, kComFile, "$TTL 3600\n@ NS ns1\nns1 A 192.0.2.53\n"}},
       kSoaMissing, E, kComFile, 0, kCom, rr::SOA},
      {"soa_multiple",
       one_zone("@ SOA ns1 hostmaster 2024010102 7200 3600 1209600 300\n"),
       kSoaMultiple, E, kComFile, 5, kCom, rr::SOA},
      {"soa_not_apex",
       one_zone("www SOA ns1 hostmaster 1 7200 3600 1209600 300\n"),
       kSoaNotApex, E, kComFile, 5, "www.example.com.", rr::SOA},
      {"ns_apex_missing",
       {{kCom, kComFile, "$TTL 3600\n@ SOA ns1 hostmaster 1 7200 3600 1209600 300\nns1 A 192.0.2.53\n"}},
       kNsApexMissing, E, kComFile, 0, kCom, rr::NS},
      {"cname_and_other",
       one_zone("www CNAME host\nwww A 192.0.2.1\nhost A 192.0.2.2\n"),
       kCnameAndOther, E, kComFile, 5, "www.example.com.", rr::CNAME},
      {"cname_multiple",
       one_zone("www CNAME host1\nwww CNAME host2\nhost1 A 192.0.2.1\nhost2 A 192.0.2.2\n"),
       kCnameMultiple, E, kComFile, 6, "www.example.com.", rr::CNAME},
      {"cname_apex",
       one_zone("@ CNAME www.example.net.\n"),
       kCnameApex, E, kComFile, 5, kCom, rr::CNAME, std::vector{kCnameAndOther}},
      {"dname_multiple",
       one_zone("old DNAME new1.example.net.\nold DNAME new2.example.net.\n"),
       kDnameMultiple, E, kComFile, 6, "old.example.com.", rr::DNAME},
      {"dname_and_cname",
       one_zone("old CNAME host\nold DNAME new.example.net.\nhost A 192.0.2.1\n"),
       kDnameAndCname, E, kComFile, 5, "old.example.com.", rr::CNAME},
      {"out_of_zone",
       one_zone("www A 192.0.2.1\nwww.example.net. A 192.0.2.2\n"),
       kOutOfZone, E, kComFile, 6, "www.example.net.", rr::A},
      {"class_chaos_in_in_zone",
       one_zone("www CH TXT \"hello\"\n"),
       kClass, E, kComFile, 5, "www.example.com.", rr::TXT},
      {"limit_include_depth",
       {{kCom, kComFile, with_apex("$INCLUDE loop.zone\n")}},
       kLimit, E, "loop.zone", 1, "", 0, std::vector<CheckId>{},
       {{"loop.zone", "$INCLUDE loop.zone\n"}}},
      // ---- warnings -------------------------------------------------------------
      {"cname_loop",
       one_zone("a CNAME b\nb CNAME a\n"),
       kCnameLoop, W, kComFile, 5, "a.example.com.", rr::CNAME},
      {"cname_loop_across_zones_first",
       {{kCom, kComFile, with_apex("a CNAME b.example.net.\n")},
        {"example.net.", "example.net.zone", with_apex("b CNAME a.example.com.\n")}},
       kCnameLoop, W, kComFile, 5, "a.example.com.", rr::CNAME},
      {"cname_loop_across_zones_second",
       {{kCom, kComFile, with_apex("a CNAME b.example.net.\n")},
        {"example.net.", "example.net.zone", with_apex("b CNAME a.example.com.\n")}},
       kCnameLoop, W, "example.net.zone", 5, "b.example.net.", rr::CNAME},
      {"chain_too_long",
       one_zone(long_chain(17)),
       kChainTooLong, W, kComFile, 5, "c0.example.com.", rr::CNAME},
      {"target_is_alias_mx",
       one_zone("@ MX 10 mail\nmail CNAME host\nhost A 192.0.2.1\n"),
       kTargetIsAlias, W, kComFile, 5, kCom, rr::MX},
      {"target_is_alias_ns",
       one_zone("@ NS alias\nalias CNAME ns1\n"),
       kTargetIsAlias, W, kComFile, 5, kCom, rr::NS, std::vector{kGlueMissing}},
      {"target_is_alias_srv",
       one_zone("_sip._tcp SRV 0 5 5060 alias\nalias CNAME host\nhost A 192.0.2.1\n"),
       kTargetIsAlias, W, kComFile, 5, "_sip._tcp.example.com.", rr::SRV},
      {"target_is_alias_mx_below_dname",
       one_zone("@ MX 10 mail.old\nold DNAME new.example.net.\n"),
       kTargetIsAlias, W, kComFile, 5, kCom, rr::MX},
      {"alias_target_ip",
       one_zone("www CNAME 192.0.2.7\n"),
       kAliasTargetIp, W, kComFile, 5, "www.example.com.", rr::CNAME},
      {"occluded_below_dname",
       one_zone("old DNAME new.example.net.\nx.old A 192.0.2.1\n"),
       kOccluded, W, kComFile, 6, "x.old.example.com.", rr::A},
      {"occluded_below_delegation",
       one_zone("sub NS ns.sub\nns.sub A 192.0.2.9\nwww.sub TXT \"not served\"\n"),
       kOccluded, W, kComFile, 7, "www.sub.example.com.", rr::TXT},
      {"glue_missing",
       one_zone("sub NS ns.sub\n"),
       kGlueMissing, W, kComFile, 5, "sub.example.com.", rr::NS},
      {"ttl_mismatch",
       one_zone("www 300 A 192.0.2.1\nwww 600 A 192.0.2.2\n"),
       kTtlMismatch, W, kComFile, 6, "www.example.com.", rr::A},
      {"duplicate_record",
       one_zone("www A 192.0.2.1\nwww A 192.0.2.1\n"),
       kDuplicateRecord, W, kComFile, 6, "www.example.com.", rr::A},
  };
  // clang-format on
}

class CheckTable : public ::testing::TestWithParam<CheckCase> {};

TEST_P(CheckTable, ReportsTheMistakeWhereItIs) {
  const CheckCase& c = GetParam();
  ZoneDir dir;
  for (const auto& [name, text] : c.extra_files) dir.write(name, text);
  const CompileResult r = compile_zones(dir, c.zones);
  SCOPED_TRACE("findings:\n" + describe(r.findings));

  EXPECT_EQ(check_severity(c.check), c.severity);
  const Finding* hit = nullptr;
  for (const Finding& f : r.findings.items) {
    if (f.check == c.check && f.file == dir.file(c.file) && f.line == c.line) hit = &f;
  }
  ASSERT_NE(hit, nullptr) << "no [" << check_id_text(c.check) << "] at " << c.file << ":" << c.line;
  EXPECT_EQ(hit->severity(), c.severity);
  EXPECT_EQ(hit->owner, c.owner);
  EXPECT_EQ(hit->type, c.type) << type_name(hit->type);
  EXPECT_FALSE(hit->message.empty());

  if (c.severity == Severity::kError) {
    EXPECT_EQ(r.snapshot, nullptr) << "a zone with an error must be refused";
    EXPECT_GE(r.findings.errors(), 1u);
  } else {
    EXPECT_NE(r.snapshot, nullptr) << "warnings alone must not refuse the zone";
    EXPECT_EQ(r.findings.errors(), 0u);
  }

  if (c.also) {
    std::set<std::string_view> expected{check_id_text(c.check)};
    for (CheckId id : *c.also) expected.insert(check_id_text(id));
    std::set<std::string_view> actual;
    for (const Finding& f : r.findings.items) actual.insert(check_id_text(f.check));
    EXPECT_EQ(actual, expected);
  }
}

std::string row_name(const ::testing::TestParamInfo<CheckCase>& row) {
  return row.param.name;
}

INSTANTIATE_TEST_SUITE_P(Zones, CheckTable, ::testing::ValuesIn(check_cases()), row_name);

// Every CheckId has a row above (a new check needs a row).
TEST(CheckTableCoverage, EveryCheckIdHasARow) {
  std::set<CheckId> covered;
  for (const CheckCase& c : check_cases()) covered.insert(c.check);
  for (auto id = static_cast<int>(CheckId::kSyntax);
       id <= static_cast<int>(CheckId::kDuplicateRecord); ++id) {
    EXPECT_TRUE(covered.contains(static_cast<CheckId>(id)))
        << check_id_text(static_cast<CheckId>(id)) << " has no row";
  }
}

}  // namespace
}  // namespace canon::zones
