// The checks beyond "this mistake gives that finding": what must NOT be
// reported, how many findings one mistake gives, what the snapshot keeps,
// and how a finding is printed.
#include <gtest/gtest.h>

#include <string>

#include "tests/zones/zone_fixture.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {
namespace {

using testing::compile_zone;
using testing::compile_zones;
using testing::describe;
using testing::find_node;
using testing::findings_of;
using testing::kApex;
using testing::with_apex;
using testing::ZoneDir;

TEST(CleanZone, HasNoFindingsAndLoads) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       "$TTL 3600\n"
                                       "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
                                       "@ NS ns1\n"
                                       "@ NS ns2.example.net.\n"
                                       "ns1 A 192.0.2.53\n"
                                       "ns1 AAAA 2001:db8::53\n"
                                       "@ MX 10 mail\n"
                                       "mail A 192.0.2.25\n"
                                       "_sip._tcp SRV 0 5 5060 sip\n"
                                       "sip AAAA 2001:db8::5\n"
                                       "www A 192.0.2.80\n"
                                       "alias CNAME www\n"
                                       "deep CNAME alias ; chaining aliases is allowed\n"
                                       "ext CNAME www.example.net.\n"
                                       "old DNAME new.example.net.\n"
                                       "*.wild A 192.0.2.8\n"
                                       "sub NS ns.sub\n"
                                       "ns.sub A 192.0.2.54\n"
                                       "a.b TXT \"b is an empty non-terminal\"\n"
                                       "opaque TYPE65000 \\# 3 abcdef\n");
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  ASSERT_NE(r.snapshot, nullptr);
  EXPECT_EQ(r.stats.records, 19u);
}

TEST(CnameAndOther, DnssecRecordsBesideACnameAreAccepted) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("www CNAME host\n"
                             "www RRSIG CNAME 13 3 3600 20300101000000 20240101000000 12345 "
                             "example.com. dGVzdHNpZ25hdHVyZQ==\n"
                             "www NSEC host.example.com. CNAME RRSIG NSEC\n"
                             "host A 192.0.2.1\n"));
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  ASSERT_NE(r.snapshot, nullptr);
  const Node* www = find_node(*r.snapshot, "www.example.com.");
  ASSERT_NE(www, nullptr);
  EXPECT_TRUE(www->has(kCname));
  EXPECT_NE(r.snapshot->rrset(*www, rr::RRSIG), nullptr);
  EXPECT_NE(r.snapshot->rrset(*www, rr::NSEC), nullptr);
}

TEST(CnameMultiple, PointsAtTheLaterLineAndNamesTheFirst) {
  // The second CNAME in the file is the mistake, whatever its target sorts like.
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("www CNAME zzz\n"  // line 5
                                                 "www CNAME aaa\n"  // line 6
                                                 "zzz A 192.0.2.1\n"
                                                 "aaa A 192.0.2.2\n"));
  const auto hits = findings_of(r, CheckId::kCnameMultiple);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 6u) << hits[0]->to_string();
  EXPECT_NE(hits[0]->message.find("line 5"), std::string::npos) << hits[0]->to_string();
}

TEST(Occluded, GlueBelowADelegationIsNotReported) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("sub NS ns.sub\n"
                                                 "sub NS ns6.sub\n"
                                                 "ns.sub A 192.0.2.9\n"
                                                 "ns6.sub AAAA 2001:db8::9\n"
                                                 "deep.ns.sub A 192.0.2.10\n"));
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  ASSERT_NE(r.snapshot, nullptr);
  const Node* glue = find_node(*r.snapshot, "ns.sub.example.com.");
  ASSERT_NE(glue, nullptr);
  EXPECT_TRUE(glue->has(kOccluded));  // still below the cut: served only as glue
}

TEST(Occluded, EveryNonAddressRRsetBelowACutIsReportedOnce) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("sub NS ns.sub\n"
                                                 "ns.sub A 192.0.2.9\n"
                                                 "ns.sub TXT \"not glue\"\n"  // line 7
                                                 "mx.sub MX 10 ns.sub\n"))    // line 8
      ;
  const auto hits = findings_of(r, CheckId::kOccluded);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 7u);
  EXPECT_EQ(hits[0]->type, rr::TXT);
  EXPECT_EQ(hits[1]->line, 8u);
  EXPECT_EQ(hits[1]->type, rr::MX);
}

TEST(GlueMissing, NotReportedWhenTheGlueExists) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("sub NS ns.sub\n"
                             "ns.sub AAAA 2001:db8::9\n"
                             "other NS ns.example.net.\n"));  // out of bailiwick
  EXPECT_FALSE(r.findings.has(CheckId::kGlueMissing)) << describe(r.findings);
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
}

TEST(GlueMissing, ReportedForAnApexNameServerWithoutAddress) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       "$TTL 3600\n"
                                       "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                                       "@ NS ns1\n");
  const auto hits = findings_of(r, CheckId::kGlueMissing);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 3u);
  EXPECT_EQ(hits[0]->owner, "example.com.");
  EXPECT_NE(r.snapshot, nullptr);
}

