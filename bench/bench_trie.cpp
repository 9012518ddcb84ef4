// Name lookups: canon's trie against a hash map, at 1K, 100K and 1M names.
//
// The names are one random label below example.com. (7-14 lowercase letters,
// unique: the shape of canon-genzone's default zone). Each size's data set is
// built once and cached, since building 1M keys takes seconds; every
// benchmark then cycles through a pre-generated, shuffled array of queries so
// lookups touch the structure in a random order, as real traffic does.
//
//   hit       a stored name                     exact match
//   miss      an absent name one label below    closest encloser = the apex
//             the apex (as an NXDOMAIN query)
//   encloser  "www." below a stored name        closest encloser = that name
//
// Trie: Trie::find per query, and Trie::find_burst over 32 queries (a typical
// rx burst; it overlaps the cache misses of different queries).
// Baseline: std::unordered_map<std::string, uint32_t> over the same keys, the
// same queries in the same order; its closest encloser strips one label at a
// time until a lookup hits, as a hash-indexed server must.
//
// Every benchmark reports ns_per_query (the console appends an "s" to it, as
// to every inverted rate; the value is nanoseconds) and items_per_second; the
// trie ones also report bytes_per_name (trie bytes over stored names).
//
// For scale, BM_memory_chase measures this machine's memory: random
// dependent loads over 64 MiB (one chain: the latency of a cache miss; 16
// chains side by side: what overlapping misses, as a burst does, can reach).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tools/synthetic_labels.hpp"
#include "zones/name.hpp"
#include "zones/trie.hpp"

namespace {

using canon::zones::kNoValue;
using canon::zones::Trie;
using canon::zones::TrieMatch;
using Key = std::span<const std::uint8_t>;

constexpr std::size_t kBurst = 32;
// example.com. as a lookup key: the labels reversed, each with its length.
constexpr std::string_view kApexKey{"\3com\7example", 12};

// Labels of the generated zones (tools/synthetic_labels.hpp): unique,
// 7-14 letters, spread like host names.
std::string label(std::uint32_t i) { return canon::tools::LabelMaker(1).label(i); }

// Many keys in one block, laid out in the order given: queries are read in
// that order, so their bytes stream through the cache the way a burst of
// packets does (a key read must not cost a cache miss of its own).
class KeyArena {
 public:
  KeyArena() = default;
  explicit KeyArena(const std::vector<std::string>& keys) {
    std::size_t total = 0;
    for (const std::string& k : keys) total += k.size();
    bytes_.reserve(total);  // no reallocation: the spans stay valid
    for (const std::string& k : keys) {
      keys_.emplace_back(bytes_.data() + bytes_.size(), k.size());
      bytes_.insert(bytes_.end(), k.begin(), k.end());
    }
  }
  [[nodiscard]] const std::vector<Key>& keys() const noexcept { return keys_; }

 private:
  std::vector<std::uint8_t> bytes_;
  std::vector<Key> keys_;
};

std::string_view as_text(Key key) {
  return {reinterpret_cast<const char*>(key.data()), key.size()};
}

struct KeyHash {
  using is_transparent = void;  // find(string_view): no std::string per query
  std::size_t operator()(std::string_view s) const noexcept {
    return std::hash<std::string_view>{}(s);
  }
};
using HashMap = std::unordered_map<std::string, std::uint32_t, KeyHash, std::equal_to<>>;

enum class Query { kHit, kMiss, kEncloser };

struct Dataset {
  std::size_t names = 0;
  KeyArena stored;  // apex first, then the names; sorted for build_trie
  KeyArena hit, miss, encloser;
  Trie trie;
  HashMap map;
  std::string error;  // set when the trie's answers are wrong: every benchmark skips

