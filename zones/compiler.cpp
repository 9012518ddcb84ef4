#include "zones/compiler.hpp"

#include <chrono>
#include <exception>

#include "zones/loader.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The zone table with nesting worked out: each zone learns the served zones
// directly above and below it. Zones with a bad or repeated origin are
// reported and left out.
std::vector<ZoneMeta> describe_zones(std::span<const ZoneSource> zones, Findings& findings) {
  std::vector<ZoneMeta> metas;
  for (const ZoneSource& source : zones) {
    ZoneMeta meta;
    meta.file = source.file;
    if (!text_to_wire(source.origin, meta.origin_wire)) {
      findings.add(Finding{CheckId::kSyntax, source.file, 0, source.origin, 0,
                           "'" + source.origin + "' is not a valid zone origin"});
      continue;
    }
    const auto* wire = reinterpret_cast<const std::uint8_t*>(meta.origin_wire.data());
    make_key(wire, meta.origin_key);
    meta.origin_text = wire_to_text(wire);
    bool duplicate = false;
    for (const ZoneMeta& other : metas) {
      if (key_to_text(other.origin_key.view()) == key_to_text(meta.origin_key.view())) {
        findings.add(Finding{CheckId::kZoneDuplicate, source.file, 0, meta.origin_text, 0,
                             "zone given twice (also from " + other.file + ")"});
        duplicate = true;
      }
    }
    if (!duplicate) metas.push_back(std::move(meta));
  }
  for (std::uint32_t i = 0; i < metas.size(); ++i) {
    const auto self = metas[i].origin_key.view();
    for (std::uint32_t j = 0; j < metas.size(); ++j) {
      const auto above = metas[j].origin_key.view();
      if (above.size() >= self.size() || !key_is_below_or_at(self, above)) continue;
      if (metas[i].parent == kNone || above.size() > metas[metas[i].parent].origin_key.length) {
        metas[i].parent = j;
      }
    }
    if (metas[i].parent != kNone) metas[metas[i].parent].children.push_back(i);
  }
  return metas;
}

}  // namespace

CompileResult compile(std::span<const ZoneSource> zones, const LoadProgress& progress) {
  CompileResult result;
  try {
    const auto start = std::chrono::steady_clock::now();
    std::vector<ZoneMeta> metas = describe_zones(zones, result.findings);
    RecordStore store;
    store.on_progress = progress;
    for (std::uint32_t z = 0; z < metas.size(); ++z) {
      load_zone(ZoneSource{metas[z].origin_text, metas[z].file}, z, store, result.findings);
    }
    result.stats.load_seconds = seconds_since(start);

    const auto compile_start = std::chrono::steady_clock::now();
    SnapshotBuilder builder(store, std::move(metas), result.findings);
    std::unique_ptr<Snapshot> snapshot = builder.build();
    result.stats.compile_seconds = seconds_since(compile_start);
    result.stats.records = store.records.size();
    result.stats.nodes = snapshot->node_count();
    result.stats.snapshot_bytes = snapshot->bytes();
    if (result.findings.errors() == 0) result.snapshot = std::move(snapshot);
  } catch (const std::exception& e) {
    result.findings.add(Finding{CheckId::kLimit, zones.empty() ? "" : zones.front().file, 0, {}, 0,
                                std::string("zone set refused: ") + e.what()});
    result.snapshot.reset();
  }
  result.findings.sort();
  return result;
}

}  // namespace canon::zones
