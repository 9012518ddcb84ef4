// The denial-of-existence material (snapshot.hpp, "denial of existence";
// build_denial.cpp, denial.cpp): canonical order, the NSEC chain and
// nsec_for, the NSEC3 chain, nsec3_for and nsec3_hash (RFC 5155 Appendix
// A), NSEC3 owner names out of the trie (NXDOMAIN) but still transferred,
// and the checks nsec-chain-broken, nsec3-chain-broken, nsec3param-mismatch,
// nsec3-iterations and ds-not-at-cut. Signatures are hand-made: the compiler never verifies
// one.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tests/zones/zone_fixture.hpp"
#include "zones/base32hex.hpp"
#include "zones/canonical_order.hpp"
#include "zones/compiler.hpp"
#include "zones/dns_message.hpp"
#include "zones/rr_type.hpp"
#include "zones/transfer_out.hpp"

namespace canon::zones::testing {
namespace {

constexpr const char* kSig =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";
constexpr const char* kDnskey =
    "@ DNSKEY 257 3 13 "
    "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n";

std::string rrsig(const std::string& owner, const std::string& type, const std::string& labels,
                  const std::string& signer) {
  return owner + " RRSIG " + type + " 13 " + labels + " 3600 20601231000000 20240101000000 12345 " +
         signer + " " + kSig + "\n";
}

int canonical(std::string_view a, std::string_view b) {
  const std::string wa = wire_of(a), wb = wire_of(b);
  return compare_canonical(reinterpret_cast<const std::uint8_t*>(wa.data()),
                           reinterpret_cast<const std::uint8_t*>(wb.data()));
}

// ---- canonical order ------------------------------------------------------------

TEST(CanonicalOrder, Rfc4034Section61Example) {
  // RFC 4034 §6.1, in order.
  const std::vector<std::string> names = {
      "example.", "a.example.", "yljkjljk.a.example.", "Z.a.example.", "zABC.a.EXAMPLE.",
      "z.example.", "\\001.z.example.", "*.z.example.", "\\200.z.example."};
  for (std::size_t i = 0; i < names.size(); ++i) {
    EXPECT_EQ(canonical(names[i], names[i]), 0) << names[i];
    for (std::size_t j = i + 1; j < names.size(); ++j) {
      EXPECT_LT(canonical(names[i], names[j]), 0) << names[i] << " < " << names[j];
      EXPECT_GT(canonical(names[j], names[i]), 0) << names[j] << " > " << names[i];
    }
  }
}

TEST(CanonicalOrder, DiffersFromKeyByteOrder) {
  // Keys put the length byte first: key(b) < key(aa) byte-wise, but aa < b.
  EXPECT_LT(canonical("aa.example.", "b.example."), 0);
  const LookupKey aa = key_of("aa.example."), b = key_of("b.example.");
  EXPECT_GT(std::lexicographical_compare(b.bytes, b.bytes + b.length, aa.bytes, aa.bytes + aa.length), 0);
  // One label "a-b" against two labels a.b, and label order.
  EXPECT_LT(canonical("b.a.example.", "a-b.example."), 0);  // a < a-b decides
  EXPECT_LT(canonical("b.aa.example.", "aa.b.example."), 0);
  EXPECT_EQ(canonical("WWW.Example.", "www.example."), 0);
}

// ---- NSEC -----------------------------------------------------------------------

// An NSEC zone whose canonical order is not its key order (aa < b here,
// key(b) < key(aa)): example.com, aa, c.aa, b, ns1, sub (a delegation), zz.
// c.aa names its next owner in upper case.
std::string nsec_zone(const std::string& c_aa_next = "B") {
  std::string z = std::string(kApex) + kDnskey;
  z += "aa A 192.0.2.1\n"
       "c.aa A 192.0.2.2\n"
       "b A 192.0.2.3\n"
       "sub NS ns.elsewhere.net.\n"
       "zz A 192.0.2.4\n"
       "@ NSEC aa A NS SOA RRSIG NSEC DNSKEY\n"
       "aa NSEC c.aa A RRSIG NSEC\n"
       "c.aa NSEC " + c_aa_next + " A RRSIG NSEC\n"
       "b NSEC ns1 A RRSIG NSEC\n"
       "ns1 NSEC sub A RRSIG NSEC\n"
       "sub NSEC zz NS RRSIG NSEC\n"
       "zz NSEC example.com. A RRSIG NSEC\n";
  return z;
}

struct NsecCase {
  const char* query;
  const char* owner;  // expected owner, compared case-insensitively
  bool matches;
};

TEST(Nsec, TheChainIsTheZonesNsecNodesInCanonicalOrder) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", nsec_zone());
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_FALSE(r.findings.has(CheckId::kNsecChainBroken)) << describe(r.findings);
  const Snapshot& snap = *r.snapshot;
  const DnssecZone* d = snap.dnssec(snap.zone(0));
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->flags, kSigned | kNsec);
  EXPECT_EQ(d->denial_count, 7u);
}

