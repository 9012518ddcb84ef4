// The lookup trie on its own: random label-aligned key sets checked against
// a brute-force oracle, single lookups and bursts.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <random>
#include <set>
#include <span>
#include <stdexcept>
#include <string>
#include <vector>

#include "zones/name.hpp"
#include "zones/trie.hpp"

namespace canon::zones {
namespace {

using Key = std::vector<std::uint8_t>;

// What find() must say, worked out the slow way.
class Oracle {
 public:
  explicit Oracle(const std::map<Key, std::uint32_t>& values) : values_(values) {}

  [[nodiscard]] TrieMatch find(const Key& query) const {
    TrieMatch m;
    // Every label-aligned prefix, shortest first (the empty key is the root).
    for (std::size_t pos = 0;; pos += 1 + query[pos]) {
      const auto it =
          values_.find(Key(query.begin(), query.begin() + static_cast<std::ptrdiff_t>(pos)));
      if (it != values_.end()) {
        m.encloser = it->second;
        m.encloser_key_length = static_cast<std::uint8_t>(pos);
      }
      if (pos >= query.size()) break;
    }
    if (const auto it = values_.find(query); it != values_.end()) m.exact = it->second;
    return m;
  }

 private:
  const std::map<Key, std::uint32_t>& values_;
};

// A trie and its oracle over one key set.
struct Fixture {
  std::map<Key, std::uint32_t> values;  // sorted byte-wise, as build_trie wants
  Trie trie;

  explicit Fixture(const std::set<Key>& keys) {
    std::uint32_t i = 0;
    for (const Key& k : keys) values.emplace(k, (i++) ^ 0x5a5a5a5au);  // distinct, never kNoValue
    std::vector<std::span<const std::uint8_t>> spans;
    std::vector<std::uint32_t> vals;
    for (const auto& [k, v] : values) {
      spans.emplace_back(k);
      vals.push_back(v);
    }
    trie = build_trie(spans, vals);
  }
};

std::string show(const Key& k) {
  std::string out;
  for (std::uint8_t b : k) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%02x", b);
    out += buf;
  }
  return out.empty() ? "(root)" : out;
}

bool same(const TrieMatch& a, const TrieMatch& b) {
  return a.exact == b.exact && a.encloser == b.encloser &&
         a.encloser_key_length == b.encloser_key_length;
}

void expect_same(const TrieMatch& got, const TrieMatch& want, const Key& query) {
  if (same(got, want)) return;  // cheap path: hundreds of thousands of queries
  EXPECT_EQ(got.exact, want.exact) << "query " << show(query);
  EXPECT_EQ(got.encloser, want.encloser) << "query " << show(query);
  EXPECT_EQ(got.encloser_key_length, want.encloser_key_length) << "query " << show(query);
}

// ---- random key sets ----------------------------------------------------------

class KeyMaker {
 public:
  explicit KeyMaker(std::uint32_t seed) : rng_(seed) {}

  // A label of any octets (00 included); mostly short so siblings collide.
  Key label() {
    const unsigned len = pick(4) == 0 ? 1 + pick(kMaxLabelLength) : 1 + pick(3);
    Key l{static_cast<std::uint8_t>(len)};
    for (unsigned i = 0; i < len; ++i) {
      // A small alphabet most of the time makes shared prefixes likely.
      l.push_back(static_cast<std::uint8_t>(pick(3) == 0 ? pick(256) : "\0az\xff-"[pick(5)]));
    }
    return l;
  }
  // `base` extended by one label, or nothing when it would be too long.
  bool extend(const Key& base, Key& out) {
    const Key l = label();
    if (base.size() + l.size() > kMaxKeyLength) return false;
    out = base;
    out.insert(out.end(), l.begin(), l.end());
    return true;
  }
  unsigned pick(unsigned n) { return std::uniform_int_distribution<unsigned>(0, n - 1)(rng_); }

