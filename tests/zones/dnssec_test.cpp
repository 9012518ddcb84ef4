// The DNSSEC material in the compiled unit (snapshot.hpp): RRSIGs kept as one
// RRset per type covered, each with its own TTL, right after the set it
// signs; the zone's DNSSEC flags; and the DNSSEC checks (check_dnssec.cpp):
// signatures expired or expiring, RRsets unsigned in a signed zone.
#include <gtest/gtest.h>

#include <string>

#include "tests/zones/zone_fixture.hpp"

namespace canon::zones::testing {
namespace {

// A fake signature: the compiler never verifies one.
constexpr const char* kSig =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

// An RRSIG line for `owner`, covering `type`, with `ttl` and an expiration
// in YYYYMMDDHHmmSS (inception 2024-01-01).
std::string rrsig(const std::string& owner, const std::string& ttl, const std::string& type,
                  const std::string& labels, const std::string& expiration = "20601231000000",
                  const std::string& key_tag = "12345") {
  return owner + " " + ttl + " RRSIG " + type + " 13 " + labels + " " + ttl + " " + expiration +
         " 20240101000000 " + key_tag + " example.com. " + kSig + "\n";
}

// A zone signed the way dnssec-signzone leaves it (abridged): every
// authoritative set with its RRSIG, which keeps the set's TTL.
std::string signed_zone() {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
      "@ NS ns1\n"
      "@ DNSKEY 257 3 13 "
      "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
      "ns1 A 192.0.2.53\n"
      "www 300 A 192.0.2.1\n"
      "www 600 MX 10 mail\n"
      "www 60 TXT \"hello\"\n"
      "mail A 192.0.2.25\n"
      "sub NS ns.sub\n"
      "ns.sub A 192.0.2.9\n";
  z += rrsig("@", "3600", "SOA", "2") + rrsig("@", "3600", "NS", "2") +
       rrsig("@", "3600", "DNSKEY", "2");
  z += rrsig("@", "3600", "DNSKEY", "2", "20601231000000", "54321");  // a second key's
  z += rrsig("ns1", "3600", "A", "3") + rrsig("mail", "3600", "A", "3");
  // Out of type order on purpose: the compiler places each after its set.
  z += rrsig("www", "60", "TXT", "3") + rrsig("www", "300", "A", "3") +
       rrsig("www", "600", "MX", "3");
  return z;
}

CompileResult compile_at(const ZoneDir& dir, const std::string& text, std::int64_t now,
                         std::uint32_t warn_days = 7) {
  ZoneLimits limits;
  limits.check_time = now;
  limits.signature_warn_days = warn_days;
  const std::vector<ZoneSource> sources{{"example.com.", dir.write("example.com.zone", text)}};
  return compile(sources, {}, limits);
}

constexpr std::int64_t k2024 = 1'704'067'200;  // 2024-01-01 00:00:00 UTC

TEST(DnssecCompile, RrsigsAreOneSetPerTypeCoveredRightAfterTheSetTheySign) {
  ZoneDir dir;
  const CompileResult r = compile_at(dir, signed_zone(), k2024);
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& snap = *r.snapshot;
  const Node* www = find_node(snap, "www.example.com.");
  ASSERT_NE(www, nullptr);
  const auto sets = snap.rrsets(*www);
  ASSERT_EQ(sets.size(), 6u);
  const std::uint16_t types[] = {rr::A, rr::RRSIG, rr::MX, rr::RRSIG, rr::TXT, rr::RRSIG};
  const std::uint32_t ttls[] = {300, 300, 600, 600, 60, 60};
  for (std::size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(sets[i].type, types[i]) << i;
    EXPECT_EQ(sets[i].ttl, ttls[i]) << i;
    EXPECT_EQ(sets[i].count, 1u) << i;
  }
  for (std::size_t i = 0; i < 6; i += 2) {
    const RRset* sig = snap.signature(*www, sets[i]);
    ASSERT_EQ(sig, &sets[i + 1]) << i;
    EXPECT_EQ(snap.covered(*sig), sets[i].type);
    EXPECT_EQ(snap.signature(*www, *sig), nullptr);
  }
  // The apex: two DNSKEY signatures in one set.
  const Node* apex = find_node(snap, "example.com.");
  const RRset* dnskey = snap.rrset(*apex, rr::DNSKEY);
  ASSERT_NE(dnskey, nullptr);
  const RRset* sig = snap.signature(*apex, *dnskey);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->count, 2u);
  // The zone knows it is signed.
  const DnssecZone* dnssec = snap.dnssec(snap.zone(0));
  ASSERT_NE(dnssec, nullptr);
  EXPECT_TRUE(dnssec->flags & kSigned);
}

TEST(DnssecCompile, NoTtlMismatchAcrossTypesCovered) {
  ZoneDir dir;
  const CompileResult r = compile_at(dir, signed_zone(), k2024);
  EXPECT_FALSE(r.findings.has(CheckId::kTtlMismatch)) << describe(r.findings);
  EXPECT_EQ(r.findings.items.size(), 0u) << describe(r.findings);
}

TEST(DnssecCompile, TtlMismatchStillWithinOneTypeCovered) {
  ZoneDir dir;
  const std::string text =
      signed_zone() + rrsig("www", "120", "TXT", "3", "20601231000000", "54321");
  const CompileResult r = compile_at(dir, text, k2024);
  ASSERT_EQ(findings_of(r, CheckId::kTtlMismatch).size(), 1u) << describe(r.findings);
  const Node* www = find_node(*r.snapshot, "www.example.com.");
  const RRset* txt = r.snapshot->rrset(*www, rr::TXT);
  const RRset* sig = r.snapshot->signature(*www, *txt);
  ASSERT_NE(sig, nullptr);
  EXPECT_EQ(sig->count, 2u);
  EXPECT_EQ(sig->ttl, 60u);
}

TEST(DnssecCompile, ARrsigWithoutItsSetComesLastAndSignsNothing) {
  ZoneDir dir;
  const std::string text = signed_zone() + rrsig("www", "300", "AAAA", "3");
  const CompileResult r = compile_at(dir, text, k2024);
  ASSERT_NE(r.snapshot, nullptr);
  const Node* www = find_node(*r.snapshot, "www.example.com.");
  const auto sets = r.snapshot->rrsets(*www);
  ASSERT_EQ(sets.size(), 7u);
  EXPECT_EQ(sets[6].type, rr::RRSIG);
  EXPECT_EQ(r.snapshot->covered(sets[6]), rr::AAAA);
  EXPECT_EQ(r.snapshot->signature(*www, sets[4]), &sets[5]);  // TXT keeps its own
}

TEST(DnssecCompile, AnUnsignedZoneIsLaidOutAsBefore) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex(kEveryKindOfNode));
  ASSERT_NE(r.snapshot, nullptr);
  EXPECT_EQ(r.snapshot->dnssec(r.snapshot->zone(0)), nullptr);
  const Node* www = find_node(*r.snapshot, "www.example.com.");
  ASSERT_EQ(www->rrset_count, 2u);
  EXPECT_EQ(r.snapshot->signature(*www, r.snapshot->rrsets(*www)[0]), nullptr);
  EXPECT_FALSE(r.findings.has(CheckId::kUnsigned));
}

