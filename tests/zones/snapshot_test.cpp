// The compiled snapshot through its read API: node flags, RRsets in wire
// form, lookups, the zone table and nested served zones.
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
using testing::key_of;
using testing::node_id;
using testing::rdatas;
using testing::with_apex;
using testing::ZoneDir;

using Bytes = std::vector<std::uint8_t>;

Bytes wire_bytes(std::string_view name) {
  const std::string wire = testing::wire_of(name);
  return Bytes(wire.begin(), wire.end());
}

class FlagsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    result_ = compile_zone(dir_, "example.com.",
                           with_apex(testing::kEveryKindOfNode));
    ASSERT_NE(result_.snapshot, nullptr) << describe(result_.findings);
    snap_ = result_.snapshot.get();
  }
  const Node& node(std::string_view name) {
    const Node* n = find_node(*snap_, name);
    if (n == nullptr) throw std::runtime_error("no node " + std::string(name));
    return *n;
  }
  std::vector<std::uint16_t> types(std::string_view name) {
    std::vector<std::uint16_t> out;
    for (const RRset& set : snap_->rrsets(node(name))) out.push_back(set.type);
    return out;
  }

  ZoneDir dir_;
  CompileResult result_;
  const Snapshot* snap_ = nullptr;
};

TEST_F(FlagsTest, ApexHoldsSoaAndNs) {
  const Node& apex = node("example.com.");
  EXPECT_TRUE(apex.has(kApex));
  EXPECT_FALSE(apex.has(kDelegation));  // NS at the apex is not a cut
  EXPECT_EQ(types("example.com."), (std::vector<std::uint16_t>{rr::NS, rr::SOA}));
  EXPECT_EQ(apex.zone, 0u);
  EXPECT_EQ(apex.name_length, wire_bytes("example.com.").size());
  EXPECT_FALSE(node("www.example.com.").has(kApex));
}

TEST_F(FlagsTest, CnameAndDname) {
  const Node& alias = node("alias.example.com.");
  EXPECT_TRUE(alias.has(kCname));
  EXPECT_FALSE(alias.has(kDname));
  ASSERT_NE(alias.extra, kNone);
  EXPECT_NE(snap_->extra(alias).chain, kNone);
  const Node& old = node("old.example.com.");
  EXPECT_TRUE(old.has(kDname));
  EXPECT_FALSE(old.has(kCname));
  EXPECT_FALSE(node("www.example.com.").has(kCname));
}

TEST_F(FlagsTest, DelegationOccludesWhatIsBelowIt) {
  const std::uint32_t cut = node_id(*snap_, "sub.example.com.");
  EXPECT_TRUE(snap_->node(cut).has(kDelegation));
  for (const char* below :
       {"ns.sub.example.com.", "deep.in.sub.example.com.", "in.sub.example.com."}) {
    SCOPED_TRACE(below);
    const Node& n = node(below);
    EXPECT_TRUE(n.has(kOccluded));
    ASSERT_NE(n.extra, kNone);
    EXPECT_EQ(snap_->extra(n).cut, cut);
  }
  EXPECT_FALSE(node("www.example.com.").has(kOccluded));
}

TEST_F(FlagsTest, WildcardAndItsParent) {
  const std::uint32_t star = node_id(*snap_, "*.wild.example.com.");
  ASSERT_NE(star, kNone);
  EXPECT_TRUE(snap_->node(star).has(kWildcard));
  const Node& wild = node("wild.example.com.");
  EXPECT_TRUE(wild.has(kWildcardChild));
  ASSERT_NE(wild.extra, kNone);
  EXPECT_EQ(snap_->extra(wild).wildcard, star);
  EXPECT_FALSE(node("example.com.").has(kWildcardChild));
}

TEST_F(FlagsTest, EmptyNonTerminal) {
  const Node& b = node("b.example.com.");
  EXPECT_TRUE(b.has(kEmptyNonTerminal));
  EXPECT_EQ(b.rrset_count, 0u);
  EXPECT_FALSE(node("a.b.example.com.").has(kEmptyNonTerminal));
  EXPECT_FALSE(node("www.example.com.").has(kEmptyNonTerminal));
}

