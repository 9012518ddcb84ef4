// Prepared alias chains: every CNAME chased at compile time through all
// served zones, with the way the chain ends.
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
using testing::name_text;
using testing::node_id;
using testing::with_apex;
using testing::ZoneDir;

// A chain as text, so a failure shows the whole of it.
struct LinkText {
  LinkKind kind;
  std::string node;   // owner of the CNAME / DNAME record the link uses
  std::string owner;  // the name the link answers for
  std::string target;
  bool operator==(const LinkText&) const = default;
};

std::ostream& operator<<(std::ostream& out, const LinkText& l) {
  const char* kind = l.kind == LinkKind::kCname   ? "CNAME"
                     : l.kind == LinkKind::kDname ? "DNAME"
                                                  : "*CNAME";
  return out << "{" << kind << " @" << l.node << " " << l.owner << " -> " << l.target << "}";
}

class ChainTest : public ::testing::Test {
 protected:
  void load(std::string_view body) {
    result_ = compile_zone(dir_, "example.com.", with_apex(body));
    ASSERT_NE(result_.snapshot, nullptr) << describe(result_.findings);
  }
  void load(const std::vector<testing::ZoneText>& zones) {
    result_ = compile_zones(dir_, zones);
    ASSERT_NE(result_.snapshot, nullptr) << describe(result_.findings);
  }
  const Snapshot& snap() const { return *result_.snapshot; }
  const Chain& chain(std::string_view owner) {
    const Chain* c = testing::chain_of(snap(), owner);
    if (c == nullptr) throw std::runtime_error("no chain at " + std::string(owner));
    return *c;
  }
  // Links as text; a link's node is named by matching it against the names
  // the test looked up with id().
  std::vector<LinkText> links(const Chain& c) {
    std::vector<LinkText> out;
    for (const ChainLink& l : snap().links(c)) {
      out.push_back({l.kind, name_of(l.node), name_text(snap(), l.owner_name),
                     name_text(snap(), l.target_name)});
    }
    return out;
  }
  // The name of a node among those the test mentions.
  std::string name_of(std::uint32_t id) {
    for (const std::string& n : names_) {
      if (node_id(snap(), n) == id) return n;
    }
    return "#" + std::to_string(id);
  }
  std::uint32_t id(std::string_view name) {
    names_.emplace_back(name);
    return node_id(snap(), name);
  }

  ZoneDir dir_;
  CompileResult result_;
  std::vector<std::string> names_;
};

TEST_F(ChainTest, SeedCnameEndsAtTheAddress) {
  // bar.example.com. CNAME foo.example.com. / foo.example.com. A 192.0.2.23
  load("bar.example.com. CNAME foo.example.com.\nfoo.example.com. A 192.0.2.23\n");
  const Chain& c = chain("bar.example.com.");
  const std::uint32_t bar = id("bar.example.com."), foo = id("foo.example.com.");
  EXPECT_EQ(links(c), (std::vector<LinkText>{{LinkKind::kCname, "bar.example.com.",
                                              "bar.example.com.", "foo.example.com."}}));
  EXPECT_EQ(snap().links(c)[0].node, bar);
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, foo);
  EXPECT_EQ(name_text(snap(), c.end_name), "foo.example.com.");
  EXPECT_EQ(testing::chain_of(snap(), "foo.example.com."), nullptr);  // no CNAME, no chain
}

TEST_F(ChainTest, SeedLoopEndsInLoop) {
  load("foo.example.com. CNAME bar.example.com.\nbar.example.com. CNAME foo.example.com.\n");
  const Chain& c = chain("foo.example.com.");
  id("foo.example.com.");
  id("bar.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kLoop);
  EXPECT_EQ(links(c),
            (std::vector<LinkText>{
                {LinkKind::kCname, "foo.example.com.", "foo.example.com.", "bar.example.com."},
                {LinkKind::kCname, "bar.example.com.", "bar.example.com.", "foo.example.com."}}));
  EXPECT_EQ(chain("bar.example.com.").end, ChainEnd::kLoop);
}

TEST_F(ChainTest, CnameToItselfIsALoopOfOneLink) {
  load("self CNAME self\n");
  const Chain& c = chain("self.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kLoop);
  EXPECT_EQ(c.link_count, 1u);
}

TEST_F(ChainTest, ChainRunningIntoALoopEndsInLoop) {
  load("x CNAME a\na CNAME b\nb CNAME a\n");
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kLoop);
  EXPECT_EQ(c.link_count, 3u);  // x → a → b → a: the third link closes the loop
}

TEST_F(ChainTest, ChainOfTwoCnames) {
  load("blog CNAME www\nwww CNAME example.com.\n");  // the seed's blog → www → apex
  const Chain& c = chain("blog.example.com.");
  EXPECT_EQ(c.link_count, 2u);
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("example.com."));
}

