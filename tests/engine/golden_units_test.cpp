// Golden answers where the answer crosses zones, each row asked twice
// (check_golden): with the zones compiled as one unit, and with each zone
// compiled alone as canond serves them, the chain going on in the next
// zone's unit through the zone table (zones/zone_table.hpp). Both must read
// as the row says: a loop across zones stops where a loop inside one does,
// DS at a child's apex comes from the parent's side, a chain into a served
// child below the parent's cut is answered by the child.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

const ZoneText kParent{"example.com.", R"(
sub      NS    ns.sub
ns.sub   A     192.0.2.54
sub      DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
alias    CNAME www.sub
gone     CNAME nothing.sub
old      DNAME new.example.net.
loop     CNAME back.example.net.
)"};

const ZoneText kChild{"sub.example.com.", R"(
www      A     192.0.2.7
)"};

const ZoneText kNet{"example.net.", R"(
www.new  A     203.0.113.5
back     CNAME hop
hop      CNAME loop.example.com.
)"};

// a1.example.com → b1.example.net → a2.example.com → ... : 20 links, two zones.
std::vector<ZoneText> zigzag_zones() {
  std::string com, net;
  for (int i = 1; i <= 10; ++i) {
    com += "a" + std::to_string(i) + " CNAME b" + std::to_string(i) + ".example.net.\n";
    net += "b" + std::to_string(i) + " CNAME a" + std::to_string(i + 1) + ".example.com.\n";
  }
  com += "a11 A 192.0.2.11\n";
  return {{"example.com.", com}, {"example.net.", net}};
}

std::vector<GoldenCase> cases() {
  return {
      {"ds_at_child_apex_is_the_parents", {kParent, kChild}, "sub.example.com", "DS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
sub.example.com. IN DS
;; ANSWER
sub.example.com. 3600 IN DS \# 36 30390d020123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
;; AUTHORITY
;; ADDITIONAL
)")},
      {"chain_into_served_child_below_cut", {kParent, kChild}, "alias.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
alias.example.com. IN A
;; ANSWER
alias.example.com. 3600 IN CNAME www.sub.example.com.
www.sub.example.com. 3600 IN A 192.0.2.7
;; AUTHORITY
;; ADDITIONAL
)")},
      {"chain_to_nxdomain_in_served_child", {kParent, kChild}, "gone.example.com", "A", golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
gone.example.com. IN A
;; ANSWER
gone.example.com. 3600 IN CNAME nothing.sub.example.com.
;; AUTHORITY
sub.example.com. 300 IN SOA ns1.sub.example.com. hostmaster.sub.example.com. 2024010101 7200 3600 1209600 300
;; ADDITIONAL
)")},
      {"dname_into_other_zone", {kParent, kNet}, "www.old.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
www.old.example.com. IN A
;; ANSWER
old.example.com. 3600 IN DNAME new.example.net.
www.old.example.com. 3600 IN CNAME www.new.example.net.
www.new.example.net. 3600 IN A 203.0.113.5
;; AUTHORITY
;; ADDITIONAL
)")},
      {"loop_across_zones_stops_once", {kParent, kNet}, "loop.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
loop.example.com. IN A
;; ANSWER
loop.example.com. 3600 IN CNAME back.example.net.
back.example.net. 3600 IN CNAME hop.example.net.
hop.example.net. 3600 IN CNAME loop.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"sixteen_links_across_zones", zigzag_zones(), "a1.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
a1.example.com. IN A
;; ANSWER
a1.example.com. 3600 IN CNAME b1.example.net.
b1.example.net. 3600 IN CNAME a2.example.com.
a2.example.com. 3600 IN CNAME b2.example.net.
b2.example.net. 3600 IN CNAME a3.example.com.
a3.example.com. 3600 IN CNAME b3.example.net.
b3.example.net. 3600 IN CNAME a4.example.com.
a4.example.com. 3600 IN CNAME b4.example.net.
b4.example.net. 3600 IN CNAME a5.example.com.
a5.example.com. 3600 IN CNAME b5.example.net.
b5.example.net. 3600 IN CNAME a6.example.com.
a6.example.com. 3600 IN CNAME b6.example.net.
b6.example.net. 3600 IN CNAME a7.example.com.
a7.example.com. 3600 IN CNAME b7.example.net.
b7.example.net. 3600 IN CNAME a8.example.com.
a8.example.com. 3600 IN CNAME b8.example.net.
b8.example.net. 3600 IN CNAME a9.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"child_apex_soa_is_the_childs", {kParent, kChild}, "sub.example.com", "SOA", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
sub.example.com. IN SOA
;; ANSWER
sub.example.com. 3600 IN SOA ns1.sub.example.com. hostmaster.sub.example.com. 2024010101 7200 3600 1209600 300
;; AUTHORITY
;; ADDITIONAL
)")},
  };
}

