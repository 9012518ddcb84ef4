// The zone-file language the loader accepts: directives, relative names,
// $INCLUDE, RFC 3597 unknown types and owner case.
#include <gtest/gtest.h>

#include <string>
#include <vector>

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
using testing::key_of;
using testing::rdatas;
using testing::with_apex;
using testing::ZoneDir;

using Bytes = std::vector<std::uint8_t>;

// The RDATA of `name`'s RRset of `type`, one entry per RR; empty when absent.
std::vector<Bytes> rrs(const CompileResult& r, std::string_view name, std::uint16_t type) {
  if (!r.snapshot) return {};
  const Node* n = find_node(*r.snapshot, name);
  if (!n) return {};
  const RRset* set = r.snapshot->rrset(*n, type);
  return set ? rdatas(*r.snapshot, *set) : std::vector<Bytes>{};
}

const RRset* rrset_of(const CompileResult& r, std::string_view name, std::uint16_t type) {
  const Node* n = r.snapshot ? find_node(*r.snapshot, name) : nullptr;
  return n ? r.snapshot->rrset(*n, type) : nullptr;
}

TEST(Loader, OriginTtlRelativeNamesAndAt) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("@ TXT \"apex\"\n"
                                                 "www A 192.0.2.1\n"
                                                 "abs.example.com. A 192.0.2.2\n"
                                                 "$TTL 123\n"
                                                 "short A 192.0.2.3\n"
                                                 "$ORIGIN sub.example.com.\n"
                                                 "host A 192.0.2.4\n"
                                                 "@ TXT \"sub apex\"\n"
                                                 "     TXT \"same owner\"\n"
                                                 "explicit 77 A 192.0.2.5\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "www.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
  EXPECT_EQ(rrs(r, "abs.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 2}}));
  EXPECT_NE(rrset_of(r, "example.com.", rr::TXT), nullptr);
  EXPECT_EQ(rrset_of(r, "www.example.com.", rr::A)->ttl, 3600u);
  EXPECT_EQ(rrset_of(r, "short.example.com.", rr::A)->ttl, 123u);
  EXPECT_EQ(rrs(r, "host.sub.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 4}}));
  ASSERT_NE(rrset_of(r, "sub.example.com.", rr::TXT), nullptr);
  EXPECT_EQ(rrset_of(r, "sub.example.com.", rr::TXT)->count, 2u);
  EXPECT_EQ(rrset_of(r, "explicit.sub.example.com.", rr::A)->ttl, 77u);
  EXPECT_EQ(find_node(*r.snapshot, "host.example.com."), nullptr);
}

TEST(Loader, RelativeRdataNamesTakeTheOrigin) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex("www CNAME host\nhost A 192.0.2.1\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const std::string host = testing::wire_of("host.example.com.");
  EXPECT_EQ(rrs(r, "www.example.com.", rr::CNAME),
            (std::vector<Bytes>{Bytes(host.begin(), host.end())}));
}

TEST(Loader, RecordLinesCountFromTheFileStart) {
  // Blank lines, comments and a record spread over lines with ( ): the line of
  // a record is where it ends.
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("\n"                     // 5
                                                 "; a comment\n"          // 6
                                                 "txt TXT ( \"one\"\n"    // 7
                                                 "          \"two\" )\n"  // 8
                                                 "www A 192.0.2.1\n"      // 9
                                                 "www A 192.0.2.1\n"));   // 10
  const auto dups = findings_of(r, CheckId::kDuplicateRecord);
  ASSERT_EQ(dups.size(), 1u) << describe(r.findings);
  EXPECT_EQ(dups[0]->line, 10u);
  EXPECT_NE(dups[0]->message.find("line 9"), std::string::npos) << dups[0]->message;
}

TEST(Loader, OwnerCaseIsFoldedForLookup) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "Example.COM.", with_apex("WwW.ExAmPlE.cOm. A 192.0.2.1\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  for (const char* query : {"www.example.com.", "WWW.EXAMPLE.COM.", "wWw.Example.Com."}) {
    const LookupKey key = key_of(query);
    EXPECT_NE(r.snapshot->find(key.view()).exact, kNone) << query;
  }
}

TEST(Loader, UnknownTypeKeepsOpaqueRdata) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex("opaque TYPE65000 \\# 3 abcdef\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "opaque.example.com.", 65000), (std::vector<Bytes>{{0xab, 0xcd, 0xef}}));
  EXPECT_EQ(type_name(65000), "TYPE65000");
}

TEST(Loader, NewerTypesHaveTheirMnemonics) {
  // Messages name URI, SPF and ZONEMD, not TYPE256, TYPE99 and TYPE63.
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("@ ZONEMD 2024010101 1 1 " + std::string(96, 'a') +
                             "\n"
                             "_http._tcp URI 10 1 \"https://www.example.com/\"\n"
                             "mail SPF \"v=spf1 -all\"\n"
                             "mail CNAME www\n"));  // line 8: CNAME and other data
  const auto hits = findings_of(r, CheckId::kCnameAndOther);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_NE(hits[0]->message.find("SPF at line 7"), std::string::npos) << hits[0]->message;
  for (const auto& [number, name] :
       {std::pair<std::uint16_t, const char*>{63, "ZONEMD"}, {99, "SPF"}, {256, "URI"}}) {
    EXPECT_EQ(type_name(number), name);
    EXPECT_EQ(type_from_name(name), number);
  }
}

TEST(Loader, KnownTypeInGenericFormIsTheSameRecord) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex("g TYPE1 \\# 4 c0000201\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "g.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
}

TEST(Loader, SyntaxErrorDoesNotHideLaterErrors) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("a A 300.0.0.1\n"  // 5
                                                 "b A 192.0.2.1\n"
                                                 "c AAAA not-an-address\n"));  // 7
  const auto hits = findings_of(r, CheckId::kSyntax);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 5u);
  EXPECT_EQ(hits[1]->line, 7u);
  EXPECT_EQ(r.snapshot, nullptr);
}

