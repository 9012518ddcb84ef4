// The engine benchmarks' workload: canon-genzone's 1M-name example.com. and
// a zone of aliases, each compiled alone into its unit of one zone table as
// canond serves them, and query packets of each kind (see bench_engine.cpp).
// $CANON_BENCH_EXTRA_ZONES adds that many small zones' units to the table
// (default 0), as on a server of many customer zones; $CANON_BENCH_ONE_UNIT=1
// compiles them all into one unit instead. Built once per process.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "zones/zone_table.hpp"

namespace canon::bench {

struct Workload {
  std::shared_ptr<const zones::ZoneTable> table;
  std::map<std::string, std::vector<std::vector<std::uint8_t>>> queries;  // kind → packets
  std::string error;

  // `genzone`: path of canon-genzone; `dir`: where zone files are kept.
  // $CANON_BENCH_NAMES overrides the size of the large zone (default 1M).
  static const Workload& get(const std::string& genzone, const std::string& dir);
};

// Feeds one kind of the workload's queries to an Engine in bursts, each
// answer overwriting its query in the buffer as it would in a NIC's mbuf.
class BurstRunner {
 public:
  static constexpr std::size_t kBurst = 32;
  // `policy` (optional): answered with it, as a worker with --policy would.
  BurstRunner(const Workload& workload, const std::string& kind, const engine::Policy* policy = nullptr);

  // Answers the next `n` (at most kBurst) queries; returns how many got an answer.
  std::size_t run(std::size_t n = kBurst);

 private:
  const Workload& workload_;
  const std::vector<std::vector<std::uint8_t>>& queries_;
  const engine::Policy* policy_;
  engine::EngineConfig config_;
  std::unique_ptr<engine::Engine> engine_;
  std::vector<std::vector<std::uint8_t>> buffers_;
  engine::Packet packets_[kBurst];
  std::size_t next_ = 0;
};

}  // namespace canon::bench
