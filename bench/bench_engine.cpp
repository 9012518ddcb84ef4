// Query to response in memory: Engine::answer_burst over bursts of 32
// queries, against one snapshot that holds a 1M-name zone (canon-genzone's
// single-A example.com.) and a small zone of aliases (alias.test.):
//
//   a_hit      NAME.example.com A               one A record, from the 1M zone
//   chain3     cK.alias.test A                  3 CNAMEs, then the A
//   dname      NAME.d.alias.test A              DNAME + synthesized CNAME + the A of
//                                               NAME.example.com (1M zone)
//   nxdomain   NAME-nx.example.com A            NXDOMAIN with the SOA
//
// Each query kind uses 4096 distinct names in shuffled order, so lookups miss
// the cache as they would under real traffic. The per-query time is
// items_per_second's inverse; the counter ns_per_query says it directly.
// bench/engine_instructions (under callgrind) counts instructions for the
// same kinds.
#include <benchmark/benchmark.h>

#include <string>

#include "bench/engine_workload.hpp"

namespace {

using canon::bench::Workload;

void BM_answer(benchmark::State& state, const char* kind) {
  const Workload& w = Workload::get(CANON_GENZONE, CANON_BENCH_ZONE_DIR);
  if (!w.error.empty()) {
    state.SkipWithError(w.error.c_str());
    return;
  }
  canon::bench::BurstRunner runner(w, kind);
  constexpr std::size_t kBurst = canon::bench::BurstRunner::kBurst;
  std::size_t answered = 0;
  for ([[maybe_unused]] auto _ : state) answered += runner.run();
  if (answered != state.iterations() * kBurst) state.SkipWithError("a query went unanswered");
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBurst));
  state.counters["ns_per_query"] = benchmark::Counter(
      static_cast<double>(state.iterations() * kBurst),
      benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

BENCHMARK_CAPTURE(BM_answer, a_hit, "a_hit");
BENCHMARK_CAPTURE(BM_answer, chain3, "chain3");
BENCHMARK_CAPTURE(BM_answer, dname, "dname");
BENCHMARK_CAPTURE(BM_answer, nxdomain, "nxdomain");

}  // namespace

BENCHMARK_MAIN();