TEST(TtlMismatch, TheSnapshotServesTheLowestTtlEitherWayRound) {
  for (const char* body : {"www 300 A 192.0.2.1\nwww 600 A 192.0.2.2\n",
                           "www 600 A 192.0.2.1\nwww 300 A 192.0.2.2\n"}) {
    SCOPED_TRACE(body);
    ZoneDir dir;
    const CompileResult r = compile_zone(dir, "example.com.", with_apex(body));
    EXPECT_EQ(findings_of(r, CheckId::kTtlMismatch).size(), 1u) << describe(r.findings);
    ASSERT_NE(r.snapshot, nullptr);
    const Node* www = find_node(*r.snapshot, "www.example.com.");
    ASSERT_NE(www, nullptr);
    const RRset* a = r.snapshot->rrset(*www, rr::A);
    ASSERT_NE(a, nullptr);
    EXPECT_EQ(a->ttl, 300u);
    EXPECT_EQ(a->count, 2u);
  }
}

TEST(DuplicateRecord, TheCopyIsDropped) {
  ZoneDir dir;
  const CompileResult r = compile_zone(
      dir, "example.com.", with_apex("www A 192.0.2.1\nwww A 192.0.2.1\nwww A 192.0.2.2\n"));
  ASSERT_EQ(findings_of(r, CheckId::kDuplicateRecord).size(), 1u) << describe(r.findings);
  ASSERT_NE(r.snapshot, nullptr);
  const RRset* a = r.snapshot->rrset(*find_node(*r.snapshot, "www.example.com."), rr::A);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->count, 2u);
}

// RFC 2181 §5, RFC 4034 §6.2: names in RDATA compare without regard to
// letter case, so these are one RR spelled twice; the first line is kept.
TEST(DuplicateRecord, NamesDifferingOnlyInLetterCaseAreOneRecord) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("mx MX 10 Some.Domain.\n"         // 5: kept
                                                 "mx MX 20 Target.example.net.\n"  // 6
                                                 "mx MX 10 some.domain.\n"));      // 7: dropped
  const auto dups = findings_of(r, CheckId::kDuplicateRecord);
  ASSERT_EQ(dups.size(), 1u) << describe(r.findings);
  EXPECT_EQ(dups[0]->line, 7u);
  EXPECT_NE(dups[0]->to_string().find("same record as line 5 but for the letter case"), std::string::npos)
      << dups[0]->to_string();
  ASSERT_NE(r.snapshot, nullptr);
  const RRset* mx = r.snapshot->rrset(*find_node(*r.snapshot, "mx.example.com."), rr::MX);
  ASSERT_NE(mx, nullptr);
  ASSERT_EQ(mx->count, 2u);
  const std::vector<std::uint8_t> first_line{0, 10, 4, 'S', 'o', 'm', 'e', 6, 'D', 'o', 'm', 'a', 'i', 'n', 0};
  EXPECT_EQ(testing::rdatas(*r.snapshot, *mx)[0], first_line) << "the first spelling is served";
}

TEST(DuplicateRecord, LetterCaseOfNamesIsIgnoredWhereverTheTypeHoldsThem) {
  for (const char* body : {"x CNAME Www\nx CNAME www\n",  // one CNAME, not two
                           "x SRV 0 5 80 Host\nx SRV 0 5 80 hOST\n",
                           "x NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.Host.\n"
                           "x NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.host.\n",
                           "x RP Admin.example.com. Info.example.com.\n"
                           "x RP admin.example.com. info.example.com.\n"}) {
    SCOPED_TRACE(body);
    ZoneDir dir;
    const CompileResult r = compile_zone(dir, "example.com.", with_apex(body));
    EXPECT_EQ(r.findings.errors(), 0u) << describe(r.findings);
    EXPECT_EQ(findings_of(r, CheckId::kDuplicateRecord).size(), 1u) << describe(r.findings);
  }
}

TEST(DuplicateRecord, LetterCaseOutsideNamesMakesDistinctRecords) {
  // TXT holds no name, and a NAPTR's FLAGS are a string: both compare exactly.
  for (const char* body : {"x TXT \"abc\"\nx TXT \"ABC\"\n",
                           "x NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" host.\n"
                           "x NAPTR 100 10 \"s\" \"SIP+D2U\" \"\" host.\n"}) {
    SCOPED_TRACE(body);
    ZoneDir dir;
    const CompileResult r = compile_zone(dir, "example.com.", with_apex(body));
    EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
    ASSERT_NE(r.snapshot, nullptr);
    const Node* x = find_node(*r.snapshot, "x.example.com.");
    ASSERT_NE(x, nullptr);
    ASSERT_EQ(x->rrset_count, 1u);
    EXPECT_EQ(r.snapshot->rrsets(*x)[0].count, 2u);
  }
}

std::string chain_of_links(unsigned links) {
  std::string body;
  for (unsigned i = 0; i < links; ++i) {
    body += "c" + std::to_string(i) + " CNAME c" + std::to_string(i + 1) + "\n";
  }
  return body + "c" + std::to_string(links) + " A 192.0.2.99\n";
}

