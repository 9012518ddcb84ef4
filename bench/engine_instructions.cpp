// Counts what one answer costs in instructions, for callgrind:
//
//   valgrind --tool=callgrind --toggle-collect='canon::engine::Engine::answer_burst*'
//            bench/engine-instructions KIND COUNT
//
// answers COUNT queries of KIND (a_hit, chain3, dname, nxdomain; see
// bench_engine.cpp) in bursts of 32. Only answer_burst is counted, so the
// total divided by COUNT is the engine's instructions per answer: parsing,
// lookup, chase, writing. bench/instructions runs it for every kind beside
// knotd under the same tool.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "bench/engine_workload.hpp"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: engine-instructions a_hit|chain3|dname|nxdomain COUNT\n");
    return 2;
  }
  const std::string kind = argv[1];
  const std::size_t count = std::strtoull(argv[2], nullptr, 10);
  const auto& w = canon::bench::Workload::get(CANON_GENZONE, CANON_BENCH_ZONE_DIR);
  if (!w.error.empty() || !w.queries.count(kind)) {
    std::fprintf(stderr, "engine-instructions: %s\n", w.error.empty() ? "unknown kind" : w.error.c_str());
    return 1;
  }
  canon::bench::BurstRunner runner(w, kind);
  std::size_t answered = 0;
  for (std::size_t done = 0; done < count; done += canon::bench::BurstRunner::kBurst) {
    answered += runner.run(std::min(canon::bench::BurstRunner::kBurst, count - done));
  }
  std::printf("%s: %zu queries, %zu answered\n", kind.c_str(), count, answered);
  return answered == count ? 0 : 1;
}