// The DNAME seed: foo DNAME bar; bar, xyzzy.bar and *.bar have addresses.
constexpr std::string_view kDnameSeed =
    "foo.example.com. DNAME bar.example.com.\n"
    "bar.example.com. A 192.0.2.23\n"
    "xyzzy.bar.example.com. A 192.0.2.24\n"
    "*.bar.example.com. A 192.0.2.25\n";

TEST_F(ChainTest, DnameRewritesTheNameBelowIt) {
  load(std::string(kDnameSeed) + "to-xyzzy CNAME xyzzy.foo.example.com.\n");
  const Chain& c = chain("to-xyzzy.example.com.");
  id("to-xyzzy.example.com.");
  id("foo.example.com.");
  EXPECT_EQ(links(c),
            (std::vector<LinkText>{{LinkKind::kCname, "to-xyzzy.example.com.",
                                    "to-xyzzy.example.com.", "xyzzy.foo.example.com."},
                                   {LinkKind::kDname, "foo.example.com.", "xyzzy.foo.example.com.",
                                    "xyzzy.bar.example.com."}}));
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("xyzzy.bar.example.com."));
  EXPECT_EQ(name_text(snap(), c.end_name), "xyzzy.bar.example.com.");
}

TEST_F(ChainTest, DnameIntoAWildcard) {
  load(std::string(kDnameSeed) + "to-fnord CNAME fnord.foo.example.com.\n");
  const Chain& c = chain("to-fnord.example.com.");
  id("to-fnord.example.com.");
  id("foo.example.com.");
  EXPECT_EQ(links(c),
            (std::vector<LinkText>{{LinkKind::kCname, "to-fnord.example.com.",
                                    "to-fnord.example.com.", "fnord.foo.example.com."},
                                   {LinkKind::kDname, "foo.example.com.", "fnord.foo.example.com.",
                                    "fnord.bar.example.com."}}));
  EXPECT_EQ(c.end, ChainEnd::kWildcard);
  EXPECT_EQ(c.end_node, id("*.bar.example.com."));
  EXPECT_EQ(name_text(snap(), c.end_name), "fnord.bar.example.com.");
}

TEST_F(ChainTest, DnameOwnerItselfIsNotRewritten) {
  // "An A record lookup for foo.example.com will fail because a DNAME is not a CNAME."
  load(std::string(kDnameSeed) + "to-foo CNAME foo.example.com.\n");
  const Chain& c = chain("to-foo.example.com.");
  EXPECT_EQ(c.link_count, 1u);
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("foo.example.com."));
}

TEST_F(ChainTest, WildcardCname) {
  load("*.w CNAME host\nhost A 192.0.2.1\nx CNAME anything.w\n");
  const Chain& c = chain("x.example.com.");
  id("x.example.com.");
  id("*.w.example.com.");
  EXPECT_EQ(links(c), (std::vector<LinkText>{{LinkKind::kCname, "x.example.com.", "x.example.com.",
                                              "anything.w.example.com."},
                                             {LinkKind::kWildcardCname, "*.w.example.com.",
                                              "anything.w.example.com.", "host.example.com."}}));
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("host.example.com."));
}

TEST_F(ChainTest, WildcardAnswersOnlyBelowItsClosestEncloser) {
  // RFC 4592: *.w covers names whose closest encloser is w, not names below
  // an existing sibling such as sub.w.
  load(
      "*.w A 192.0.2.1\nsub.w TXT \"exists\"\n"
      "synth CNAME q.w\n"
      "deep CNAME q.r.w\n"
      "nope CNAME q.sub.w\n");
  EXPECT_EQ(chain("synth.example.com.").end, ChainEnd::kWildcard);
  EXPECT_EQ(chain("deep.example.com.").end, ChainEnd::kWildcard);
  EXPECT_EQ(chain("synth.example.com.").end_node, id("*.w.example.com."));
  const Chain& nope = chain("nope.example.com.");
  EXPECT_EQ(nope.end, ChainEnd::kNxdomain);
  EXPECT_EQ(nope.end_node, id("example.com."));
}

TEST_F(ChainTest, IntoADelegationIsAReferral) {
  load(
      "sub NS ns.sub\nns.sub A 192.0.2.9\n"
      "below CNAME www.sub\n"
      "at CNAME sub\n"
      "glue CNAME ns.sub\n");
  const std::uint32_t cut = id("sub.example.com.");
  for (const char* owner : {"below.example.com.", "at.example.com.", "glue.example.com."}) {
    SCOPED_TRACE(owner);
    const Chain& c = chain(owner);
    EXPECT_EQ(c.end, ChainEnd::kReferral);
    EXPECT_EQ(c.end_node, cut);
    EXPECT_EQ(c.link_count, 1u);
  }
}