class GoldenUnits : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenUnits, ResponseReadsAsExpected) {
  check_golden(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Contract, GoldenUnits, ::testing::ValuesIn(cases()), golden_name);

// A table built from the one served (sharing its index pages, as canond
// builds each change) answers as a table built from nothing over the same
// units: when a child zone appears below a served parent, when it is
// replaced, and when it goes (the parent's names below it change hands).
TEST(ZoneTableChanges, AnswersAsATableBuiltFromNothing) {
  const auto parent = compile_zones({kParent});
  const auto child = compile_zones({kChild});
  const auto child2 = compile_zones({{"sub.example.com.", "www A 192.0.2.8\nns A 192.0.2.55\n"}});
  const auto net = compile_zones({kNet});
  // A parent holding a name below a second child that the child lacks.
  const auto parent_b = compile_zones({{"example.com.", "deep.zone A 192.0.2.77\n"}});
  const auto other = compile_zones({{"zone.example.com.", "www A 192.0.2.9\n"}});
  using Units = std::vector<std::shared_ptr<const zones::Snapshot>>;
  const auto t1 = std::make_shared<const zones::ZoneTable>(Units{parent, net});
  const auto t2 = std::make_shared<const zones::ZoneTable>(Units{parent, net, child}, t1.get());
  const auto t3 = std::make_shared<const zones::ZoneTable>(Units{parent, net, child2}, t2.get());
  const auto t4 = std::make_shared<const zones::ZoneTable>(Units{parent, net}, t3.get());
  const auto t5 = std::make_shared<const zones::ZoneTable>(Units{net, child2}, t4.get());
  // Two children; then one goes while the other stays (the parent re-sorts
  // its names and must still leave the other's to it).
  const auto t6 = std::make_shared<const zones::ZoneTable>(Units{parent_b, net, child, other}, t5.get());
  const auto t7 = std::make_shared<const zones::ZoneTable>(Units{parent_b, net, other}, t6.get());
  const std::vector<std::pair<std::string, std::string>> questions = {
      {"alias.example.com", "A"}, {"ns.sub.example.com", "A"}, {"www.sub.example.com", "A"},
      {"sub.example.com", "DS"},  {"sub.example.com", "SOA"},  {"www.old.example.com", "A"},
      {"nope.example.com", "A"},  {"back.example.net", "A"},   {"example.org", "A"},
      {"deep.zone.example.com", "A"}, {"zone.example.com", "SOA"}};
  const std::vector<std::pair<std::shared_ptr<const zones::ZoneTable>, Units>> steps = {
      {t1, {parent, net}}, {t2, {parent, net, child}}, {t3, {parent, net, child2}},
      {t4, {parent, net}}, {t5, {net, child2}}, {t6, {parent_b, net, child, other}},
      {t7, {parent_b, net, other}}};
  for (std::size_t step = 0; step < steps.size(); ++step) {
    Server changed(steps[step].first);
    Server fresh(std::make_shared<const zones::ZoneTable>(steps[step].second));
    for (const auto& [name, type] : questions) {
      EXPECT_EQ(changed.ask(name, type), fresh.ask(name, type)) << "step " << step + 1 << ": " << name << " " << type;
    }
  }
  // What changed is served: the child's new address, and without the child
  // the parent's referral.
  EXPECT_NE(Server(t3).ask("alias.example.com", "A").find("192.0.2.8"), std::string::npos);
  EXPECT_NE(Server(t4).ask("www.sub.example.com", "A").find(";; NOERROR qr rd"), std::string::npos);
  EXPECT_NE(Server(t2).ask("ns.sub.example.com", "A").find("NXDOMAIN"), std::string::npos);
  EXPECT_NE(Server(t7).ask("deep.zone.example.com", "A").find("NXDOMAIN"), std::string::npos);
}

// A parent big enough to keep its names out of the table's index (canond's
// million-name customer zone: replacing it must not rebuild every page of
// the index) answers, beside its child and another zone, as the same zones
// compiled into one unit do, through each change a table goes through.
TEST(ZoneTableChanges, ABigUnitFindsItsNamesWithItsOwnIndex) {
  constexpr std::size_t kBig = 5000;  // the table's threshold for this test
  std::string body = kParent.body;
  for (std::size_t i = 0; i < kBig; ++i) {
    body += "h" + std::to_string(i) + " A 192.0.2." + std::to_string(i % 250 + 1) + "\n";
  }
  body += "deep.zone A 192.0.2.77\n";
  const ZoneText big_text{"example.com.", body};
  const auto big = compile_zones({big_text});
  const auto big_again = compile_zones({big_text});  // a new version: another unit
  ASSERT_GE(big->node_count(), kBig);
  ASSERT_LT(compile_zones({kChild})->node_count(), kBig);
  const auto child = compile_zones({kChild});
  const auto net = compile_zones({kNet});
  const auto other = compile_zones({{"zone.example.com.", "www A 192.0.2.9\n"}});
  using Units = std::vector<std::shared_ptr<const zones::Snapshot>>;
  const auto t1 = std::make_shared<const zones::ZoneTable>(Units{big, net}, nullptr, kBig);
  const auto t2 = std::make_shared<const zones::ZoneTable>(Units{big, net, child, other}, t1.get());
  const auto t3 = std::make_shared<const zones::ZoneTable>(Units{big_again, net, child, other}, t2.get());
  const auto t4 = std::make_shared<const zones::ZoneTable>(Units{big_again, net, other}, t3.get());
  const std::vector<std::pair<std::string, std::string>> questions = {
      {"h0.example.com", "A"},        {"H4999.Example.COM", "A"},    {"x.h7.example.com", "A"},
      {"a.b.c.d.h9.example.com", "A"}, {"h5000.example.com", "A"},   {"example.com", "SOA"},
      {"alias.example.com", "A"},     {"ns.sub.example.com", "A"},    {"www.sub.example.com", "A"},
      {"sub.example.com", "DS"},      {"sub.example.com", "SOA"},     {"www.old.example.com", "A"},
      {"loop.example.com", "A"},      {"back.example.net", "A"},      {"example.org", "A"},
      {"deep.zone.example.com", "A"}, {"zone.example.com", "SOA"},    {"www.zone.example.com", "A"}};
  const std::vector<std::pair<std::shared_ptr<const zones::ZoneTable>, std::vector<ZoneText>>> steps = {
      {t1, {big_text, kNet}},
      {t2, {big_text, kNet, kChild, {"zone.example.com.", "www A 192.0.2.9\n"}}},
      {t3, {big_text, kNet, kChild, {"zone.example.com.", "www A 192.0.2.9\n"}}},
      {t4, {big_text, kNet, {"zone.example.com.", "www A 192.0.2.9\n"}}}};
  for (std::size_t step = 0; step < steps.size(); ++step) {
    Server changed(steps[step].first);
    Server one_unit(std::make_shared<const zones::ZoneTable>(Units{compile_zones(steps[step].second)}));
    for (const auto& [name, type] : questions) {
      EXPECT_EQ(changed.ask(name, type), one_unit.ask(name, type)) << "step " << step + 1 << ": " << name << " " << type;
    }
  }
  EXPECT_NE(Server(t1).ask("h4999.example.com", "A").find("192.0.2.250"), std::string::npos);
  EXPECT_NE(Server(t3).ask("www.sub.example.com", "A").find("192.0.2.7"), std::string::npos);
  EXPECT_NE(Server(t4).ask("www.sub.example.com", "A").find(";; NOERROR qr rd"), std::string::npos);
  EXPECT_NE(Server(t2).ask("deep.zone.example.com", "A").find("NXDOMAIN"), std::string::npos);
}

}  // namespace
}  // namespace canon::engine::testing