TEST(Nsec, NsecForBeforeBetweenAtAndAfterTheOwners) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", nsec_zone());
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& snap = *r.snapshot;
  const NsecCase cases[] = {
      {"example.com.", "example.com.", true},
      {"EXAMPLE.com.", "example.com.", true},
      {"a.example.com.", "example.com.", false},    // before aa, the first after the apex
      {"0.example.com.", "example.com.", false},
      {"aa.example.com.", "aa.example.com.", true},
      {"AA.Example.COM.", "aa.example.com.", true},
      {"b.aa.example.com.", "aa.example.com.", false},  // below aa, before c.aa
      {"c.aa.example.com.", "c.aa.example.com.", true},
      {"d.aa.example.com.", "c.aa.example.com.", false},
      {"ab.example.com.", "c.aa.example.com.", false},  // aa's subtree < ab < b (key order: b < ab)
      {"b.example.com.", "b.example.com.", true},       // owner spelled "B" by c.aa's NSEC
      {"aa.b.example.com.", "b.example.com.", false},   // label order: not b.aa's place
      {"ba.example.com.", "b.example.com.", false},
      {"sub.example.com.", "sub.example.com.", true},
      {"x.sub.example.com.", "sub.example.com.", false},
      {"zz.example.com.", "zz.example.com.", true},
      {"zzz.example.com.", "zz.example.com.", false},   // after the last owner
      {"a.zz.example.com.", "zz.example.com.", false},
      {"\\200.example.com.", "zz.example.com.", false},
  };
  for (const NsecCase& c : cases) {
    const std::string q = wire_of(c.query);
    const Snapshot::NsecRecord rec =
        snap.nsec_for(snap.zone(0), reinterpret_cast<const std::uint8_t*>(q.data()), q.size());
    ASSERT_NE(rec.node, kNone) << c.query;
    ASSERT_NE(rec.owner, nullptr) << c.query;
    EXPECT_EQ(canonical(wire_to_text(rec.owner), c.owner), 0)
        << c.query << " → " << wire_to_text(rec.owner);
    EXPECT_EQ(rec.owner_length, wire_of(c.owner).size()) << c.query;
    EXPECT_EQ(rec.matches, c.matches) << c.query;
    const Node& node = snap.node(rec.node);
    EXPECT_NE(snap.rrset(node, rr::NSEC), nullptr) << c.query;
    if (std::string(c.owner) != "sub.example.com.") {
      EXPECT_EQ(rec.node, node_id(snap, c.owner)) << c.query;
    }
  }
  // The owner is the previous NSEC's next name as written: "B".
  const std::string b = wire_of("b.example.com.");
  const auto rec = snap.nsec_for(snap.zone(0), reinterpret_cast<const std::uint8_t*>(b.data()), b.size());
  EXPECT_EQ(wire_to_text(rec.owner), "B.example.com.");
}

TEST(Nsec, AZoneWithoutAChainGivesNoRecord) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex("www A 192.0.2.1\n"));
  ASSERT_NE(r.snapshot, nullptr);
  const std::string q = wire_of("www.example.com.");
  const auto* name = reinterpret_cast<const std::uint8_t*>(q.data());
  EXPECT_EQ(r.snapshot->nsec_for(r.snapshot->zone(0), name, q.size()).node, kNone);
  std::uint8_t hash[20] = {};
  EXPECT_EQ(r.snapshot->nsec3_for(r.snapshot->zone(0), hash).node, kNone);
}

