// Zone files → a checked, compiled Snapshot: the one entry point the control
// thread, canon-checkzone and the benchmarks use.
#pragma once

#include <functional>
#include <memory>
#include <span>

#include "zones/finding.hpp"
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
  CompileStats stats;
};

// Told the running record count every RecordStore::kProgressEvery records.
using LoadProgress = std::function<void(std::uint64_t records)>;

// Loads, checks and compiles all zones into one snapshot. Never throws for bad
// input: every problem is a finding.
[[nodiscard]] CompileResult compile(std::span<const ZoneSource> zones,
                                    const LoadProgress& progress = {});

}  // namespace canon::zones