TEST_F(ChainTest, MissingNameInTheZoneIsNxdomain) {
  load("x CNAME nothere\n");
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kNxdomain);
  EXPECT_EQ(c.end_node, id("example.com."));
  EXPECT_EQ(name_text(snap(), c.end_name), "nothere.example.com.");
}

TEST_F(ChainTest, EmptyNonTerminalTargetIsANode) {
  load("x CNAME b\na.b A 192.0.2.1\n");
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kNode);  // NODATA, not NXDOMAIN
  EXPECT_EQ(c.end_node, id("b.example.com."));
}

TEST_F(ChainTest, NameInNoServedZoneIsOutside) {
  load("x CNAME www.example.net.\n");
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kOutside);
  EXPECT_EQ(c.link_count, 1u);
  EXPECT_EQ(name_text(snap(), c.end_name), "www.example.net.");
}

TEST_F(ChainTest, DnameMakingAnOverlongNameIsYxdomain) {
  // The DNAME target is long, so rewriting a long name below it passes 255 octets.
  const std::string l50a(50, 'a'), l50b(50, 'b'), l50c(50, 'c'), l63(63, 'x'), l30(30, 'y');
  load("d DNAME " + l50a + "." + l50b + "." + l50c + ".example.net.\n" +  // target: 166 octets
       "x CNAME " + l63 + "." + l30 + ".d.example.com.\n");               // prefix: 95 octets
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kYxdomain);
  EXPECT_EQ(c.end_node, id("d.example.com."));
  EXPECT_EQ(c.link_count, 1u);
  EXPECT_EQ(name_text(snap(), c.end_name), l63 + "." + l30 + ".d.example.com.");
}

TEST_F(ChainTest, DnameJustUnderTheLimitIsRewritten) {
  const std::string l50a(50, 'a'), l50b(50, 'b'), l50c(50, 'c'), l63(63, 'x'), l24(24, 'y');
  load("d DNAME " + l50a + "." + l50b + "." + l50c + ".example.net.\n" +  // 166 octets
       "x CNAME " + l63 + "." + l24 + ".d.example.com.\n");  // 64 + 25 = 89: 255 exactly
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kOutside);
  ASSERT_EQ(c.link_count, 2u);
  EXPECT_EQ(snap().links(c)[1].kind, LinkKind::kDname);
  EXPECT_EQ(name_text(snap(), c.end_name),
            l63 + "." + l24 + "." + l50a + "." + l50b + "." + l50c + ".example.net.");
}

TEST_F(ChainTest, AcrossTwoZones) {
  load({{"example.com.", "com.zone", with_apex("www CNAME a.example.net.\nb A 192.0.2.1\n")},
        {"example.net.", "net.zone", with_apex("a CNAME b.example.com.\n")}});
  const Chain& c = chain("www.example.com.");
  id("www.example.com.");
  id("a.example.net.");
  EXPECT_EQ(links(c),
            (std::vector<LinkText>{
                {LinkKind::kCname, "www.example.com.", "www.example.com.", "a.example.net."},
                {LinkKind::kCname, "a.example.net.", "a.example.net.", "b.example.com."}}));
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("b.example.com."));
  EXPECT_EQ(snap().node(c.end_node).zone, 0u);
  EXPECT_EQ(chain("a.example.net.").end_node, id("b.example.com."));
}

TEST_F(ChainTest, DnameIntoAnotherZone) {
  load({{"example.com.", "com.zone",
         with_apex("old DNAME example.net.\nx CNAME www.old.example.com.\n")},
        {"example.net.", "net.zone", with_apex("www A 192.0.2.7\n")}});
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.link_count, 2u);
  EXPECT_EQ(c.end, ChainEnd::kNode);
  EXPECT_EQ(c.end_node, id("www.example.net."));
  EXPECT_EQ(snap().node(c.end_node).zone, 1u);
}

TEST_F(ChainTest, NxdomainInTheOtherZoneNamesThatZone) {
  load({{"example.com.", "com.zone", with_apex("x CNAME gone.example.net.\n")},
        {"example.net.", "net.zone", std::string(testing::kApex)}});
  const Chain& c = chain("x.example.com.");
  EXPECT_EQ(c.end, ChainEnd::kNxdomain);
  EXPECT_EQ(c.end_node, id("example.net."));
}

}  // namespace
}  // namespace canon::zones
