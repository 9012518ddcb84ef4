// The classic alias mistakes, written the way the CNAME/MX/DNAME source
// documents of the issue show them, each caught at its line.
#include <gtest/gtest.h>

#include "tests/zones/zone_fixture.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {
namespace {

using testing::compile_zone;
using testing::describe;
using testing::findings_of;
using testing::with_apex;
using testing::ZoneDir;

// The one finding of `id`; fails the test if there is not exactly one.
const Finding& only(const CompileResult& r, CheckId id) {
  const auto hits = findings_of(r, id);
  if (hits.size() != 1) {
    ADD_FAILURE() << "expected one [" << check_id_text(id) << "], got " << hits.size() << "\n"
                  << describe(r.findings);
    static const Finding none{};
    return hits.empty() ? none : *hits[0];
  }
  return *hits[0];
}

TEST(ClassicMistakes, CnameLoop) {
  // "It is possible, then, to create unresolvable loops with CNAME records"
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("foo.example.com. CNAME bar.example.com.\n"     // 5
                             "bar.example.com. CNAME foo.example.com.\n"));  // 6
  const auto hits = findings_of(r, CheckId::kCnameLoop);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->line, 5u);
  EXPECT_EQ(hits[0]->owner, "foo.example.com.");
  EXPECT_EQ(hits[1]->line, 6u);
  EXPECT_EQ(hits[1]->owner, "bar.example.com.");
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(r.snapshot, nullptr);
}

TEST(ClassicMistakes, MxPointingAtAnAlias) {
  // "a zone must not contain constructs such as:"
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("example.com. MX 0 foo.example.com.\n"  // 5
                                                 "foo.example.com. CNAME host.example.com.\n"
                                                 "host.example.com. A 192.0.2.1\n"));
  const Finding& f = only(r, CheckId::kTargetIsAlias);
  EXPECT_EQ(f.line, 5u);
  EXPECT_EQ(f.owner, "example.com.");
  EXPECT_EQ(f.type, rr::MX);
  EXPECT_NE(f.message.find("foo.example.com."), std::string::npos) << f.message;
  EXPECT_EQ(r.findings.items.size(), 1u) << describe(r.findings);
  EXPECT_NE(r.snapshot, nullptr);
}

TEST(ClassicMistakes, CnameAtTheApex) {
  // "A CNAME record cannot be present at the zone apex."
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex("example.com. CNAME www.example.net.\n"));  // 5
  const Finding& f = only(r, CheckId::kCnameApex);
  EXPECT_EQ(f.line, 5u);
  EXPECT_EQ(f.owner, "example.com.");
  EXPECT_EQ(f.type, rr::CNAME);
  EXPECT_EQ(f.severity(), Severity::kError);
  EXPECT_EQ(r.snapshot, nullptr);
}

TEST(ClassicMistakes, CnameAndOtherData) {
  // "If a CNAME record is present at a node, no other data should be present"
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("bar.example.com. CNAME foo.example.com.\n"  // 5
                                                 "bar.example.com. MX 10 foo.example.com.\n"  // 6
                                                 "foo.example.com. A 192.0.2.23\n"));
  const Finding& f = only(r, CheckId::kCnameAndOther);
  EXPECT_EQ(f.line, 5u);
  EXPECT_EQ(f.owner, "bar.example.com.");
  EXPECT_NE(f.message.find("MX at line 6"), std::string::npos) << f.message;
  EXPECT_EQ(r.snapshot, nullptr);
}

TEST(ClassicMistakes, CnameToAnIpAddress) {
  // "CNAME records must always be pointed to another domain name, never to an IP address."
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex("www CNAME 192.0.2.7\n"));  // 5
  const Finding& f = only(r, CheckId::kAliasTargetIp);
  EXPECT_EQ(f.line, 5u);
  EXPECT_EQ(f.owner, "www.example.com.");
  EXPECT_EQ(f.type, rr::CNAME);
  EXPECT_NE(f.message.find("192.0.2.7.example.com."), std::string::npos) << f.message;
  EXPECT_EQ(f.severity(), Severity::kWarning);
}

TEST(ClassicMistakes, AbsoluteIpTargetToo) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("abs CNAME 192.0.2.7.\n"           // 5
                             "host CNAME 192.example.com.\n"    // a name, fine
                             "four CNAME 1.2.3.example.com.\n"  // three labels, fine
                             "big CNAME 256.0.2.7\n"));         // 8: not an address
  const Finding& f = only(r, CheckId::kAliasTargetIp);
  EXPECT_EQ(f.line, 5u);
  EXPECT_EQ(f.owner, "abs.example.com.");
}

TEST(ClassicMistakes, Ipv6TargetIsRefusedAtItsLine) {
  // Colons cannot appear in a master-file name, so this never loads.
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.", with_apex("v6 CNAME 2001:db8::1\n"));  // 5
  ASSERT_FALSE(r.findings.items.empty());
  EXPECT_EQ(r.findings.items[0].line, 5u) << describe(r.findings);
  EXPECT_EQ(r.snapshot, nullptr);
}

}  // namespace
}  // namespace canon::zones