TEST(DenialChecks, NsecChainBrokenNamesTheRecord) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", nsec_zone("zz"));  // skips b and sub
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const auto hits = findings_of(r, CheckId::kNsecChainBroken);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->owner, "c.aa.example.com.");
  EXPECT_EQ(hits[0]->type, rr::NSEC);
  EXPECT_NE(hits[0]->line, 0u);
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(hits[0]->message.find("zz.example.com."), std::string::npos) << hits[0]->message;
  EXPECT_NE(hits[0]->message.find("b.example.com."), std::string::npos) << hits[0]->message;

  // The last NSEC must point back at the apex.
  std::string open = nsec_zone();
  open.replace(open.find("zz NSEC example.com."), 20, "zz NSEC zzz");
  const CompileResult r2 = compile_zone(dir, "example.com.", open);
  const auto last = findings_of(r2, CheckId::kNsecChainBroken);
  ASSERT_EQ(last.size(), 1u) << describe(r2.findings);
  EXPECT_EQ(last[0]->owner, "zz.example.com.");
}

TEST(DenialChecks, NsecMissingAtANameWithRecords) {
  ZoneDir dir;
  // extra holds an A and no NSEC: the chain closes without it, so a denial
  // for extra would be served. Glue below the cut (not the zone's) and
  // the empty non-terminal above c.aa need none.
  const CompileResult r =
      compile_zone(dir, "example.com.", nsec_zone() + "extra A 192.0.2.5\nns.sub A 192.0.2.9\n");
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const auto hits = findings_of(r, CheckId::kNsecChainBroken);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->owner, "extra.example.com.");
  EXPECT_NE(hits[0]->line, 0u);
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(hits[0]->message.find("has no NSEC"), std::string::npos) << hits[0]->message;
}

// ---- NSEC3 ----------------------------------------------------------------------

// RFC 5155 Appendix A's parameters (SHA-1, 12 iterations, salt aabbccdd)
// over three of its names, hashes in chain order:
//   0p9mhaveqvm6t7vbl5lop2u3t2rp3tom  example
//   2t7b4g4vsa5smi47k61mv5bv1a22bojr  ns1.example
//   35mthgpgcu1qg68fab165klnsnk3dpvl  a.example
std::string nsec3_zone(const std::string& param = "1 0 12 aabbccdd",
                       const std::string& salt = "aabbccdd") {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1\n";
  z += kDnskey;
  z += "@ NSEC3PARAM " + param + "\n";
  z += "ns1 A 192.0.2.53\n"
       "a A 192.0.2.1\n";
  const std::string p = "NSEC3 1 1 12 " + salt + " ";
  z += "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom " + p + "2t7b4g4vsa5smi47k61mv5bv1a22bojr NS SOA RRSIG DNSKEY NSEC3PARAM\n";
  z += "2T7B4G4VSA5SMI47K61MV5BV1A22BOJR " + p + "35mthgpgcu1qg68fab165klnsnk3dpvl A RRSIG\n";  // any case
  z += "35mthgpgcu1qg68fab165klnsnk3dpvl " + p + "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom A RRSIG\n";
  z += rrsig("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom", "NSEC3", "2", "example.");
  z += rrsig("2t7b4g4vsa5smi47k61mv5bv1a22bojr", "NSEC3", "2", "example.");
  z += rrsig("35mthgpgcu1qg68fab165klnsnk3dpvl", "NSEC3", "2", "example.");
  return z;
}

std::string base32hex(const std::uint8_t* hash) { return nsec3_hash_text(hash); }

std::string hash_of(const Snapshot& snap, std::string_view name) {
  const std::string wire = wire_of(name);
  std::uint8_t out[20];
  snap.nsec3_hash(snap.zone(0), reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), out);
  return base32hex(out);
}

struct Nsec3Fixture {
  ZoneDir dir;
  CompileResult r;
  Nsec3Fixture() : r(compile_zone(dir, "example.", nsec3_zone())) {}
  [[nodiscard]] const Snapshot& snap() const { return *r.snapshot; }
};

