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
//
// BM_replace_unit/N: the zone table canond builds when one zone of N names
// (the same zones) gets a new version beside 100 small zones: the new
// ZoneTable from the one served, sharing what the change leaves alone.
// The zone's compile is not in it (done once, outside the loop).
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/zone_table.hpp"

namespace {

std::string zone_file(std::int64_t names, std::string& error, const std::string& origin = "example.com.") {
  const char* dir = std::getenv("CANON_BENCH_ZONE_DIR");
  const std::string path = std::string(dir && *dir ? dir : CANON_BENCH_ZONE_DIR) + "/a-" +
                           (origin == "example.com." ? "" : origin) + std::to_string(names) + ".zone";
  if (std::filesystem::exists(path)) return path;
  const std::string command = std::string("'") + CANON_GENZONE + "' --origin " + origin +
                              " --seed 1 --names " + std::to_string(names) +
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

void BM_replace_unit(benchmark::State& state) {
  std::string error;
  const std::string file = zone_file(state.range(0), error);
  if (!error.empty()) {
    state.SkipWithError(error.c_str());
    return;
  }
  using Unit = std::shared_ptr<const canon::zones::Snapshot>;
  auto compile_one = [](const canon::zones::ZoneSource& source) -> Unit {
    return canon::zones::compile({&source, 1}).snapshot;
  };
  const Unit big = compile_one({"example.com.", file});
  const Unit big_again = compile_one({"example.com.", file});
  std::vector<Unit> units{big};
  for (int i = 0; i < 100; ++i) {
    const std::string origin = "z" + std::to_string(i) + ".example.net.";
    units.push_back(compile_one({origin, zone_file(1000, error, origin)}));
  }
  if (!big || !big_again || !error.empty() || std::find(units.begin(), units.end(), nullptr) != units.end()) {
    state.SkipWithError("a zone was refused");
    return;
  }
  std::vector<Unit> next_units = units;
  next_units.front() = big_again;
  const auto served = std::make_shared<const canon::zones::ZoneTable>(units);
  for ([[maybe_unused]] const auto& _ : state) {
    auto next = std::make_unique<canon::zones::ZoneTable>(next_units, served.get());
    benchmark::DoNotOptimize(next->zone_count());
    state.PauseTiming();  // freeing it is the publisher's cost, later
    next.reset();
    state.ResumeTiming();
  }
  state.counters["own_index"] = big->node_count() >= canon::zones::ZoneTable::kOwnIndexNodes ? 1 : 0;
}

BENCHMARK(BM_replace_unit)
    ->Arg(10'000)
    ->Arg(100'000)
    ->Arg(1'000'000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
