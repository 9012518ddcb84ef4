// Zone files → a checked, compiled Snapshot: the one entry point the control
// thread, canon-checkzone and the benchmarks use.
#pragma once

#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "zones/finding.hpp"
#include "zones/limits.hpp"
#include "zones/record_store.hpp"
#include "zones/snapshot.hpp"
#include "zones/zone_source.hpp"

namespace canon::zones {

struct CompileStats {
  double load_seconds = 0;     // libzscanner parse into records
  double compile_seconds = 0;  // checks, nodes, trie, chains, additional
  std::uint64_t records = 0;
  std::uint64_t nodes = 0;
  std::uint64_t snapshot_bytes = 0;
};

struct CompileResult {
  // Set only when no finding is an error: a zone with errors is refused whole.
  std::shared_ptr<const Snapshot> snapshot;
  Findings findings;
  // The zones (indices into compile_loaded's input) that have errors of
  // their own, from loading or from the checks; empty when an error could
  // not be pinned on one zone.
  std::vector<std::size_t> zones_with_errors;
  CompileStats stats;
};

// Told the running record count every RecordStore::kProgressEvery records.
using LoadProgress = std::function<void(std::uint64_t records)>;

// One zone file read into records, kept by the control thread so that
// changing one zone recompiles the others from memory, not from files that
// may be mid-edit. Records carry zone index 0 until compile_loaded.
struct LoadedZone {
  ZoneSource source;
  RecordStore store;
  Findings findings;  // what loading found (syntax, class, out-of-zone, ...)
  double load_seconds = 0;
  // A stand-in for a zone none of whose versions loaded: no records, no
  // checks; compiled as a zone whose names all get SERVFAIL (Zone::failed).
  bool failed = false;
};

// The stand-in for `source` (LoadedZone::failed).
[[nodiscard]] std::shared_ptr<const LoadedZone> failed_zone(const ZoneSource& source);

[[nodiscard]] std::shared_ptr<const LoadedZone> load_zone_file(const ZoneSource& source,
                                                              const LoadProgress& progress = {},
                                                              const ZoneLimits& limits = {});

// Checks and compiles loaded zones into one snapshot; the findings include
// each zone's load findings. Never throws for bad input.
[[nodiscard]] CompileResult compile_loaded(std::span<const std::shared_ptr<const LoadedZone>> zones,
                                          const ZoneLimits& limits = {});

// Loads, checks and compiles all zones into one snapshot. Never throws for bad
// input: every problem is a finding.
[[nodiscard]] CompileResult compile(std::span<const ZoneSource> zones,
                                    const LoadProgress& progress = {}, const ZoneLimits& limits = {});

}  // namespace canon::zones
