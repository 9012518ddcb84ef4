// Snapshot::find_names_burst against the trie: for any name, the same exact
// node, closest encloser and encloser key length as find(), whether the
// index answers it, its parents do, or the trie walk does (names more than
// three labels below their closest encloser, names outside every zone).
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tests/zones/zone_fixture.hpp"

namespace canon::zones {
namespace {

using testing::compile_zone;
using testing::compile_zones;
using testing::describe;
using testing::key_of;
using testing::node_id;
using testing::with_apex;
using testing::ZoneDir;

// Looks all `names` up in one burst and each one with find().
void expect_agrees(const Snapshot& snap, const std::vector<std::string>& names) {
  std::vector<IndexedName> indexed(names.size());
  std::vector<const IndexedName*> pointers;
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string wire = testing::wire_of(names[i]);
    make_indexed_name(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), indexed[i]);
    pointers.push_back(&indexed[i]);
  }
  std::vector<TrieMatch> burst(names.size());
  snap.find_names_burst(pointers.data(), pointers.size(), burst.data());
  for (std::size_t i = 0; i < names.size(); ++i) {
    const TrieMatch one = snap.find(key_of(names[i]).view());
    EXPECT_EQ(burst[i].exact, one.exact) << names[i];
    EXPECT_EQ(burst[i].encloser, one.encloser) << names[i];
    EXPECT_EQ(burst[i].encloser_key_length, one.encloser_key_length) << names[i];
  }
}

// Every kind of node, and one five labels below an empty non-terminal.
const std::string kBody = std::string(testing::kEveryKindOfNode) + "e.d.c.b.a.deep A 192.0.2.11\n";

TEST(FindNames, EveryKindOfNameAgreesWithTheTrie) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.", with_apex(kBody));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  expect_agrees(*r.snapshot,
                {// held by the index
                 "www.example.com.", "WWW.Example.COM.", "example.com.", "b.example.com.",
                 "a.b.example.com.", "deep.a.b.c.d.e.deep.example.com.",
                 // one to three labels below a held name: the parent probes
                 "nope.example.com.", "x.old.example.com.", "www.x.old.example.com.",
                 "foo.wild.example.com.", "x.b.example.com.", "x.ns.sub.example.com.",
                 "a.b.c.example.com.", "x.e.d.c.b.a.deep.example.com.",
                 // four or more: the trie
                 "a.b.c.d.example.com.", "1.2.3.4.5.6.7.8.old.example.com.",
                 "q.w.e.r.t.y.u.i.o.p.deep.example.com.",
                 // outside every zone: parents, then the trie, then nothing
                 "com.", "example.net.", "www.example.org.", "a.b.c.d.e.f.org.", "."});
}

TEST(FindNames, NestedZonesAndTheRoot) {
  ZoneDir dir;
  const CompileResult nested = compile_zones(
      dir, {{"example.com.", "parent.zone", with_apex("www A 192.0.2.1\nsub NS ns.sub\nns.sub A 192.0.2.60\n")},
            {"sub.example.com.", "child.zone", with_apex("www A 192.0.2.61\nx.y A 192.0.2.62\n")}});
  ASSERT_NE(nested.snapshot, nullptr) << describe(nested.findings);
  expect_agrees(*nested.snapshot, {"sub.example.com.", "www.sub.example.com.", "gone.sub.example.com.",
                                   "z.y.sub.example.com.", "a.z.y.sub.example.com.", "ns.sub.example.com.",
                                   "q.ns.sub.example.com.", "example.com.", "com."});

  const CompileResult root = compile_zone(dir, ".",
                                          "$TTL 86400\n"
                                          "@ SOA a.root-servers.net. nstld.verisign-grs.com. 1 1800 900 604800 86400\n"
                                          "@ NS a.root-servers.net.\n"
                                          "com. NS a.gtld-servers.net.\n"
                                          "a.root-servers.net. A 198.41.0.4\n");
  ASSERT_NE(root.snapshot, nullptr) << describe(root.findings);
  expect_agrees(*root.snapshot, {".", "org.", "www.example.org.", "a.b.c.d.e.org.", "com.",
                                 "www.example.com.", "net.", "root-servers.net.", "x.a.root-servers.net."});
  const IndexedName* none = nullptr;
  root.snapshot->find_names_burst(&none, 0, nullptr);  // an empty burst reads nothing
}

// Bursts longer than one pass (32 names) with every outcome mixed, so that
// a name's answer never lands on another's slot.
TEST(FindNames, LongMixedBurstsKeepEachNamesAnswer) {
  ZoneDir dir;
  std::string body = kBody;
  for (int i = 0; i < 300; ++i) body += "h" + std::to_string(i) + " A 192.0.2.1\n";
  const CompileResult r = compile_zone(dir, "example.com.", with_apex(body));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  ASSERT_NE(node_id(*r.snapshot, "h299.example.com."), kNone);
  std::mt19937 random(7);
  std::vector<std::string> names;
  for (int i = 0; i < 1000; ++i) {
    std::string name = "h" + std::to_string(random() % 400) + ".example.com.";  // a quarter absent
    for (unsigned depth = random() % 6; depth-- > 0;) name = "l" + std::to_string(random() % 3) + "." + name;
    if (random() % 10 == 0) name = "x." + std::to_string(i) + ".example.org.";
    names.push_back(name);
  }
  expect_agrees(*r.snapshot, names);
}

}  // namespace
}  // namespace canon::zones