TEST_F(FlagsTest, RRsetsAreWireForm) {
  const Node& www = node("www.example.com.");
  EXPECT_EQ(types("www.example.com."), (std::vector<std::uint16_t>{rr::A, rr::AAAA}));
  const RRset* a = snap_->rrset(www, rr::A);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->count, 1u);
  EXPECT_EQ(a->ttl, 3600u);
  EXPECT_EQ(rdatas(*snap_, *a), (std::vector<Bytes>{{192, 0, 2, 1}}));
  const RRset* aaaa = snap_->rrset(www, rr::AAAA);
  ASSERT_NE(aaaa, nullptr);
  EXPECT_EQ(rdatas(*snap_, *aaaa),
            (std::vector<Bytes>{{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}}));
  EXPECT_EQ(snap_->rrset(www, rr::MX), nullptr);
  const RRset* cname = snap_->rrset(node("alias.example.com."), rr::CNAME);
  ASSERT_NE(cname, nullptr);
  EXPECT_EQ(rdatas(*snap_, *cname), (std::vector<Bytes>{wire_bytes("www.example.com.")}));
}

TEST_F(FlagsTest, FindExactAndClosestEncloser) {
  const LookupKey www = key_of("www.example.com.");
  const TrieMatch exact = snap_->find(www.view());
  EXPECT_EQ(exact.exact, node_id(*snap_, "www.example.com."));
  EXPECT_EQ(exact.encloser, exact.exact);
  EXPECT_EQ(exact.encloser_key_length, www.length);

  const TrieMatch below = snap_->find(key_of("x.y.WWW.example.com.").view());
  EXPECT_EQ(below.exact, kNone);
  EXPECT_EQ(below.encloser, node_id(*snap_, "www.example.com."));
  EXPECT_EQ(below.encloser_key_length, www.length);

  const TrieMatch missing = snap_->find(key_of("nothere.example.com.").view());
  EXPECT_EQ(missing.exact, kNone);
  EXPECT_EQ(missing.encloser, node_id(*snap_, "example.com."));

  for (const char* outside : {"com.", "example.net.", "www.example.org.", "."}) {
    const TrieMatch m = snap_->find(key_of(outside).view());
    EXPECT_EQ(m.exact, kNone) << outside;
    EXPECT_EQ(m.encloser, kNone) << outside;
  }
}

TEST_F(FlagsTest, FindBurstAgreesWithFind) {
  std::vector<LookupKey> keys;
  for (const char* q :
       {"www.example.com.", "a.b.example.com.", "b.example.com.", "x.ns.sub.example.com.",
        "nope.example.com.", "example.net.", "foo.wild.example.com.", "example.com."}) {
    keys.push_back(key_of(q));
  }
  std::vector<std::span<const std::uint8_t>> views;
  for (const LookupKey& k : keys) views.push_back(k.view());
  std::vector<TrieMatch> out(views.size());
  snap_->find_burst(views.data(), views.size(), out.data());
  for (std::size_t i = 0; i < views.size(); ++i) {
    const TrieMatch one = snap_->find(views[i]);
    EXPECT_EQ(out[i].exact, one.exact) << i;
    EXPECT_EQ(out[i].encloser, one.encloser) << i;
    EXPECT_EQ(out[i].encloser_key_length, one.encloser_key_length) << i;
  }
}

TEST_F(FlagsTest, Counts) {
  EXPECT_EQ(snap_->record_count(), 12u);
  EXPECT_EQ(result_.stats.records, 12u);
  // apex, ns1, www, alias, old, sub, ns.sub, in.sub, deep.in.sub, wild, *.wild, b, a.b
  EXPECT_EQ(snap_->node_count(), 13u);
  EXPECT_EQ(snap_->chain_count(), 1u);
  EXPECT_GT(snap_->bytes(), 0u);
}

// ---- zone table -------------------------------------------------------------------

