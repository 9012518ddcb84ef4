// Query to response in memory: Engine::answer_burst over bursts of 32
// queries, against the zone table of a 1M-name zone (canon-genzone's
// single-A example.com.) and a small zone of aliases (alias.test.):
//
//   a_hit      NAME.example.com A               one A record, from the 1M zone
//   chain3     cK.alias.test A                  3 CNAMEs, then the A
//   dname      NAME.d.alias.test A              DNAME + synthesized CNAME + the A of
//                                               NAME.example.com (1M zone)
//   nxdomain   NAME-nx.example.com A            NXDOMAIN with the SOA
//   nodata     NAME.example.com AAAA            NODATA with the SOA (the name has only A)
//   mx         mK.alias.test MX                 the MX (its exchange compressed) and the
//                                               exchange's A in additional
//
// Each query kind uses 4096 distinct names in shuffled order, so lookups miss
// the cache as they would under real traffic. The per-query time is
// items_per_second's inverse; the counter ns_per_query says it directly.
// bench/engine_instructions (under callgrind) counts instructions for the
// same kinds.
//
// The policy's cost (issue 6: "the added cost per query"): the same bursts
// answered with a generated blocklist of N rules (tests/engine/
// generated_rules.hpp) that none of the names match, which is what normal
// traffic pays, and with rate limiting on at a rate nothing reaches.
// policy_ns_added = ns_per_query(policy) − ns_per_query(plain), same kind.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>
#include <utility>

#include "bench/engine_workload.hpp"
#include "tests/engine/generated_rules.hpp"

namespace {

using canon::bench::Workload;

// Answers bursts of `kind` with `policy` (null: none) for as long as the
// benchmark runs; reports items/s and ns_per_query.
void answer_bursts(benchmark::State& state, const char* kind, const canon::engine::Policy* policy) {
  const Workload& w = Workload::get(CANON_GENZONE, CANON_BENCH_ZONE_DIR);
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  canon::bench::BurstRunner runner(w, kind, policy);
  constexpr std::size_t kBurst = canon::bench::BurstRunner::kBurst;
  std::size_t answered = 0;
  for ([[maybe_unused]] auto _ : state) answered += runner.run();
  if (answered != state.iterations() * kBurst) state.SkipWithError("a query went unanswered");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBurst));
  state.counters["ns_per_query"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBurst),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

void BM_answer(benchmark::State& state, const char* kind) { answer_bursts(state, kind, nullptr); }

// A policy of `rules` generated rules (0: none), with RRL when `rrl`; built
// once per process (10,000 rules take Hyperscan about 20 s).
const canon::engine::Policy* bench_policy(int rules, bool rrl) {
  static std::map<std::pair<int, bool>, std::shared_ptr<const canon::engine::Policy>> built;
  auto& slot = built[{rules, rrl}];
  if (!slot) {
    canon::engine::PolicySpec spec;
    spec.rules = canon::engine::testing::generated_blocklist(rules);
    spec.rrl.enabled = rrl;
    spec.rrl.rate = 1'000'000;
    slot = canon::engine::Policy::compile(spec, 1, 1);
  }
  return slot.get();
}

// {rules, rrl}: the same bursts with a policy none of the names match.
void BM_policy(benchmark::State& state, const char* kind) {
  answer_bursts(state, kind, bench_policy(static_cast<int>(state.range(0)), state.range(1) != 0));
}

BENCHMARK_CAPTURE(BM_answer, a_hit, "a_hit");
BENCHMARK_CAPTURE(BM_answer, chain3, "chain3");
BENCHMARK_CAPTURE(BM_answer, dname, "dname");
BENCHMARK_CAPTURE(BM_answer, nxdomain, "nxdomain");
BENCHMARK_CAPTURE(BM_answer, mx, "mx");
BENCHMARK_CAPTURE(BM_answer, nodata, "nodata");
// {rules, rrl}: the no-policy baseline is BM_answer of the same kind.
BENCHMARK_CAPTURE(BM_policy, a_hit, "a_hit")
    ->ArgNames({"rules", "rrl"})
    ->Args({0, 1})
    ->Args({10, 0})
    ->Args({1000, 0})
    ->Args({10000, 0})
    ->Args({10000, 1});
BENCHMARK_CAPTURE(BM_policy, chain3, "chain3")->ArgNames({"rules", "rrl"})->Args({10000, 1});

}  // namespace

BENCHMARK_MAIN();
