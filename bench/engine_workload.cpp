#include "bench/engine_workload.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "zones/compiler.hpp"

namespace canon::bench {

namespace {

constexpr std::size_t kQueriesPerKind = 4096;

std::vector<std::uint8_t> query(const std::string& name, std::uint16_t id, std::uint16_t qtype = 1) {
  std::vector<std::uint8_t> q = {static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id),
                                 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 1};
  std::stringstream labels(name);
  std::string label;
  while (std::getline(labels, label, '.')) {
    if (label.empty()) continue;
    q.push_back(static_cast<std::uint8_t>(label.size()));
    q.insert(q.end(), label.begin(), label.end());
  }
  q.push_back(0);
  const std::uint8_t tail[] = {static_cast<std::uint8_t>(qtype >> 8), static_cast<std::uint8_t>(qtype), 0, 1,  // QTYPE IN
                               0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};       // OPT, 1232
  q.insert(q.end(), std::begin(tail), std::end(tail));
  return q;
}

// The aliases: 4096 three-link chains and a DNAME onto the large zone.
std::string alias_zone(std::size_t chains) {
  std::string z =
      "$ORIGIN alias.test.\n$TTL 3600\n"
      "@ SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n"
      "@ NS ns1.example.com.\n"
      "d DNAME example.com.\n";
  for (std::size_t i = 0; i < chains; ++i) {
    const std::string n = std::to_string(i);
    z += "c" + n + " CNAME c" + n + "b\nc" + n + "b CNAME c" + n + "c\nc" + n + "c CNAME t" + n +
         "\nt" + n + " A 192.0.2.7\nm" + n + " MX 10 t" + n + "\n";
  }
  return z;
}

Workload build(const std::string& genzone, const std::string& dir) {
  Workload w;
  const char* size = std::getenv("CANON_BENCH_NAMES");
  const std::string names = size && *size ? size : "1000000";
  const std::string big = dir + "/a-" + names + ".zone";
  if (!std::filesystem::exists(big)) {
    const std::string command = "'" + genzone + "' --origin example.com. --seed 1 --names " + names +
                                " -o '" + big + ".tmp' && mv '" + big + ".tmp' '" + big + "'";
    if (std::system(command.c_str()) != 0) {
      w.error = "could not generate " + big;
      return w;
    }
  }
  const std::string aliases = dir + "/alias.test.zone";
  std::ofstream(aliases) << alias_zone(kQueriesPerKind);

  std::vector<zones::ZoneSource> sources{{"example.com.", big}, {"alias.test.", aliases}};
  const char* extra = std::getenv("CANON_BENCH_EXTRA_ZONES");
  const std::size_t extra_zones = extra && *extra ? std::strtoull(extra, nullptr, 10) : 0;
  for (std::size_t i = 0; i < extra_zones; ++i) {
    const std::string origin = "customer" + std::to_string(i) + ".test.";
    const std::string file = dir + "/" + origin + "zone";
    std::ofstream(file) << "$ORIGIN " << origin << "\n$TTL 3600\n"
                        << "@ SOA ns1.example.com. hostmaster.example.com. 1 7200 3600 1209600 300\n"
                        << "@ NS ns1.example.com.\nwww A 192.0.2.1\n_verify CNAME www\n";
    sources.push_back({origin, file});
  }
  // $CANON_BENCH_ONE_UNIT=1: every zone in one unit, as canon-query and
  // canon-checkzone compile them (no zone table probe per name).
  const char* one = std::getenv("CANON_BENCH_ONE_UNIT");
  const bool one_unit = one && std::string(one) == "1";
  std::vector<std::shared_ptr<const zones::Snapshot>> units;
  for (std::size_t i = 0; i < (one_unit ? 1 : sources.size()); ++i) {
    auto result = one_unit ? zones::compile(sources) : zones::compile({&sources[i], 1});
    const zones::ZoneSource& source = sources[i];
    if (!result.snapshot) {
      w.error = "zone " + source.origin + " refused: " +
                (result.findings.items.empty() ? std::string() : result.findings.items[0].to_string());
      return w;
    }
    units.push_back(std::move(result.snapshot));
  }
  // $CANON_BENCH_OWN_INDEX_NODES=N: units of N names or more find their
  // names with their own index, not the table's (zone_table.hpp).
  const char* own = std::getenv("CANON_BENCH_OWN_INDEX_NODES");
  const std::size_t own_index_nodes =
      own && *own ? std::strtoull(own, nullptr, 10) : zones::ZoneTable::kOwnIndexNodes;
  w.table = std::make_shared<const zones::ZoneTable>(std::move(units), nullptr, own_index_nodes);

  // Owner names of the large zone's A records ("label IN A address").
  std::vector<std::string> labels;
  std::ifstream in(big);
  std::string line;
  while (std::getline(in, line)) {
    const auto space = line.find(' ');
    if (space == std::string::npos || line[0] == ';' || line[0] == '$' || line[0] == '@') continue;
    if (line.compare(space, 6, " IN A ") == 0) labels.push_back(line.substr(0, space));
  }
  std::mt19937_64 rng(7);
  std::shuffle(labels.begin(), labels.end(), rng);
  const std::size_t n = std::min(kQueriesPerKind, labels.size());
  for (std::size_t i = 0; i < n; ++i) {
    const auto id = static_cast<std::uint16_t>(i);
    w.queries["a_hit"].push_back(query(labels[i] + ".example.com", id));
    w.queries["dname"].push_back(query(labels[n + i < labels.size() ? n + i : i] + ".d.alias.test", id));
    w.queries["nxdomain"].push_back(query(labels[i] + "-nx.example.com", id));
    w.queries["nodata"].push_back(query(labels[i] + ".example.com", id, 28));  // AAAA of an A-only name
    w.queries["chain3"].push_back(query("c" + std::to_string(i) + ".alias.test", id));
    w.queries["mx"].push_back(query("m" + std::to_string(i) + ".alias.test", id, 15));
  }
  std::shuffle(w.queries["chain3"].begin(), w.queries["chain3"].end(), rng);
  return w;
}

}  // namespace

BurstRunner::BurstRunner(const Workload& workload, const std::string& kind, const engine::Policy* policy)
    : workload_(workload),
      queries_(workload.queries.at(kind)),
      policy_(policy),
      engine_(std::make_unique<engine::Engine>(config_)),
      buffers_(kBurst, std::vector<std::uint8_t>(1500)) {}

std::size_t BurstRunner::run(std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) {
    const auto& q = queries_[next_++ % queries_.size()];
    std::copy(q.begin(), q.end(), buffers_[i].begin());
    // Sources spread over 256 /24s, so RRL buckets are found and refilled
    // rather than all taken from one.
    const std::uint8_t source[4] = {198, 18, static_cast<std::uint8_t>(next_), 7};
    packets_[i] = {buffers_[i].data(), static_cast<std::uint16_t>(q.size()), 1500,
                   engine::ClientAddress::v4(source)};
  }
  engine_->answer_burst(*workload_.table, policy_, packets_, n, engine::Transport::kUdp);
  std::size_t answered = 0;
  for (std::size_t i = 0; i < n; ++i) answered += packets_[i].length != 0;
  return answered;
}

const Workload& Workload::get(const std::string& genzone, const std::string& dir) {
  static const Workload workload = build(genzone, dir);
  return workload;
}

}  // namespace canon::bench