TEST(ChainTooLong, SixteenLinksAreAllowed) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex(chain_of_links(kMaxChainLinks)));
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
}

TEST(ChainTooLong, SeventeenLinksAreReportedOnlyAtTheHead) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex(chain_of_links(kMaxChainLinks + 1)));
  const auto hits = findings_of(r, CheckId::kChainTooLong);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->owner, "c0.example.com.");
  ASSERT_NE(r.snapshot, nullptr);
  EXPECT_EQ(testing::chain_of(*r.snapshot, "c0.example.com.")->end, ChainEnd::kTooLong);
  EXPECT_EQ(testing::chain_of(*r.snapshot, "c1.example.com.")->end, ChainEnd::kNode);
}

TEST(CnameLoop, AcrossTwoZonesEachFileIsTold) {
  ZoneDir dir;
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "com.zone", with_apex("a CNAME b.example.net.\n")},
                          {"example.net.", "net.zone", with_apex("b CNAME a.example.com.\n")}});
  const auto hits = findings_of(r, CheckId::kCnameLoop);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->file, dir.file("com.zone"));
  EXPECT_EQ(hits[1]->file, dir.file("net.zone"));
  EXPECT_NE(r.snapshot, nullptr);
}

TEST(CnameLoop, EachZoneAloneHasNoLoop) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex("a CNAME b.example.net.\n"));
  EXPECT_FALSE(r.findings.has(CheckId::kCnameLoop)) << describe(r.findings);
}

TEST(TargetIsAlias, AliasInAnotherServedZoneIsFound) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "com.zone", with_apex("@ MX 10 mail.example.net.\n")},  // 5
            {"example.net.", "net.zone", with_apex("mail CNAME host\nhost A 192.0.2.1\n")}});
  const auto hits = findings_of(r, CheckId::kTargetIsAlias);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->file, dir.file("com.zone"));
  EXPECT_EQ(hits[0]->line, 5u);
}

TEST(TargetIsAlias, EachAliasTargetOfAnRRsetPointsAtItsOwnLine) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("@ MX 10 good\n"    // 5
                                                 "@ MX 20 alias1\n"  // 6
                                                 "@ MX 30 alias2\n"  // 7
                                                 "good A 192.0.2.1\n"
                                                 "alias1 CNAME good\n"
                                                 "alias2 CNAME good\n"));
  const auto hits = findings_of(r, CheckId::kTargetIsAlias);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 6u) << hits[0]->to_string();
  EXPECT_EQ(hits[1]->line, 7u) << hits[1]->to_string();
}

TEST(Refusal, AnErrorInOneZoneRefusesTheWholeSet) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "com.zone", with_apex("www A 192.0.2.1\n")},
            {"example.net.", "net.zone", with_apex("www CNAME a\nwww A 192.0.2.1\n")}});
  EXPECT_EQ(r.findings.errors(), 1u) << describe(r.findings);
  EXPECT_EQ(r.snapshot, nullptr);
}

TEST(FindingText, HasTheOperatorFormat) {
  const Finding full{CheckId::kCnameAndOther, "example.com.zone", 12,
                     "www.example.com.",      rr::CNAME,          "CNAME and other data"};
  EXPECT_EQ(
      full.to_string(),
      "example.com.zone:12: error: www.example.com. CNAME: CNAME and other data [cname-and-other]");
  const Finding file_level{CheckId::kFile, "gone.zone", 0, "", 0, "cannot read"};
  EXPECT_EQ(file_level.to_string(), "gone.zone: error: cannot read [file]");
  const Finding warning{CheckId::kOccluded, "z", 3, "x.example.com.", 65000, "hidden"};
  EXPECT_EQ(warning.to_string(), "z:3: warning: x.example.com. TYPE65000: hidden [occluded]");
}

TEST(FindingText, ChecksBeforeCnameLoopAreErrorsTheRestWarnings) {
  EXPECT_EQ(check_severity(CheckId::kLimit), Severity::kError);
  EXPECT_EQ(check_severity(CheckId::kClass), Severity::kError);
  EXPECT_EQ(check_severity(CheckId::kCnameLoop), Severity::kWarning);
  EXPECT_EQ(check_severity(CheckId::kDuplicateRecord), Severity::kWarning);
}

TEST(FindingOrder, SortedByFileThenLine) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("b CNAME a\n"  // 5: loop
                                                 "dup A 192.0.2.1\n"
                                                 "dup A 192.0.2.1\n"  // 7: duplicate
                                                 "a CNAME b\n"));     // 8: loop
  ASSERT_EQ(r.findings.items.size(), 3u) << describe(r.findings);
  EXPECT_EQ(r.findings.items[0].line, 5u);
  EXPECT_EQ(r.findings.items[1].line, 7u);
  EXPECT_EQ(r.findings.items[2].line, 8u);
}

}  // namespace
}  // namespace canon::zones
