// Additional-section material: the A/AAAA holders that MX, SRV and NS
// targets name, linked at compile time when they lie in the same zone.
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
using testing::node_id;
using testing::with_apex;
using testing::ZoneDir;

// The RDATA of RR number `index` of a set.
std::span<const std::uint8_t> rr_data(const Snapshot& s, const RRset& set, std::uint16_t index) {
  auto it = s.rdata(set);
  for (std::uint16_t i = 0; i < index && it; ++i) ++it;
  return it ? it.data() : std::span<const std::uint8_t>{};
}

const RRset& set_of(const Snapshot& s, std::string_view owner, std::uint16_t type) {
  const Node* n = find_node(s, owner);
  if (n == nullptr || s.rrset(*n, type) == nullptr) {
    throw std::runtime_error("no " + type_name(type) + " at " + std::string(owner));
  }
  return *s.rrset(*n, type);
}

// Checks one Additional entry: it names `target`'s node, and RR `rr` of the
// set holds `target` at `name_offset`.
void expect_entry(const Snapshot& s, const RRset& set, const Additional& entry,
                  std::string_view target, std::uint16_t rr, std::uint16_t name_offset) {
  EXPECT_EQ(entry.node, node_id(s, target)) << target;
  EXPECT_EQ(entry.rr, rr) << target;
  EXPECT_EQ(entry.name_offset, name_offset) << target;
  const auto data = rr_data(s, set, entry.rr);
  ASSERT_GT(data.size(), entry.name_offset);
  EXPECT_EQ(wire_to_text(data.data() + entry.name_offset), target);
}

TEST(Additional, MxSrvAndNsTargetsInTheZone) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("@ MX 10 mx.example.org.\n"  // RR 0: no zone served
                             "@ MX 20 mail\n"             // RR 1
                             "mail A 192.0.2.25\n"
                             "mail AAAA 2001:db8::25\n"
                             "_sip._tcp SRV 0 5 5060 sip\n"
                             "sip AAAA 2001:db8::5\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;

  const RRset& mx = set_of(s, "example.com.", rr::MX);
  ASSERT_EQ(s.additional(mx).size(), 1u);
  expect_entry(s, mx, s.additional(mx)[0], "mail.example.com.", 1, 2);

  const RRset& srv = set_of(s, "_sip._tcp.example.com.", rr::SRV);
  ASSERT_EQ(s.additional(srv).size(), 1u);
  expect_entry(s, srv, s.additional(srv)[0], "sip.example.com.", 0, 6);

  const RRset& ns = set_of(s, "example.com.", rr::NS);
  ASSERT_EQ(s.additional(ns).size(), 1u);
  expect_entry(s, ns, s.additional(ns)[0], "ns1.example.com.", 0, 0);

  // Sets without targets have none.
  EXPECT_TRUE(s.additional(set_of(s, "mail.example.com.", rr::A)).empty());
}

TEST(Additional, EveryTargetOfASetIsLinked) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("@ MX 10 a\n@ MX 20 b\n@ MX 30 c\n"
                             "a A 192.0.2.1\nc A 192.0.2.3\nb TXT \"no address\"\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  const RRset& mx = set_of(s, "example.com.", rr::MX);
  const auto entries = s.additional(mx);
  ASSERT_EQ(entries.size(), 2u);
  expect_entry(s, mx, entries[0], "a.example.com.", 0, 2);
  expect_entry(s, mx, entries[1], "c.example.com.", 2, 2);
}

TEST(Additional, TargetsInAnotherZoneAreNotLinked) {
  ZoneDir dir;
  const CompileResult r = compile_zones(
      dir, {{"example.com.", "com.zone",
             with_apex("@ MX 10 mail.example.net.\n_s._tcp SRV 0 0 1 srv.example.net.\n")},
            {"example.net.", "net.zone", with_apex("mail A 192.0.2.1\nsrv A 192.0.2.2\n")}});
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  EXPECT_TRUE(s.additional(set_of(s, "example.com.", rr::MX)).empty());
  EXPECT_TRUE(s.additional(set_of(s, "_s._tcp.example.com.", rr::SRV)).empty());
  // The other zone's own apex NS still gets its additional data.
  EXPECT_EQ(s.additional(set_of(s, "example.net.", rr::NS)).size(), 1u);
}

TEST(Additional, DelegationNsGetsGlueButMxDoesNotReachBelowTheCut) {
  ZoneDir dir;
  const CompileResult r = compile_zone(
      dir, "example.com.", with_apex("sub NS ns.sub\nns.sub A 192.0.2.9\n@ MX 10 ns.sub\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  const RRset& ns = set_of(s, "sub.example.com.", rr::NS);
  ASSERT_EQ(s.additional(ns).size(), 1u);
  expect_entry(s, ns, s.additional(ns)[0], "ns.sub.example.com.", 0, 0);
  EXPECT_TRUE(s.additional(set_of(s, "example.com.", rr::MX)).empty());
}

TEST(Additional, SrvWithRootTargetHasNone) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex("_x._tcp SRV 0 0 0 .\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_TRUE(r.snapshot->additional(set_of(*r.snapshot, "_x._tcp.example.com.", rr::SRV)).empty());
}

// RFC 9460 §4.1: SVCB/HTTPS targets are linked like MX targets, with the
// flags the answerer needs; an AliasMode "." has none, and a target that is
// a CNAME draws no target-is-alias warning (that rule is RFC 2181's for MX,
// SRV and NS).
TEST(Additional, SvcbAndHttpsTargets) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("svc HTTPS 1 web\n"
                                                 "svc HTTPS 2 .\n"
                                                 "svc A 192.0.2.10\n"
                                                 "web A 192.0.2.80\n"
                                                 "alias HTTPS 0 svc\n"
                                                 "none HTTPS 0 .\n"
                                                 "viacname SVCB 1 cn\n"
                                                 "cn CNAME web\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  EXPECT_TRUE(r.findings.items.empty()) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  const RRset& svc = set_of(s, "svc.example.com.", rr::HTTPS);
  ASSERT_EQ(s.additional(svc).size(), 2u);
  expect_entry(s, svc, s.additional(svc)[0], "web.example.com.", 0, 2);
  EXPECT_EQ(s.additional(svc)[0].flags, 0u);
  EXPECT_EQ(s.additional(svc)[1].node, node_id(s, "svc.example.com."));
  EXPECT_EQ(s.additional(svc)[1].flags, kTargetIsOwner);
  const RRset& alias = set_of(s, "alias.example.com.", rr::HTTPS);
  ASSERT_EQ(s.additional(alias).size(), 1u);
  expect_entry(s, alias, s.additional(alias)[0], "svc.example.com.", 0, 2);
  EXPECT_EQ(s.additional(alias)[0].flags, kTargetSet);
  EXPECT_TRUE(s.additional(set_of(s, "none.example.com.", rr::HTTPS)).empty());
  EXPECT_TRUE(s.additional(set_of(s, "viacname.example.com.", rr::SVCB)).empty());
}

}  // namespace
}  // namespace canon::zones