  [[nodiscard]] const std::vector<Key>& queries(Query q) const noexcept {
    return q == Query::kHit ? hit.keys() : q == Query::kMiss ? miss.keys() : encloser.keys();
  }
};

std::unique_ptr<Dataset> make_dataset(std::size_t n) {
  auto d = std::make_unique<Dataset>();
  d->names = n;
  auto name_key = [](std::size_t i) {
    const std::string l = label(static_cast<std::uint32_t>(i));
    return std::string(kApexKey) + static_cast<char>(l.size()) + l;
  };
  std::vector<std::string> keys;
  keys.reserve(n + 1);
  keys.emplace_back(kApexKey);
  for (std::size_t i = 0; i < n; ++i) keys.push_back(name_key(i));
  std::sort(keys.begin(), keys.end());  // std::string compares bytes as unsigned char
  d->stored = KeyArena(keys);
  std::vector<std::uint32_t> values(keys.size());
  for (std::uint32_t v = 0; v < values.size(); ++v) values[v] = v;
  d->trie = canon::zones::build_trie(d->stored.keys(), values);
  d->map.reserve(keys.size());
  for (std::uint32_t v = 0; v < keys.size(); ++v) d->map.emplace(keys[v], v);

  // Queries: every name once, shuffled (verify() finds each expected answer
  // through the query key itself). Misses use name numbers n..2n-1: unique
  // labels, so none is stored.
  std::mt19937_64 rng(n);
  auto shuffled = [&](std::vector<std::string> q) {
    std::shuffle(q.begin(), q.end(), rng);
    return KeyArena(q);
  };
  std::vector<std::string> hit(keys.begin() + 1, keys.end()), miss, encloser;
  for (std::size_t i = 0; i < n; ++i) {
    miss.push_back(name_key(n + i));
    encloser.push_back(hit[i] + "\3www");
  }
  d->hit = shuffled(std::move(hit));
  d->miss = shuffled(std::move(miss));
  d->encloser = shuffled(std::move(encloser));
  return d;
}

// The trie must give the hash map's answers, find_burst the same as find, or
// their timings mean nothing.
void verify(const Dataset& d, std::string& error) {
  auto value_of = [&](Key k) { return d.map.find(as_text(k))->second; };
  const std::uint32_t apex =
      value_of(Key(reinterpret_cast<const std::uint8_t*>(kApexKey.data()), kApexKey.size()));
  for (Key k : d.hit.keys()) {
    if (d.trie.find(k).exact != value_of(k)) error = "hit: wrong exact match";
  }
  for (Key k : d.miss.keys()) {
    const TrieMatch m = d.trie.find(k);
    if (m.exact != kNoValue || m.encloser != apex) error = "miss: wrong closest encloser";
  }
  for (Key k : d.encloser.keys()) {
    const TrieMatch m = d.trie.find(k);
    if (m.exact != kNoValue || m.encloser != value_of(k.first(k.size() - 4)) ||
        m.encloser_key_length != k.size() - 4) {
      error = "encloser: wrong closest encloser";
    }
  }
  for (const KeyArena* a : {&d.hit, &d.miss, &d.encloser}) {
    const std::vector<Key>& q = a->keys();
    TrieMatch out[kBurst];
    for (std::size_t first = 0; first + kBurst <= q.size(); first += kBurst) {
      d.trie.find_burst(q.data() + first, kBurst, out);
      for (std::size_t i = 0; i < kBurst; ++i) {
        const TrieMatch m = d.trie.find(q[first + i]);
        if (out[i].exact != m.exact || out[i].encloser != m.encloser ||
            out[i].encloser_key_length != m.encloser_key_length) {
          error = "find_burst differs from find";
        }
      }
    }
  }
}

// Built on first use and kept: repetitions and the other benchmarks of the
// same size reuse it.
const Dataset* dataset(benchmark::State& state) {
  static std::map<std::size_t, std::unique_ptr<Dataset>> cache;
  const auto n = static_cast<std::size_t>(state.range(0));
  auto& slot = cache[n];
  if (!slot) {
    slot = make_dataset(n);
    verify(*slot, slot->error);
  }
  if (!slot->error.empty()) {
    state.SkipWithError(("wrong trie answers: " + slot->error).c_str());
    return nullptr;
  }
  return slot.get();
}

void report(benchmark::State& state, std::size_t per_iteration) {
  const auto queries = static_cast<double>(state.iterations() * per_iteration);
  state.SetItemsProcessed(static_cast<std::int64_t>(queries));
  // A rate inverted is seconds per query; scaling the count by 1e-9 makes it ns.
  state.counters["ns_per_query"] =
      benchmark::Counter(queries * 1e-9, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void trie_bytes(benchmark::State& state, const Dataset& d) {
  state.counters["bytes_per_name"] =
      static_cast<double>(d.trie.bytes()) / static_cast<double>(d.names + 1);
}

void BM_trie_find(benchmark::State& state, Query which) {
  const Dataset* d = dataset(state);
  if (!d) return;
  const std::vector<Key>& q = d->queries(which);
  std::size_t i = 0;
  for ([[maybe_unused]] const auto& _ : state) {
    benchmark::DoNotOptimize(d->trie.find(q[i]));
    if (++i == q.size()) i = 0;
  }
  report(state, 1);
  trie_bytes(state, *d);
}

void BM_trie_burst32(benchmark::State& state, Query which) {
  const Dataset* d = dataset(state);
  if (!d) return;
  const std::vector<Key>& q = d->queries(which);
  const std::size_t bursts = q.size() / kBurst;  // 1000 names: 31 bursts (992 keys)
  TrieMatch out[kBurst];
  std::size_t b = 0;
  for ([[maybe_unused]] const auto& _ : state) {
    d->trie.find_burst(q.data() + b * kBurst, kBurst, out);
    benchmark::DoNotOptimize(out);
    benchmark::ClobberMemory();
    if (++b == bursts) b = 0;
  }
  report(state, kBurst);
  trie_bytes(state, *d);
}

void BM_hash_find(benchmark::State& state, Query which) {
  const Dataset* d = dataset(state);
  if (!d) return;
  const std::vector<Key>& q = d->queries(which);
  std::size_t i = 0;
  for ([[maybe_unused]] const auto& _ : state) {
    std::uint32_t value = kNoValue;
    std::string_view k = as_text(q[i]);
    if (which != Query::kEncloser) {
      const auto it = d->map.find(k);
      if (it != d->map.end()) value = it->second;
    } else {
      // Closest encloser: the name, then each parent, until one is stored.
      for (;;) {
        const auto it = d->map.find(k);
        if (it != d->map.end()) {
          value = it->second;
          break;
        }
        if (k.empty()) break;
        k = k.substr(0, canon::zones::key_parent_length(
                            {reinterpret_cast<const std::uint8_t*>(k.data()), k.size()}));
      }
    }
    benchmark::DoNotOptimize(value);
    if (++i == q.size()) i = 0;
  }
  report(state, 1);
}

// Building the trie from sorted keys (part of compile; for scale).
void BM_trie_build(benchmark::State& state) {
  const Dataset* d = dataset(state);
  if (!d) return;
  std::vector<std::uint32_t> values(d->stored.keys().size());
  for (std::uint32_t v = 0; v < values.size(); ++v) values[v] = v;
  for ([[maybe_unused]] const auto& _ : state) {
    Trie t = canon::zones::build_trie(d->stored.keys(), values);
    benchmark::DoNotOptimize(t.bytes());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * values.size()));
}

// Follows `chains` random cycles through 64 MiB of cache lines at once.
void BM_memory_chase(benchmark::State& state) {
  constexpr std::size_t kLines = (64u << 20) / 64;
  struct alignas(64) Line {
    std::uint32_t next;
  };
  static const std::vector<Line> lines = [] {
    std::vector<std::uint32_t> order(kLines);
    for (std::uint32_t i = 0; i < kLines; ++i) order[i] = i;
    std::shuffle(order.begin(), order.end(), std::mt19937_64(1));
    std::vector<Line> v(kLines);
    for (std::size_t i = 0; i < kLines; ++i) v[order[i]].next = order[(i + 1) % kLines];
    return v;
  }();
  const auto chains = static_cast<std::size_t>(state.range(0));
  std::uint32_t at[16];
  for (std::size_t c = 0; c < chains; ++c) at[c] = static_cast<std::uint32_t>(c * (kLines / 16));
  for ([[maybe_unused]] const auto& _ : state) {
    for (std::size_t c = 0; c < chains; ++c) at[c] = lines[at[c]].next;
  }
  benchmark::DoNotOptimize(at);
  report(state, chains);
  state.counters.erase("items_per_second");
}

void sizes(benchmark::internal::Benchmark* b) {
  b->Arg(1000)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kNanosecond);
}

BENCHMARK_CAPTURE(BM_trie_find, hit, Query::kHit)->Apply(sizes);
BENCHMARK_CAPTURE(BM_trie_find, miss, Query::kMiss)->Apply(sizes);
BENCHMARK_CAPTURE(BM_trie_find, encloser, Query::kEncloser)->Apply(sizes);
BENCHMARK_CAPTURE(BM_trie_burst32, hit, Query::kHit)->Apply(sizes);
BENCHMARK_CAPTURE(BM_trie_burst32, miss, Query::kMiss)->Apply(sizes);
BENCHMARK_CAPTURE(BM_trie_burst32, encloser, Query::kEncloser)->Apply(sizes);
BENCHMARK_CAPTURE(BM_hash_find, hit, Query::kHit)->Apply(sizes);
BENCHMARK_CAPTURE(BM_hash_find, miss, Query::kMiss)->Apply(sizes);
BENCHMARK_CAPTURE(BM_hash_find, encloser, Query::kEncloser)->Apply(sizes);
BENCHMARK(BM_trie_build)->Arg(100'000)->Arg(1'000'000)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_memory_chase)->ArgName("chains")->Arg(1)->Arg(16);

}  // namespace

BENCHMARK_MAIN();