TEST(Nsec3, HashesAreRfc5155AppendixAs) {
  Nsec3Fixture f;
  ASSERT_NE(f.r.snapshot, nullptr) << describe(f.r.findings);
  const DnssecZone* d = f.snap().dnssec(f.snap().zone(0));
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->flags, kSigned | kNsec3);
  EXPECT_EQ(d->nsec3_iterations, 12u);
  ASSERT_EQ(d->nsec3_salt_length, 4u);
  const std::uint8_t salt[] = {0xaa, 0xbb, 0xcc, 0xdd};
  EXPECT_EQ(std::memcmp(f.snap().name(d->nsec3_salt), salt, 4), 0);
  EXPECT_EQ(hash_of(f.snap(), "example."), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  EXPECT_EQ(hash_of(f.snap(), "a.example."), "35mthgpgcu1qg68fab165klnsnk3dpvl");
  EXPECT_EQ(hash_of(f.snap(), "ai.example."), "gjeqe526plbf1g8mklp59enfd789njgi");
  EXPECT_EQ(hash_of(f.snap(), "ns1.example."), "2t7b4g4vsa5smi47k61mv5bv1a22bojr");
  EXPECT_EQ(hash_of(f.snap(), "ns2.example."), "q04jkcevqvmu85r014c7dkba38o0ji5r");
  EXPECT_EQ(hash_of(f.snap(), "w.example."), "k8udemvp1j2f7eg6jebps17vp3n8i58h");
  EXPECT_EQ(hash_of(f.snap(), "*.w.example."), "r53bq7cc2uvmubfu5ocmm6pers9tk9en");
  EXPECT_EQ(hash_of(f.snap(), "x.w.example."), "b4um86eghhds6nea196smvmlo4ors995");
  EXPECT_EQ(hash_of(f.snap(), "y.w.example."), "ji6neoaepv8b5o6k4ev33abha8ht9fgc");
  EXPECT_EQ(hash_of(f.snap(), "x.y.w.example."), "2vptu5timamqttgl4luu9kg21e0aor3s");
  EXPECT_EQ(hash_of(f.snap(), "xx.example."), "t644ebqk9bibcna874givr6joj62mlhv");
  EXPECT_EQ(hash_of(f.snap(), "A.EXAMPLE."), "35mthgpgcu1qg68fab165klnsnk3dpvl");  // case folded
}

TEST(Nsec3, Nsec3ForExactBetweenBelowTheFirstAndAboveTheLast) {
  Nsec3Fixture f;
  ASSERT_NE(f.r.snapshot, nullptr) << describe(f.r.findings);
  const Snapshot& snap = f.snap();
  const DnssecZone* d = snap.dnssec(snap.zone(0));
  ASSERT_EQ(d->denial_count, 3u);
  auto hash = [&](std::string_view name) {
    const std::string wire = wire_of(name);
    std::array<std::uint8_t, 20> out{};
    snap.nsec3_hash(snap.zone(0), reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), out.data());
    return out;
  };
  auto owner = [&](const Snapshot::Nsec3Record& rec) { return base32hex(rec.hash); };

  // Exact: each chain member, and its node holds the NSEC3 and its RRSIG.
  for (const char* name : {"example.", "ns1.example.", "a.example."}) {
    const auto h = hash(name);
    const auto rec = snap.nsec3_for(snap.zone(0), h.data());
    ASSERT_NE(rec.node, kNone) << name;
    EXPECT_TRUE(rec.matches) << name;
    EXPECT_EQ(std::memcmp(rec.hash, h.data(), 20), 0) << name;
    const Node& node = snap.node(rec.node);
    const RRset* set = snap.rrset(node, rr::NSEC3);
    ASSERT_NE(set, nullptr) << name;
    EXPECT_NE(snap.signature(node, *set), nullptr) << name;
    EXPECT_EQ(node.zone, 0u);
    EXPECT_EQ(node.name_length, 1 + 32 + 9) << name;
  }
  // Between: xx.example (t644...) is above a.example's 35mt... and the last
  // of the chain; 1... sits between 0p9m and 2t7b.
  auto covering = [&](std::array<std::uint8_t, 20> h) { return snap.nsec3_for(snap.zone(0), h.data()); };
  auto between = hash("example.");
  between[19] += 1;
  EXPECT_EQ(owner(covering(between)), "0p9mhaveqvm6t7vbl5lop2u3t2rp3tom");
  EXPECT_FALSE(covering(between).matches);
  auto below_35 = hash("a.example.");
  below_35[19] -= 1;
  EXPECT_EQ(owner(covering(below_35)), "2t7b4g4vsa5smi47k61mv5bv1a22bojr");
  // Below the first: the last covers it (the ring wraps).
  std::array<std::uint8_t, 20> zero{};
  EXPECT_EQ(owner(covering(zero)), "35mthgpgcu1qg68fab165klnsnk3dpvl");
  EXPECT_FALSE(covering(zero).matches);
  // Above the last.
  EXPECT_EQ(owner(covering(hash("xx.example."))), "35mthgpgcu1qg68fab165klnsnk3dpvl");
  std::array<std::uint8_t, 20> ones;
  ones.fill(0xff);
  EXPECT_EQ(owner(covering(ones)), "35mthgpgcu1qg68fab165klnsnk3dpvl");
  EXPECT_FALSE(f.r.findings.has(CheckId::kNsec3ParamMismatch)) << describe(f.r.findings);
}

