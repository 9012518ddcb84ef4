// The exact-name index (zones/name_index.hpp) against the trie as oracle: for
// every name of a zone set — nested zones, a delegation, empty non-terminals,
// wildcards, mixed case — and for names that do not exist, find_exact gives
// the node the trie's exact match gives, or kNone; never another node.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "tests/zones/zone_fixture.hpp"

namespace canon::zones::testing {
namespace {

std::string random_label(std::mt19937& rng) {
  static const char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789-";
  std::uniform_int_distribution<int> length(1, 20);
  std::uniform_int_distribution<int> pick(0, sizeof(kChars) - 3);  // no '-' first: keep it a host name
  std::string label;
  const int n = length(rng);
  for (int i = 0; i < n; ++i) label += kChars[pick(rng)];
  return label;
}

std::string mixed_case(std::string name, std::mt19937& rng) {
  for (char& c : name) {
    if (c >= 'a' && c <= 'z' && (rng() & 1)) c = static_cast<char>(c - 32);
  }
  return name;
}

class IndexAgreesWithTrie : public ::testing::Test {
 protected:
  void check(const Snapshot& snap, const std::string& text) {
    const std::string wire = wire_of(text);
    IndexedName indexed;
    make_indexed_name(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), indexed);
    const std::uint32_t from_index = snap.find_exact(indexed);
    const std::uint32_t from_trie = snap.find(key_of(text).view()).exact;
    EXPECT_TRUE(from_index == from_trie || from_index == kNone)
        << text << ": index " << from_index << ", trie " << from_trie;
    if (from_index != kNone) ++hits_;
    ++checked_;
  }
  std::size_t hits_ = 0;
  std::size_t checked_ = 0;
};

TEST_F(IndexAgreesWithTrie, EveryNameAndItsNeighbours) {
  std::mt19937 rng(7);
  std::vector<std::string> names;
  std::string parent = "sub IN NS ns.sub\nns.sub A 192.0.2.9\n*.wild A 192.0.2.7\n";
  std::string child;
  for (int i = 0; i < 3000; ++i) {
    std::string name = random_label(rng);
    if (i % 3 == 0) name += "." + random_label(rng);         // deeper: empty non-terminals
    if (i % 7 == 0) name += ".deep." + random_label(rng);
    names.push_back(name + ".example.com.");
    parent += name + " A 192.0.2.1\n";
    const std::string in_child = random_label(rng) + ".child.example.com.";
    names.push_back(in_child);
    child += in_child + " AAAA 2001:db8::1\n";
  }
  ZoneDir dir;
  const CompileResult result = compile_zones(
      dir, {ZoneText{"example.com.", "parent.zone", with_apex(parent)},
            ZoneText{"child.example.com.", "child.zone", with_apex(child)}});
  ASSERT_TRUE(result.snapshot) << (result.findings.items.empty() ? "" : result.findings.items[0].to_string());
  const Snapshot& snap = *result.snapshot;

  for (const std::string& name : names) {
    check(snap, name);
    check(snap, mixed_case(name, rng));          // 0x20: the same node
    check(snap, "x." + name);                     // below: absent
    check(snap, "zz" + name);                     // a sibling: absent
    check(snap, name.substr(name.find('.') + 1)); // its parent: exists or an empty non-terminal
  }
  for (const char* name : {"example.com.", "EXAMPLE.com.", "child.example.com.", "sub.example.com.",
                           "ns.sub.example.com.", "host.sub.example.com.", "*.wild.example.com.",
                           "a.wild.example.com.", "com.", ".", "example.net."}) {
    check(snap, name);
  }
  // Names that exist must mostly be found by the index (it exists to be used).
  EXPECT_GT(hits_, names.size());
  EXPECT_EQ(snap.find_exact([&] {
    IndexedName n;
    const std::string wire = wire_of("www-absent.example.com.");
    make_indexed_name(reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), n);
    return n;
  }()), kNone);
}

// make_indexed_name works 16 octets at a time where it can (SSE4.2) and 8
// otherwise; either way the bytes and the hash must be the ones a byte at a
// time gives: lower-cased (A-Z only), zero-padded, hash_padded over them.
// Each name sits in a buffer of exactly its length, so ASan sees any read
// outside it.
TEST(IndexedNameTest, EveryLengthMatchesTheOctetByOctetForm) {
  std::mt19937 rng(11);
  const std::uint8_t kOctets[] = {'A', 'Z', 'a', 'z', '@', '[', '`', '{', '0', '-', 0x00, 0x3f, 0x80, 0xc1, 0xda, 0xff};
  for (std::size_t length = 1; length <= kMaxNameLength; ++length) {
    for (int round = 0; round < 4; ++round) {
      std::vector<std::uint8_t> wire(length);
      for (auto& octet : wire) octet = kOctets[rng() % sizeof kOctets];
      IndexedName expected{};
      for (std::size_t i = 0; i < length; ++i) expected.bytes[i] = to_lower(wire[i]);
      IndexedName got;
      std::memset(got.bytes, 0xee, sizeof got.bytes);
      make_indexed_name(wire.data(), length, got);
      ASSERT_EQ(got.length, length);
      const std::size_t padded = (length + 7) / 8 * 8 + 8;
      ASSERT_EQ(0, std::memcmp(got.bytes, expected.bytes, padded)) << "length " << length;
      ASSERT_EQ(got.hash, hash_padded(expected.bytes, length)) << "length " << length;
    }
  }
}

}  // namespace
}  // namespace canon::zones::testing
