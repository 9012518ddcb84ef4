// Zone limits (zones/limits.hpp): a zone over max-zone-records or an RRset
// over max-rrset-records (or too big for any DNS message) is refused with
// one finding at the file and line that crossed the limit, and no snapshot;
// and what the loader will open at all.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <string>

#include "tests/zones/zone_fixture.hpp"
#include "zones/limits.hpp"

namespace canon::zones {
namespace {

using testing::kApex;
using testing::kFirstBodyLine;
using testing::ZoneDir;

// The kLimit findings of `result`, as "FILE:LINE: message" with FILE the base name.
std::vector<std::string> limit_findings(const CompileResult& result) {
  std::vector<std::string> out;
  for (const Finding& f : result.findings.items) {
    if (f.check != CheckId::kLimit) continue;
    const std::string base = f.file.substr(f.file.rfind('/') + 1);
    out.push_back(base + ":" + std::to_string(f.line) + ": " + f.message);
  }
  return out;
}

CompileResult compile_with(const ZoneDir& dir, std::string_view text, const ZoneLimits& limits,
                           const std::string& file = "example.com.zone") {
  const std::vector<ZoneSource> sources{{"example.com.", dir.write(file, text)}};
  return compile(sources, {}, limits);
}

std::string numbered_hosts(int from, int to) {
  std::string body;
  for (int i = from; i <= to; ++i) body += "h" + std::to_string(i) + " A 192.0.2.1\n";
  return body;
}

TEST(ZoneLimits, ZoneAtItsRecordLimitLoads) {
  ZoneDir dir;
  // 3 apex records (SOA, NS, ns1's A) and 7 hosts: exactly 10.
  const CompileResult r = compile_with(dir, std::string(kApex) + numbered_hosts(1, 7), {.max_records = 10});
  EXPECT_TRUE(r.snapshot) << r.findings.items.front().to_string();
  EXPECT_EQ(r.stats.records, 10u);
}

TEST(ZoneLimits, ZoneOverItsRecordLimitIsRefusedAtTheRecordThatCrossedIt) {
  ZoneDir dir;
  const CompileResult r = compile_with(dir, std::string(kApex) + numbered_hosts(1, 100), {.max_records = 10});
  EXPECT_FALSE(r.snapshot);
  const std::vector<std::string> expected{
      "example.com.zone:" + std::to_string(kFirstBodyLine + 7) +  // the 11th record: h8
      ": zone example.com. has more than 10 records (max-zone-records); the rest of the file is not read"};
  EXPECT_EQ(limit_findings(r), expected);
  EXPECT_EQ(r.stats.records, 10u) << "reading stops at the limit";
}

TEST(ZoneLimits, GenerateCountsTowardTheLimitAndNamesItsLine) {
  ZoneDir dir;
  const CompileResult r =
      compile_with(dir, std::string(kApex) + "$GENERATE 1-1000 host$ A 192.0.2.1\n", {.max_records = 50});
  EXPECT_FALSE(r.snapshot);
  ASSERT_EQ(limit_findings(r).size(), 1u);
  EXPECT_EQ(limit_findings(r)[0].substr(0, 19), "example.com.zone:5:");
  EXPECT_LE(r.stats.records, 50u);
}

TEST(ZoneLimits, IncludedFilesShareTheZonesLimitAndReportOnce) {
  ZoneDir dir;
  dir.write("hosts.inc", numbered_hosts(1, 8));
  const CompileResult r = compile_with(
      dir, std::string(kApex) + "$INCLUDE hosts.inc\n" + numbered_hosts(9, 20), {.max_records = 10});
  EXPECT_FALSE(r.snapshot);
  const std::vector<std::string> expected{
      "hosts.inc:8: zone example.com. has more than 10 records (max-zone-records); the rest of the file is not read"};
  EXPECT_EQ(limit_findings(r), expected);
}

TEST(ZoneLimits, RRsetOverItsLimitIsRefusedAtItsFirstLine) {
  ZoneDir dir;
  std::string body;
  for (int i = 1; i <= 7; ++i) body += "www A 192.0.2." + std::to_string(10 - i) + "\n";
  body += "www A 192.0.2.9\n";  // a duplicate is not counted
  const CompileResult r = compile_with(dir, std::string(kApex) + body, {.max_rrset_records = 5});
  EXPECT_FALSE(r.snapshot);
  const std::vector<std::string> expected{"example.com.zone:" + std::to_string(kFirstBodyLine) +
                                          ": RRset has 7 records, more than the 5 allowed (max-rrset-records)"};
  EXPECT_EQ(limit_findings(r), expected);
}

TEST(ZoneLimits, RRsetAtItsLimitLoads) {
  ZoneDir dir;
  std::string body;
  for (int i = 1; i <= 5; ++i) body += "www A 192.0.2." + std::to_string(i) + "\n";
  const CompileResult r = compile_with(dir, std::string(kApex) + body, {.max_rrset_records = 5});
  EXPECT_TRUE(r.snapshot);
  EXPECT_TRUE(limit_findings(r).empty());
}

TEST(ZoneLimits, RRsetNoMessageCanCarryIsRefusedUnderDefaultLimits) {
  ZoneDir dir;
  // 300 TXT records of 250 octets: 300 × (12 + 251) = 78,900 bytes in answer form.
  std::string body;
  const std::string text(246, 'x');
  for (int i = 0; i < 300; ++i) body += "big TXT \"" + std::to_string(1000 + i) + text + "\"\n";
  const CompileResult r = compile_with(dir, std::string(kApex) + body, {});
  EXPECT_FALSE(r.snapshot);
  const std::vector<std::string> expected{
      "example.com.zone:" + std::to_string(kFirstBodyLine) + ": RRset of 300 records is 78900 bytes in answer form; "
      "no DNS message can carry it (at most " + std::to_string(kMaxRrsetWireBytes) +
      " beside the header and question)"};
  EXPECT_EQ(limit_findings(r), expected);
}

TEST(ZoneLimits, TheLargestRRsetThatFitsLoads) {
  ZoneDir dir;
  // 245 TXT records of 255 octets: 245 × 268 = 65,660 > limit; 243 × 268 = 65,124 fits.
  std::string body;
  const std::string text(251, 'y');
  for (int i = 0; i < 243; ++i) body += "big TXT \"" + std::to_string(1000 + i) + text + "\"\n";
  const CompileResult r = compile_with(dir, std::string(kApex) + body, {});
  EXPECT_TRUE(r.snapshot) << (limit_findings(r).empty() ? "" : limit_findings(r)[0]);
}

// Only regular files are read: the whole file is read before scanning, so
// /dev/zero would never end and a FIFO would block the control thread.
TEST(ZoneFiles, ADeviceIsRefusedAsNotARegularFile) {
  const std::vector<ZoneSource> sources{{"example.com.", "/dev/zero"}};
  const CompileResult r = compile(sources);
  EXPECT_FALSE(r.snapshot);
  ASSERT_FALSE(r.findings.items.empty());
  EXPECT_EQ(r.findings.items.front().to_string(),
            "/dev/zero: error: cannot read zone file '/dev/zero': not a regular file [file]");
}

TEST(ZoneFiles, AFifoIsRefusedWithoutBlocking) {
  ZoneDir dir;
  const std::string fifo = dir.file("example.com.zone");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::vector<ZoneSource> sources{{"example.com.", fifo}};
  const CompileResult r = compile(sources);  // no writer ever comes: open() would block
  EXPECT_FALSE(r.snapshot);
  ASSERT_EQ(testing::findings_of(r, CheckId::kFile).size(), 1u);
  EXPECT_NE(testing::findings_of(r, CheckId::kFile)[0]->message.find("not a regular file"), std::string::npos);
}

TEST(ZoneFiles, AnIncludedDeviceIsRefusedAtTheIncludeLine) {
  ZoneDir dir;
  const CompileResult r = compile_with(dir, std::string(kApex) + "$INCLUDE /dev/zero\n", {});
  EXPECT_FALSE(r.snapshot);
  ASSERT_EQ(testing::findings_of(r, CheckId::kFile).size(), 1u);
  const Finding& f = *testing::findings_of(r, CheckId::kFile)[0];
  EXPECT_EQ(f.line, kFirstBodyLine);
  EXPECT_NE(f.message.find("not a regular file"), std::string::npos);
}

}  // namespace
}  // namespace canon::zones