TEST(Nsec3, OwnerNodesAreCheckedForSignaturesLikeAnyName) {
  ZoneDir dir;
  auto unsigned_nsec3 = [](const CompileResult& r) {
    std::vector<std::string> owners;
    for (const Finding* f : findings_of(r, CheckId::kUnsigned)) {
      if (f->type == rr::NSEC3) owners.push_back(f->owner);
    }
    return owners;
  };
  EXPECT_TRUE(unsigned_nsec3(compile_zone(dir, "example.", nsec3_zone())).empty());
  std::string text = nsec3_zone();
  const std::string sig = rrsig("2t7b4g4vsa5smi47k61mv5bv1a22bojr", "NSEC3", "2", "example.");
  text.erase(text.find(sig), sig.size());
  const auto owners = unsigned_nsec3(compile_zone(dir, "example.", text));
  ASSERT_EQ(owners.size(), 1u);
  EXPECT_EQ(owners[0], "2t7b4g4vsa5smi47k61mv5bv1a22bojr.example.");
}

TEST(Nsec3, OwnerNamesAreNxdomainToLookups) {
  Nsec3Fixture f;
  ASSERT_NE(f.r.snapshot, nullptr) << describe(f.r.findings);
  const Snapshot& snap = f.snap();
  const std::vector<std::string> names = {"35mthgpgcu1qg68fab165klnsnk3dpvl.example.",
                                          "2T7B4G4VSA5SMI47K61MV5BV1A22BOJR.example.",
                                          "x.0p9mhaveqvm6t7vbl5lop2u3t2rp3tom.example.",
                                          "a.example."};
  std::vector<IndexedName> indexed(names.size());
  std::vector<const IndexedName*> pointers;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string wire = wire_of(names[i]);
    make_indexed_name(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), indexed[i]);
    pointers.push_back(&indexed[i]);
  }
  std::vector<TrieMatch> burst(names.size());
  snap.find_names_burst(pointers.data(), pointers.size(), burst.data());
  const std::uint32_t apex = snap.zone(0).apex;
  for (std::size_t i = 0; i < 3; ++i) {
    const TrieMatch one = snap.find(key_of(names[i]).view());
    EXPECT_EQ(one.exact, kNone) << names[i];
    EXPECT_EQ(one.encloser, apex) << names[i];  // the closest encloser: NXDOMAIN
    EXPECT_EQ(burst[i].exact, kNone) << names[i];
    EXPECT_EQ(burst[i].encloser, apex) << names[i];
    EXPECT_EQ(snap.find_exact(indexed[i]), kNone) << names[i];
  }
  EXPECT_NE(burst[3].exact, kNone);  // a real name still is
  std::size_t indexed_names = 0;
  snap.for_each_name([&](auto&&...) { ++indexed_names; });
  EXPECT_EQ(indexed_names, 3u);  // example, ns1, a
}