TEST(ZoneTable, SerialAndNegativeTtlEitherWayRound) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir,
      {{"example.com.", "com.zone",
        "@ 3600 SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"},
       {"example.net.", "net.zone",
        "@ 60 SOA ns1 hostmaster 4000000000 7200 3600 1209600 900\n@ NS ns1\nns1 A 192.0.2.2\n"}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  ASSERT_EQ(s.zones().size(), 2u);
  EXPECT_EQ(s.zone(0).serial, 2024010101u);
  EXPECT_EQ(s.zone(0).negative_ttl, 300u);  // SOA MINIMUM is lower
  EXPECT_EQ(s.zone(1).serial, 4000000000u);
  EXPECT_EQ(s.zone(1).negative_ttl, 60u);  // SOA TTL is lower
  for (std::uint32_t z = 0; z < 2; ++z) {
    const Zone& zone = s.zone(z);
    const std::string origin = z == 0 ? "example.com." : "example.net.";
    EXPECT_EQ(zone.apex, node_id(s, origin));
    EXPECT_EQ(testing::name_text(s, zone.origin), origin);
    EXPECT_EQ(zone.origin_length, wire_bytes(origin).size());
    EXPECT_EQ(s.rrset_at(zone.soa_rrset).type, rr::SOA);
    EXPECT_EQ(s.node(zone.apex).zone, z);
    EXPECT_EQ(s.zone_infos()[z].origin, origin);
    EXPECT_EQ(s.zone_infos()[z].file, dir.file(z == 0 ? "com.zone" : "net.zone"));
    EXPECT_EQ(s.zone_infos()[z].records, 3u);
  }
}

// ---- nested served zones ------------------------------------------------------------

constexpr const char* kParent =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "www A 192.0.2.1\n"
    "sub 86400 NS ns.sub.example.com.\n";
constexpr const char* kChild =
    "$TTL 3600\n"
    "@ SOA ns hostmaster 7 7200 3600 1209600 300\n"
    "@ NS ns\n"
    "ns A 192.0.2.60\n"
    "www A 192.0.2.61\n";

void expect_nested(const CompileResult& r, std::uint32_t parent, std::uint32_t child) {
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  EXPECT_EQ(find_node(s, "www.example.com.")->zone, parent);
  EXPECT_EQ(find_node(s, "www.sub.example.com.")->zone, child);
  EXPECT_EQ(find_node(s, "ns.sub.example.com.")->zone, child);
  EXPECT_FALSE(find_node(s, "www.sub.example.com.")->has(kOccluded));

  const std::uint32_t apex_id = node_id(s, "sub.example.com.");
  const Node& apex = s.node(apex_id);
  EXPECT_EQ(apex.zone, child);
  EXPECT_TRUE(apex.has(kApex));
  EXPECT_FALSE(apex.has(kDelegation));
  EXPECT_EQ(s.zone(child).apex, apex_id);
  // The child's own apex data: its SOA and NS (TTL 3600).
  ASSERT_NE(s.rrset(apex, rr::SOA), nullptr);
  ASSERT_NE(s.rrset(apex, rr::NS), nullptr);
  EXPECT_EQ(s.rrset(apex, rr::NS)->ttl, 3600u);
  // The parent's delegation NS (TTL 86400) is kept aside.
  ASSERT_TRUE(apex.has(kChildApexData));
  ASSERT_NE(apex.extra, kNone);
  const std::uint32_t side_id = s.extra(apex).parent_side;
  ASSERT_NE(side_id, kNone);
  ASSERT_NE(side_id, apex_id);
  const Node& side = s.node(side_id);
  EXPECT_EQ(side.zone, parent);
  const RRset* ns = s.rrset(side, rr::NS);
  ASSERT_NE(ns, nullptr);
  EXPECT_EQ(ns->ttl, 86400u);
  EXPECT_EQ(rdatas(s, *ns), (std::vector<Bytes>{wire_bytes("ns.sub.example.com.")}));
  EXPECT_EQ(s.rrset(side, rr::SOA), nullptr);
}