TEST(DnssecChecks, ExpiredAndExpiringSignaturesAreNamedWithTheirDate) {
  ZoneDir dir;
  std::string text = signed_zone();
  text += "old 300 A 192.0.2.2\n" + rrsig("old", "300", "A", "3", "20231215000000", "111");
  text += "soon 300 A 192.0.2.3\n" + rrsig("soon", "300", "A", "3", "20240105120000", "222");
  text += "later 300 A 192.0.2.4\n" + rrsig("later", "300", "A", "3", "20240201000000", "333");
  const CompileResult r = compile_at(dir, text, k2024);
  const auto expired = findings_of(r, CheckId::kSignatureExpired);
  ASSERT_EQ(expired.size(), 1u) << describe(r.findings);
  EXPECT_EQ(expired[0]->owner, "old.example.com.");
  EXPECT_EQ(expired[0]->type, rr::RRSIG);
  EXPECT_NE(expired[0]->line, 0u);
  EXPECT_NE(
      expired[0]->message.find("RRSIG covering A (key tag 111) expired on 2023-12-15 00:00:00 UTC"),
      std::string::npos)
      << expired[0]->message;
  const auto expiring = findings_of(r, CheckId::kSignatureExpiring);
  ASSERT_EQ(expiring.size(), 1u) << describe(r.findings);
  EXPECT_EQ(expiring[0]->owner, "soon.example.com.");
  EXPECT_NE(expiring[0]->message.find("expires on 2024-01-05 12:00:00 UTC, in 4 days"),
            std::string::npos)
      << expiring[0]->message;
  EXPECT_EQ(expired[0]->severity(), Severity::kWarning);
  EXPECT_NE(r.snapshot, nullptr);  // warnings: the zone is served

  // signature-warn-days 60 reaches "later" too; 0 only the expired one.
  EXPECT_EQ(findings_of(compile_at(dir, text, k2024, 60), CheckId::kSignatureExpiring).size(), 2u);
  EXPECT_EQ(findings_of(compile_at(dir, text, k2024, 0), CheckId::kSignatureExpiring).size(), 0u);
  EXPECT_EQ(findings_of(compile_at(dir, text, k2024, 0), CheckId::kSignatureExpired).size(), 1u);
}

TEST(DnssecChecks, UnsignedSetsInASignedZoneButNotGlueOrTheNsAtACut) {
  ZoneDir dir;
  std::string text = signed_zone();
  text += "bare 300 A 192.0.2.5\n";  // no RRSIG
  text += "sub DS 12345 13 2 0000000000000000000000000000000000000000000000000000000000000000\n";
  const CompileResult r = compile_at(dir, text, k2024);
  const auto hits = findings_of(r, CheckId::kUnsigned);
  ASSERT_EQ(hits.size(), 2u) << describe(r.findings);
  EXPECT_EQ(hits[0]->owner, "bare.example.com.");
  EXPECT_EQ(hits[0]->type, rr::A);
  EXPECT_EQ(hits[1]->owner, "sub.example.com.");
  EXPECT_EQ(hits[1]->type, rr::DS);

  // Signed, the DS is quiet; sub's NS and ns.sub's glue never were reported.
  const CompileResult fixed = compile_at(
      dir, text + rrsig("sub", "3600", "DS", "3") + rrsig("bare", "300", "A", "3"), k2024);
  EXPECT_FALSE(fixed.findings.has(CheckId::kUnsigned)) << describe(fixed.findings);
}

TEST(DnssecChecks, ManyFindingsAreCappedPerZone) {
  ZoneDir dir;
  std::string text = signed_zone();
  for (int i = 0; i < 30; ++i) text += "h" + std::to_string(i) + " A 192.0.2.1\n";
  const CompileResult r = compile_at(dir, text, k2024);
  const auto hits = findings_of(r, CheckId::kUnsigned);
  ASSERT_EQ(hits.size(), 21u) << describe(r.findings);
  bool summary = false;
  for (const Finding* f : hits) summary |= f->message == "10 more unsigned RRsets not listed";
  EXPECT_TRUE(summary) << describe(r.findings);
}

}  // namespace
}  // namespace canon::zones::testing