 private:
  std::mt19937 rng_;
};

std::set<Key> random_keys(std::uint32_t seed, std::size_t count, bool with_root) {
  KeyMaker make(seed);
  std::set<Key> keys;
  std::vector<Key> list;
  if (with_root) {
    keys.insert(Key{});
    list.push_back(Key{});
  }
  // A hub with a dense fan-out on the content byte (one-octet labels, every
  // octet 00..ff) and one on the length byte (labels of 1..40 octets).
  const Key hub{3, 'h', 'u', 'b'};
  keys.insert(hub);
  for (unsigned b = 0; b < 256; b += 1 + make.pick(3))
    keys.insert(Key{3, 'h', 'u', 'b', 1, static_cast<std::uint8_t>(b)});
  for (unsigned len = 1; len <= 40; ++len) {
    Key k = hub;
    k.push_back(static_cast<std::uint8_t>(len));
    k.insert(k.end(), len, 'q');
    keys.insert(k);
  }
  // Exactly kMaxSparse and kMaxSparse + 1 children: both sides of the switch.
  for (unsigned n : {Trie::kMaxSparse, Trie::kMaxSparse + 1}) {
    const Key parent{2, 's', static_cast<std::uint8_t>('0' + n)};
    for (unsigned c = 0; c < n; ++c) {
      Key k = parent;
      k.push_back(1);
      k.push_back(static_cast<std::uint8_t>(c * 31));
      keys.insert(k);
    }
  }
  for (const Key& k : keys) list.push_back(k);
  // Trees: each new key extends a random existing one (so keys are prefixes of
  // one another), or starts a new top-level label.
  while (keys.size() < count) {
    Key k;
    const bool fresh = list.empty() || make.pick(8) == 0;
    if (!make.extend(fresh ? Key{} : list[make.pick(static_cast<unsigned>(list.size()))], k))
      continue;
    if (keys.insert(k).second) list.push_back(k);
  }
  return keys;
}

// Queries: every key, a label below it, its label-aligned prefixes, a sibling
// differing in one byte, and keys made up from nothing.
std::vector<Key> queries_for(const std::set<Key>& keys, std::uint32_t seed) {
  KeyMaker make(seed);
  std::vector<Key> out;
  for (const Key& k : keys) {
    out.push_back(k);
    Key below;
    if (make.extend(k, below)) out.push_back(below);
    for (std::size_t pos = 0; pos < k.size(); pos += 1 + k[pos])
      out.emplace_back(k.begin(), k.begin() + static_cast<std::ptrdiff_t>(pos));
    if (!k.empty()) {
      Key sibling = k;
      const std::size_t last = key_parent_length(k);
      const std::size_t at = last + 1 + make.pick(k[last]);  // a content byte of the last label
      sibling[at] = static_cast<std::uint8_t>(sibling[at] + 1 + make.pick(255));
      out.push_back(sibling);
    }
  }
  for (int i = 0; i < 2000; ++i) {
    Key k;
    while (make.pick(4) != 0 && make.extend(Key(k), k)) {
    }
    out.push_back(k);
  }
  std::shuffle(out.begin(), out.end(), std::mt19937(seed));
  return out;
}

struct RandomCase {
  std::uint32_t seed;
  std::size_t keys;
  bool with_root;
};

void PrintTo(const RandomCase& c, std::ostream* out) {
  *out << "seed " << c.seed << ", " << c.keys << " keys" << (c.with_root ? " and the root" : "");
}

class TrieRandom : public ::testing::TestWithParam<RandomCase> {};

TEST_P(TrieRandom, FindMatchesTheOracle) {
  const RandomCase c = GetParam();
  const std::set<Key> keys = random_keys(c.seed, c.keys, c.with_root);
  const Fixture f(keys);
  const Oracle oracle(f.values);
  std::size_t exact = 0, enclosed = 0;
  for (const Key& q : queries_for(keys, c.seed + 1)) {
    const TrieMatch want = oracle.find(q);
    exact += want.exact != kNoValue;
    enclosed += want.exact == kNoValue && want.encloser != kNoValue;
    expect_same(f.trie.find(q), want, q);
    if (::testing::Test::HasFailure()) return;  // one bad key is enough to read
  }
  // The query mix really exercised both answers.
  EXPECT_GE(exact, keys.size());
  EXPECT_GT(enclosed, keys.size() / 2);
}

TEST_P(TrieRandom, FindBurstMatchesTheOracle) {
  const RandomCase c = GetParam();
  const std::set<Key> keys = random_keys(c.seed, c.keys, c.with_root);
  const Fixture f(keys);
  const Oracle oracle(f.values);
  const std::vector<Key> queries = queries_for(keys, c.seed + 2);
  std::vector<TrieMatch> want;
  for (const Key& q : queries) want.push_back(oracle.find(q));
  for (std::size_t burst : {1u, 7u, 32u, 64u, 100u}) {
    SCOPED_TRACE("burst " + std::to_string(burst));
    for (std::size_t first = 0; first < queries.size(); first += burst) {
      const std::size_t n = std::min(burst, queries.size() - first);
      std::vector<std::span<const std::uint8_t>> spans;
      for (std::size_t i = 0; i < n; ++i) spans.emplace_back(queries[first + i]);
      std::vector<TrieMatch> out(n, TrieMatch{1, 2, 3});  // garbage in: must be overwritten
      f.trie.find_burst(spans.data(), n, out.data());
      for (std::size_t i = 0; i < n; ++i) expect_same(out[i], want[first + i], queries[first + i]);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Trie, TrieRandom,
                         ::testing::Values(RandomCase{1, 3000, false}, RandomCase{2, 5000, true},
                                           RandomCase{20240101, 8000, false},
                                           RandomCase{7, 400, true}));

// ---- small, readable cases ----------------------------------------------------

Key key(std::string_view name) {
  std::string wire;
  if (!text_to_wire(name, wire)) throw std::invalid_argument(std::string(name));
  LookupKey k;
  make_key(reinterpret_cast<const std::uint8_t*>(wire.data()), k);
  return Key(k.bytes, k.bytes + k.length);
}

TEST(TrieExample, TheHeaderWorkedExample) {
  // example.com (0), a.example.com (1), b.example.com (2), ab.example.com (3)
  const Fixture f(
      {key("example.com."), key("a.example.com."), key("b.example.com."), key("ab.example.com.")});
  const auto id = [&](std::string_view n) { return f.values.at(key(n)); };
  const TrieMatch xa = f.trie.find(key("x.a.example.com."));
  EXPECT_EQ(xa.exact, kNoValue);
  EXPECT_EQ(xa.encloser, id("a.example.com."));
  EXPECT_EQ(xa.encloser_key_length, key("a.example.com.").size());
  EXPECT_EQ(f.trie.find(key("ab.example.com.")).exact, id("ab.example.com."));
  const TrieMatch abc = f.trie.find(key("abc.example.com."));  // shares "ab" but is not below it
  EXPECT_EQ(abc.exact, kNoValue);
  EXPECT_EQ(abc.encloser, id("example.com."));
  EXPECT_EQ(f.trie.find(key("com.")).encloser, kNoValue);
  EXPECT_EQ(f.trie.find(key("example.org.")).encloser, kNoValue);
}

TEST(TrieEmpty, FindsNothing) {
  for (const Trie& t : {Trie{}, build_trie({}, {})}) {
    for (const Key& q : {Key{}, key("example.com.")}) {
      const TrieMatch m = t.find(q);
      EXPECT_EQ(m.exact, kNoValue);
      EXPECT_EQ(m.encloser, kNoValue);
      EXPECT_EQ(m.encloser_key_length, 0u);
    }
    const Key q = key("www.example.com.");
    const std::span<const std::uint8_t> spans[3] = {q, q, q};
    TrieMatch out[3] = {{1, 2, 3}, {1, 2, 3}, {1, 2, 3}};
    t.find_burst(spans, 3, out);
    for (const TrieMatch& m : out) {
      EXPECT_EQ(m.exact, kNoValue);
      EXPECT_EQ(m.encloser, kNoValue);
    }
  }
}

TEST(TrieSingle, OneKeyAndTheRoot) {
  const Fixture only({key("example.com.")});
  EXPECT_NE(only.trie.find(key("example.com.")).exact, kNoValue);
  EXPECT_EQ(only.trie.find(Key{}).encloser, kNoValue);
  const Fixture root({Key{}, key("example.com.")});
  const TrieMatch m = root.trie.find(key("www.example.net."));
  EXPECT_EQ(m.exact, kNoValue);
  EXPECT_EQ(m.encloser, root.values.at(Key{}));
  EXPECT_EQ(m.encloser_key_length, 0u);
  EXPECT_EQ(root.trie.find(Key{}).exact, root.values.at(Key{}));
}

TEST(TrieLong, KeysOfTheMaximumLength) {
  // 254-octet keys (255-octet names) differing only in their last octet.
  Key base;
  while (base.size() + 64 <= kMaxKeyLength - 4) {
    base.push_back(63);
    base.insert(base.end(), 63, 'x');
  }
  std::set<Key> keys{base};
  Key a = base;
  a.push_back(static_cast<std::uint8_t>(kMaxKeyLength - base.size() - 1));
  a.insert(a.end(), kMaxKeyLength - base.size() - 1, 'a');
  ASSERT_EQ(a.size(), kMaxKeyLength);
  Key b = a;
  b.back() = 'b';
  keys.insert(a);
  keys.insert(b);
  const Fixture f(keys);
  const Oracle oracle(f.values);
  Key c = a;
  c.back() = 'c';
  for (const Key& q : {base, a, b, c}) expect_same(f.trie.find(q), oracle.find(q), q);
}

}  // namespace
}  // namespace canon::zones