TEST(NestedZones, NamesBelowTheChildBelongToIt) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "parent.zone", kParent}, {"sub.example.com.", "child.zone", kChild}});
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  expect_nested(r, 0, 1);
}

TEST(NestedZones, ZoneOrderOnTheCommandLineDoesNotMatter) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"sub.example.com.", "child.zone", kChild}, {"example.com.", "parent.zone", kParent}});
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  expect_nested(r, 1, 0);
}

TEST(NestedZones, ParentDataBelowTheChildApexIsNotServed) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir,
      {{"example.com.", "parent.zone", std::string(kParent) + "www.sub A 192.0.2.99\n"},  // line 7
       {"sub.example.com.", "child.zone", kChild}});
  const auto hits = testing::findings_of(r, CheckId::kOccluded);
  ASSERT_EQ(hits.size(), 1u) << describe(r.findings);
  EXPECT_EQ(hits[0]->file, dir.file("parent.zone"));
  EXPECT_EQ(hits[0]->line, 7u);
  ASSERT_NE(r.snapshot, nullptr);
  const Node* www = find_node(*r.snapshot, "www.sub.example.com.");
  ASSERT_NE(www, nullptr);
  EXPECT_EQ(rdatas(*r.snapshot, *r.snapshot->rrset(*www, rr::A)),
            (std::vector<Bytes>{{192, 0, 2, 61}}));
}

TEST(NestedZones, StaleParentDataDoesNotMakeANameExistInTheChild) {
  // The parent still lists a host the child zone no longer has: the child is
  // authoritative, so the name does not exist (NXDOMAIN), not "exists, no data".
  ZoneDir dir;
  const CompileResult r =
      compile_zones(dir, {{"example.com.", "parent.zone",
                           std::string(kParent) + "gone.sub A 192.0.2.98\nx CNAME gone.sub\n"},
                          {"sub.example.com.", "child.zone", kChild}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  const TrieMatch m = s.find(key_of("gone.sub.example.com.").view());
  EXPECT_EQ(m.exact, kNone) << "flags " << (m.exact == kNone ? 0 : s.node(m.exact).flags);
  EXPECT_EQ(m.encloser, node_id(s, "sub.example.com."));
  const Chain* c = testing::chain_of(s, "x.example.com.");
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->end, ChainEnd::kNxdomain);
  EXPECT_EQ(c->end_node, node_id(s, "sub.example.com."));
}

TEST(NestedZones, ParentGlueForAServedChildIsNotReported) {
  // A delegating parent must carry glue for in-bailiwick name servers; glue
  // below a delegation is not "occluded data", whether or not the child is served here.
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "parent.zone", std::string(kParent) + "ns.sub A 192.0.2.60\n"},
            {"sub.example.com.", "child.zone", kChild}});
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  expect_nested(r, 0, 1);
}

TEST(RootZone, ServesEverythingBelowTheRoot) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, ".",
                   "$TTL 86400\n"
                   "@ SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n"
                   "@ NS a.root-servers.net.\n"
                   "com. NS a.gtld-servers.net.\n"
                   "a.root-servers.net. A 198.41.0.4\n"
                   "a.gtld-servers.net. A 192.5.6.30\n");
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  ASSERT_NE(r.snapshot, nullptr);
  const Snapshot& s = *r.snapshot;
  const std::uint32_t root = node_id(s, ".");
  ASSERT_NE(root, kNone);
  EXPECT_TRUE(s.node(root).has(kApex));
  EXPECT_EQ(s.zone(0).apex, root);
  EXPECT_TRUE(find_node(s, "com.")->has(kDelegation));
  const TrieMatch m = s.find(key_of("www.example.org.").view());
  EXPECT_EQ(m.exact, kNone);
  EXPECT_EQ(m.encloser, root);
  EXPECT_EQ(m.encloser_key_length, 0u);
  EXPECT_TRUE(find_node(s, "net.")->has(kEmptyNonTerminal));
}

}  // namespace
}  // namespace canon::zones
