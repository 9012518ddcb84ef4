// The engine benchmarks' workload: a snapshot of canon-genzone's 1M-name
// example.com. plus a zone of aliases, and query packets of each kind
// (see bench_engine.cpp). Built once per process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "zones/snapshot.hpp"

namespace canon::bench {

struct Workload {
  std::shared_ptr<const zones::Snapshot> snapshot;
  std::map<std::string, std::vector<std::vector<std::uint8_t>>> queries;  // kind → packets
  std::string error;

  // `genzone`: path of canon-genzone; `dir`: where zone files are kept.
  // $CANON_BENCH_NAMES overrides the size of the large zone (default 1M).
  static const Workload& get(const std::string& genzone, const std::string& dir);
};

}  // namespace canon::bench