TEST(Nsec3, OwnerRecordsAreStillTransferred) {
  ZoneDir dir;
  const std::string path = dir.write("example.zone", nsec3_zone());
  const auto loaded = load_zone_file(ZoneSource{"example.", path});
  ASSERT_EQ(loaded->findings.errors(), 0u);
  const std::shared_ptr<const LoadedZone> zone = loaded;
  const CompileResult compiled = compile_loaded({&zone, 1});
  ASSERT_NE(compiled.snapshot, nullptr) << describe(compiled.findings);
  unsigned nsec3 = 0, nsec3_sigs = 0;
  const std::uint8_t question[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0, 0, 252, 0, 1};
  const bool done = write_axfr(*loaded, 1, question, [&](std::vector<std::uint8_t>& message) {
    MessageReader reader(message);
    MessageRr rr;
    while (reader.next(rr)) {
      if (rr.type == rr::NSEC3) ++nsec3;
      if (rr.type == rr::RRSIG && rr.rdata.size() >= 2 && ((rr.rdata[0] << 8) | rr.rdata[1]) == rr::NSEC3) {
        ++nsec3_sigs;
      }
    }
    EXPECT_FALSE(reader.failed()) << reader.error();
    return true;
  });
  EXPECT_TRUE(done);
  EXPECT_EQ(nsec3, 3u);
  EXPECT_EQ(nsec3_sigs, 3u);
}

TEST(Nsec3, AnNsec3ThatSharesItsNameWithOtherDataStaysInTheTrie) {
  ZoneDir dir;
  const CompileResult r = compile_zone(
      dir, "example.", nsec3_zone() + "35mthgpgcu1qg68fab165klnsnk3dpvl TXT \"not a hash owner\"\n");
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_NE(node_id(*r.snapshot, "35mthgpgcu1qg68fab165klnsnk3dpvl.example."), kNone);
  EXPECT_EQ(r.snapshot->dnssec(r.snapshot->zone(0))->denial_count, 3u);  // still in the chain
}

TEST(DenialChecks, Nsec3RingBrokenNamesTheRecord) {
  ZoneDir dir;
  EXPECT_FALSE(compile_zone(dir, "example.", nsec3_zone()).findings.has(CheckId::kNsec3ChainBroken));
  // The last NSEC3 must name the first hash (0p9m...), not 2t7b...
  std::string z = nsec3_zone();
  const std::string last = "35mthgpgcu1qg68fab165klnsnk3dpvl NSEC3 1 1 12 aabbccdd 0p9m";
  z.replace(z.find(last) + last.size() - 4, 4, "2t7b");
  const CompileResult r = compile_zone(dir, "example.", z);
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const auto hits = findings_of(r, CheckId::kNsec3ChainBroken);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->owner, "35mthgpgcu1qg68fab165klnsnk3dpvl.example.");
  EXPECT_EQ(hits[0]->type, rr::NSEC3);
  EXPECT_NE(hits[0]->line, 0u);
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(hits[0]->message.find("0p9mhaveqvm6t7vbl5lop2u3t2rp3tom"), std::string::npos) << hits[0]->message;
}

TEST(DenialChecks, Nsec3MissingForANameWithRecords) {
  ZoneDir dir;
  const std::string ds = " DS 12345 13 2 0000000000000000000000000000000000000000000000000000000000000000\n";
  // b has an A and no NSEC3; insecure (an opt-out may leave it out) has
  // no DS; secure has one and no NSEC3.
  const CompileResult r = compile_zone(
      dir, "example.",
      nsec3_zone() + "b A 192.0.2.2\ninsecure NS ns.elsewhere.net.\nsecure NS ns.elsewhere.net.\nsecure" + ds);
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  std::vector<std::string> owners;
  for (const Finding* f : findings_of(r, CheckId::kNsec3ChainBroken)) {
    owners.push_back(f->owner);
    EXPECT_NE(f->message.find("has no NSEC3"), std::string::npos) << f->message;
  }
  std::sort(owners.begin(), owners.end());
  EXPECT_EQ(owners, (std::vector<std::string>{"b.example.", "secure.example."})) << describe(r.findings);
}

