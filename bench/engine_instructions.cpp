// Counts what one answer costs in instructions, for callgrind:
//
//   valgrind --tool=callgrind --toggle-collect='canon::engine::Engine::run_burst*'
//            bench/engine-instructions KIND COUNT [RULES [rrl]]
//
// answers COUNT queries of KIND (a_hit, chain3, dname, nxdomain, mx, nodata; see
// bench_engine.cpp) in bursts of 32, with a policy of RULES generated rules
// that none of the names match (and rate limiting on with `rrl`) when given.
// Only the burst (Engine::run_burst, behind answer_burst) is counted, so the
// total divided by COUNT is the engine's instructions per answer: parsing,
// lookup, chase, writing. bench/instructions runs it for every kind beside
// knotd under the same tool.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/engine_workload.hpp"
#include "tests/engine/generated_rules.hpp"

int main(int argc, char** argv) {
  if (argc < 3 || argc > 5) {
    std::fprintf(stderr, "usage: engine-instructions a_hit|chain3|dname|nxdomain|mx|nodata COUNT [RULES [rrl]]\n");
    return 2;
  }
  const std::string kind = argv[1];
  const std::size_t count = std::strtoull(argv[2], nullptr, 10);
  const auto& w = canon::bench::Workload::get(CANON_GENZONE, CANON_BENCH_ZONE_DIR);
  if (!w.error.empty() || !w.queries.count(kind)) {
    std::fprintf(stderr, "engine-instructions: %s\n", w.error.empty() ? "unknown kind" : w.error.c_str());
    return 1;
  }
  std::shared_ptr<const canon::engine::Policy> policy;
  if (argc >= 4) {
    canon::engine::PolicySpec spec;
    spec.rules = canon::engine::testing::generated_blocklist(std::atoi(argv[3]));
    spec.rrl.enabled = argc == 5 && std::string(argv[4]) == "rrl";
    spec.rrl.rate = 1'000'000;
    policy = canon::engine::Policy::compile(spec, 1, 1);
  }
  canon::bench::BurstRunner runner(w, kind, policy.get());
  std::size_t answered = 0;
  for (std::size_t done = 0; done < count; done += canon::bench::BurstRunner::kBurst) {
    answered += runner.run(std::min(canon::bench::BurstRunner::kBurst, count - done));
  }
  std::printf("%s: %zu queries, %zu answered\n", kind.c_str(), count, answered);
  return answered == count ? 0 : 1;
}
