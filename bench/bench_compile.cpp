// Compile rate: canon::zones::compile() on canon-genzone's single-A zones of
// 1K, 100K and 1M names (each one A record; plus SOA, 2 NS, 2 glue A).
//
// The zone files are made once by canon-genzone (path compiled in) in
// $CANON_BENCH_ZONE_DIR, or in this build directory's bench/ when it is unset,
// and reused while they exist: bench/run points the variable at the zones it
// generated itself. Same arguments, same bytes, so the two agree.
//
// Counters (per compile, averaged over the iterations of a run):
//   records_per_second  records over wall time (load + compile)
//   load_s              libzscanner parse into records (CompileStats)
//   compile_s           checks, nodes, trie, chains, additional (CompileStats)
//   bytes_per_record    Snapshot::bytes() / records
// Wall time is the measure (UseRealTime): compile reads a file.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "zones/compiler.hpp"

namespace {

std::string zone_file(std::int64_t names, std::string& error) {
  const char* dir = std::getenv("CANON_BENCH_ZONE_DIR");
  const std::string path = std::string(dir && *dir ? dir : CANON_BENCH_ZONE_DIR) + "/a-" +
                           std::to_string(names) + ".zone";
  if (std::filesystem::exists(path)) return path;
  const std::string command = std::string("'") + CANON_GENZONE +
                              "' --origin example.com. --seed 1 --names " + std::to_string(names) +
                              " -o '" + path + ".tmp' && mv '" + path + ".tmp' '" + path + "'";
  if (std::system(command.c_str()) != 0) error = "could not generate the zone: " + command;
  return path;
}

void BM_compile(benchmark::State& state) {
  std::string error;
  const std::string file = zone_file(state.range(0), error);
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  const std::vector<canon::zones::ZoneSource> sources{{"example.com.", file}};
  double load = 0, compile = 0, records = 0, bytes = 0, nodes = 0;
  for ([[maybe_unused]] const auto& _ : state) {
    canon::zones::CompileResult result = canon::zones::compile(sources);
    if (!result.snapshot) {
      const std::string first =
          result.findings.items.empty() ? "" : result.findings.items.front().to_string();
      state.SkipWithError(("zone refused: " + first).c_str());
      break;
    }
    load += result.stats.load_seconds;
    compile += result.stats.compile_seconds;
    records += static_cast<double>(result.stats.records);
    bytes = static_cast<double>(result.stats.snapshot_bytes);
    nodes = static_cast<double>(result.stats.nodes);
    // Freeing the snapshot is the publisher's cost, later; not compile time.
    state.PauseTiming();
    result.snapshot.reset();
    state.ResumeTiming();
  }
  if (state.iterations() == 0 || records == 0) return;
  using benchmark::Counter;
  const double per_run = records / static_cast<double>(state.iterations());
  state.counters["records_per_second"] = Counter(records, Counter::kIsRate);
  state.counters["load_s"] = Counter(load, Counter::kAvgIterations);
  state.counters["compile_s"] = Counter(compile, Counter::kAvgIterations);
  state.counters["bytes_per_record"] = bytes / per_run;
  state.counters["snapshot_MB"] = bytes / 1e6;
  state.counters["nodes"] = nodes;
}

BENCHMARK(BM_compile)
    ->Arg(1000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