TEST(DenialChecks, Nsec3ParamMismatch) {
  ZoneDir dir;
  const CompileResult good = compile_zone(dir, "example.", nsec3_zone());
  EXPECT_FALSE(good.findings.has(CheckId::kNsec3ParamMismatch)) << describe(good.findings);
  const CompileResult bad = compile_zone(dir, "example.", nsec3_zone("1 0 12 aabbccdd", "ddccbbaa"));
  ASSERT_NE(bad.snapshot, nullptr) << describe(bad.findings);
  const auto hits = findings_of(bad, CheckId::kNsec3ParamMismatch);
  ASSERT_EQ(hits.size(), 1u) << describe(bad.findings);
  EXPECT_EQ(hits[0]->owner, "example.");
  EXPECT_EQ(hits[0]->type, rr::NSEC3PARAM);
  EXPECT_EQ(hits[0]->line, 5u);
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(hits[0]->message.find("salt aabbccdd"), std::string::npos) << hits[0]->message;
  EXPECT_EQ(bad.snapshot->dnssec(bad.snapshot->zone(0))->denial_count, 0u);
}

TEST(DenialChecks, Nsec3IterationsOver150) {
  ZoneDir dir;
  const CompileResult at_limit = compile_zone(dir, "example.", nsec3_zone("1 0 150 aabbccdd"));
  EXPECT_FALSE(at_limit.findings.has(CheckId::kNsec3Iterations)) << describe(at_limit.findings);
  EXPECT_FALSE(compile_zone(dir, "example.", nsec3_zone()).findings.has(CheckId::kNsec3Iterations));
  const CompileResult over = compile_zone(dir, "example.", nsec3_zone("1 0 151 aabbccdd"));
  ASSERT_NE(over.snapshot, nullptr) << describe(over.findings);
  const auto hits = findings_of(over, CheckId::kNsec3Iterations);
  ASSERT_EQ(hits.size(), 1u) << describe(over.findings);
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);
  EXPECT_NE(hits[0]->message.find("151 iterations"), std::string::npos) << hits[0]->message;
  EXPECT_EQ(over.snapshot->dnssec(over.snapshot->zone(0))->nsec3_iterations, 151u);
}

TEST(DenialChecks, DsNotAtCut) {
  ZoneDir dir;
  const std::string ds = " DS 12345 13 2 0000000000000000000000000000000000000000000000000000000000000000\n";
  const CompileResult good = compile_zone(dir, "example.com.", with_apex("sub NS ns.sub\nns.sub A 192.0.2.9\nsub" + ds));
  EXPECT_FALSE(good.findings.has(CheckId::kDsNotAtCut)) << describe(good.findings);
  const CompileResult bad = compile_zone(dir, "example.com.", with_apex("www A 192.0.2.1\nwww" + ds + "@" + ds));
  ASSERT_NE(bad.snapshot, nullptr) << describe(bad.findings);
  const auto hits = findings_of(bad, CheckId::kDsNotAtCut);
  ASSERT_EQ(hits.size(), 2u) << describe(bad.findings);
  EXPECT_EQ(hits[0]->owner, "www.example.com.");
  EXPECT_EQ(hits[0]->line, 6u);
  EXPECT_EQ(hits[1]->owner, "example.com.");
  EXPECT_NE(hits[1]->message.find("apex"), std::string::npos) << hits[1]->message;
  EXPECT_EQ(hits[0]->severity(), Severity::kWarning);

  // A served child: the parent's DS at the child apex is the parent side.
  const CompileResult nested = compile_zones(
      dir, {ZoneText{"example.com.", "p.zone", with_apex("sub NS ns.sub\nns.sub A 192.0.2.9\nsub" + ds)},
            ZoneText{"sub.example.com.", "c.zone",
                     "$TTL 3600\n@ SOA ns hostmaster 1 7200 3600 1209600 300\n@ NS ns\nns A 192.0.2.9\n"}});
  EXPECT_FALSE(nested.findings.has(CheckId::kDsNotAtCut)) << describe(nested.findings);
}

}  // namespace
}  // namespace canon::zones::testing