TEST(Loader, UnknownSvcParamKeyIsNamed) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("ok SVCB 1 . alpn=h2 port=8443 key7=x\n"
                                                 "svc SVCB 1 . alpn=h2 foo=bar\n"  // 6
                                                 "web HTTPS 1 . ( ; parameters below\n"
                                                 "  ipv4hint=192.0.2.1\n"
                                                 "  Port=\"8443\" )\n"));  // 7-9
  // libzscanner reports the key inside parentheses at its own line (and
  // then, having skipped the rest of that line, an unclosed parenthesis).
  const auto hits = findings_of(r, CheckId::kSyntax);
  ASSERT_GE(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->file, dir.file("example.com.zone"));
  EXPECT_EQ(hits[0]->line, 6u);
  EXPECT_NE(hits[0]->message.find("unknown SvcParamKey \"foo\""), std::string::npos)
      << hits[0]->message;
  EXPECT_EQ(hits[1]->line, 9u);
  EXPECT_NE(hits[1]->message.find("unknown SvcParamKey \"Port\""), std::string::npos)
      << hits[1]->message;
}

// ---- $INCLUDE -----------------------------------------------------------------

TEST(Include, RelativePathIsResolvedAgainstTheIncludingFile) {
  ZoneDir dir;
  dir.write("zones/inc/hosts.zone", "www A 192.0.2.1\n");
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "zones/example.com.zone",
                           with_apex("$INCLUDE inc/hosts.zone\nafter A 192.0.2.2\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "www.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
  EXPECT_EQ(rrs(r, "after.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 2}}));
}

TEST(Include, OriginArgumentAppliesToTheIncludedFileOnly) {
  ZoneDir dir;
  dir.write("inc/rel.zone", "www A 192.0.2.1\n@ TXT \"rel\"\n");
  dir.write("inc/abs.zone", "www A 192.0.2.2\n");
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "example.com.zone",
                           with_apex("$INCLUDE inc/rel.zone sub\n"
                                     "$INCLUDE inc/abs.zone other.example.com.\n"
                                     "www A 192.0.2.3\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "www.sub.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
  EXPECT_NE(rrset_of(r, "sub.example.com.", rr::TXT), nullptr);
  EXPECT_EQ(rrs(r, "www.other.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 2}}));
  EXPECT_EQ(rrs(r, "www.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 3}}));
}

TEST(Include, OriginChangedInsideTheIncludedFileDoesNotLeak) {
  ZoneDir dir;
  dir.write("inc.zone", "$ORIGIN elsewhere.example.com.\nx A 192.0.2.1\n");
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "example.com.zone", with_apex("$INCLUDE inc.zone\ny A 192.0.2.2\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_FALSE(rrs(r, "x.elsewhere.example.com.", rr::A).empty());
  EXPECT_FALSE(rrs(r, "y.example.com.", rr::A).empty());
}

TEST(Include, FindingInsideAnIncludedFileNamesThatFileAndLine) {
  ZoneDir dir;
  const std::string included = dir.write("zones/inc/bad.zone",
                                         "ok A 192.0.2.1\n"
                                         "\n"
                                         "www CNAME host\n"      // 3
                                         "www A 192.0.2.1\n"     // 4
                                         "oops A 999.0.0.1\n");  // 5
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "zones/example.com.zone",
                           with_apex("$INCLUDE inc/bad.zone\nhost A 192.0.2.2\n")}});
  const auto other = findings_of(r, CheckId::kCnameAndOther);
  ASSERT_EQ(other.size(), 1u) << describe(r.findings);
  EXPECT_EQ(other[0]->file, included);
  EXPECT_EQ(other[0]->line, 3u);
  EXPECT_NE(other[0]->message.find("line 4"), std::string::npos) << other[0]->message;
  const auto syntax = findings_of(r, CheckId::kSyntax);
  ASSERT_EQ(syntax.size(), 1u) << describe(r.findings);
  EXPECT_EQ(syntax[0]->file, included);
  EXPECT_EQ(syntax[0]->line, 5u);
}

TEST(Include, LinesAfterAnIncludeKeepTheirNumbers) {
  ZoneDir dir;
  dir.write("inc.zone", "a A 192.0.2.1\nb A 192.0.2.2\nc A 192.0.2.3\n");
  const CompileResult r = compile_zones(dir, {{"example.com.", "example.com.zone",
                                               with_apex("$INCLUDE inc.zone\n"   // 5
                                                         "x A 192.0.2.9\n"       // 6
                                                         "x A 192.0.2.9\n")}});  // 7
  const auto dups = findings_of(r, CheckId::kDuplicateRecord);
  ASSERT_EQ(dups.size(), 1u) << describe(r.findings);
  EXPECT_EQ(dups[0]->file, dir.file("example.com.zone"));
  EXPECT_EQ(dups[0]->line, 7u);
}

TEST(Include, CommentAfterTheDirectiveIsIgnored) {
  // RFC 1035 §5.1: $INCLUDE <file-name> [<domain-name>] [<comment>]
  ZoneDir dir;
  dir.write("inc.zone", "www A 192.0.2.1\n");
  dir.write("sub.zone", "www A 192.0.2.2\n");
  const CompileResult r = compile_zones(dir, {{"example.com.", "example.com.zone",
                                               with_apex("$INCLUDE inc.zone ; the web hosts\n"
                                                         "$INCLUDE sub.zone sub ; below sub\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  EXPECT_EQ(rrs(r, "www.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
  EXPECT_EQ(rrs(r, "www.sub.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 2}}));
}

TEST(Include, NestedIncludesResolveAgainstTheirOwnFolder) {
  ZoneDir dir;
  dir.write("zones/a/one.zone", "one A 192.0.2.1\n$INCLUDE b/two.zone\n");
  dir.write("zones/a/b/two.zone", "two A 192.0.2.2\n$INCLUDE three.zone\n");
  dir.write("zones/a/b/three.zone", "three A 192.0.2.3\n");
  const std::string absolute = dir.write("elsewhere/abs.zone", "abs A 192.0.2.4\n");
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "zones/example.com.zone",
                           with_apex("$INCLUDE a/one.zone\n$INCLUDE " + absolute + "\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  for (const char* name :
       {"one.example.com.", "two.example.com.", "three.example.com.", "abs.example.com."}) {
    EXPECT_FALSE(rrs(r, name, rr::A).empty()) << name;
  }
}

TEST(Include, IncludeBaseReplacesTheIncludingFilesFolder) {
  // A layout written for BIND or NSD: relative to the working directory
  // (named's `directory`), here the ZoneDir; the zone file lives elsewhere.
  ZoneDir dir;
  dir.write("sub/x.inc", "www A 192.0.2.1\n$INCLUDE sub/y.inc\n");
  dir.write("sub/y.inc", "deeper A 192.0.2.2\n");
  const std::string zone = dir.write("zones/example.com.zone", with_apex("$INCLUDE sub/x.inc\n"));
  const CompileResult without = compile(std::vector<ZoneSource>{{"example.com.", zone}});
  ASSERT_EQ(findings_of(without, CheckId::kFile).size(), 1u) << describe(without.findings);
  EXPECT_NE(findings_of(without, CheckId::kFile)[0]->message.find(dir.file("zones/sub/x.inc")),
            std::string::npos);
  const CompileResult r =
      compile(std::vector<ZoneSource>{{"example.com.", zone, dir.path().string()}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_EQ(rrs(r, "www.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 1}}));
  EXPECT_EQ(rrs(r, "deeper.example.com.", rr::A), (std::vector<Bytes>{{192, 0, 2, 2}}));
}

TEST(Include, MissingFileInsideAnIncludedFileNamesThatFileAndLine) {
  ZoneDir dir;
  const std::string inner =
      dir.write("zones/inc/inner.zone", "x A 192.0.2.1\n$INCLUDE gone.zone\n");  // 2
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "zones/example.com.zone", with_apex("$INCLUDE inc/inner.zone\n")}});
  const auto hits = findings_of(r, CheckId::kFile);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->file, inner);
  EXPECT_EQ(hits[0]->line, 2u);
  EXPECT_NE(hits[0]->message.find(dir.file("zones/inc/gone.zone")), std::string::npos)
      << hits[0]->message;
  EXPECT_EQ(r.snapshot, nullptr);
}

TEST(Include, DirectivesAreCaseInsensitive) {
  ZoneDir dir;
  dir.write("inc.zone", "www A 192.0.2.1\n");
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "example.com.zone", with_apex("$include inc.zone\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_FALSE(rrs(r, "www.example.com.", rr::A).empty());
}

}  // namespace
}  // namespace canon::zones
