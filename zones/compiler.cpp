#include "zones/compiler.hpp"

#include <chrono>
#include <exception>
#include <stdexcept>
#include <unordered_map>

#include "zones/loader.hpp"
#include "zones/snapshot_builder.hpp"

namespace canon::zones {

namespace {

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The zone table with nesting worked out: each zone learns the served zones
// directly above and below it. Zones with a bad or repeated origin are
// reported and left out. Origins are found by key in a hash map, so 100,000
// zones cost 100,000 lookups per label, not 10^10 comparisons.
std::vector<ZoneMeta> describe_zones(std::span<const ZoneSource> zones, Findings& findings,
                                     std::vector<std::size_t>* accepted = nullptr) {
  std::vector<ZoneMeta> metas;
  std::unordered_map<std::string, std::uint32_t> by_key;  // origin key bytes → index in metas
  auto key_string = [](const LookupKey& key) {
    return std::string(reinterpret_cast<const char*>(key.bytes), key.length);
  };
  for (std::size_t index = 0; index < zones.size(); ++index) {
    const ZoneSource& source = zones[index];
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
    const auto [at, added] = by_key.emplace(key_string(meta.origin_key), static_cast<std::uint32_t>(metas.size()));
    if (!added) {
      findings.add(Finding{CheckId::kZoneDuplicate, source.file, 0, meta.origin_text, 0,
                           "zone given twice (also from " + metas[at->second].file + ")"});
      continue;
    }
    metas.push_back(std::move(meta));
    if (accepted) accepted->push_back(index);
  }
  // The parent is the longest proper ancestor that is served: keys are
  // labels reversed, so ancestors are the key's prefixes at label ends.
  for (std::uint32_t i = 0; i < metas.size(); ++i) {
    const auto self = metas[i].origin_key.view();
    if (self.empty()) continue;  // the root zone has no parent
    for (std::size_t length = key_parent_length(self);; length = key_parent_length(self.first(length))) {
      const auto it = by_key.find(std::string(reinterpret_cast<const char*>(self.data()), length));
      if (it != by_key.end()) {
        metas[i].parent = it->second;
        metas[it->second].children.push_back(i);
        break;
      }
      if (length == 0) break;
    }
  }
  return metas;
}

// Adds zone `zone`'s file names to `into` (Record::file stays per zone);
// its records stay in `from` until SnapshotBuilder::sort_records.
void merge_files(RecordStore& into, const RecordStore& from, std::uint32_t zone) {
  if (into.zone_files.size() <= zone) into.zone_files.resize(zone + 1, 0);
  into.zone_files[zone] = static_cast<std::uint32_t>(into.files.size());
  into.files.insert(into.files.end(), from.files.begin(), from.files.end());
}

}  // namespace

CompileResult compile(std::span<const ZoneSource> zones, const LoadProgress& progress,
                      const ZoneLimits& limits) {
  std::vector<std::shared_ptr<const LoadedZone>> loaded;
  loaded.reserve(zones.size());
  for (const ZoneSource& source : zones) loaded.push_back(load_zone_file(source, progress, limits));
  return compile_loaded(loaded, limits);
}

std::shared_ptr<const LoadedZone> load_zone_file(const ZoneSource& source, const LoadProgress& progress,
                                                 const ZoneLimits& limits) {
  auto zone = std::make_shared<LoadedZone>();
  zone->source = source;
  const auto start = std::chrono::steady_clock::now();
  // Load under the origin as the compiler will name it; a bad origin is
  // reported by compile_loaded, which refuses the zone.
  Findings ignored;
  const std::vector<ZoneMeta> meta = describe_zones(std::span(&source, 1), ignored);
  if (!meta.empty()) {
    zone->store.on_progress = progress;
    try {
      load_zone(ZoneSource{meta.front().origin_text, source.file, source.include_base}, 0,
                zone->store, zone->findings, limits);
    } catch (const std::exception& e) {
      zone->findings.add(Finding{CheckId::kLimit, source.file, 0, {}, 0, std::string("zone refused: ") + e.what()});
    }
    zone->store.on_progress = nullptr;
  }
  zone->load_seconds = seconds_since(start);
  return zone;
}

std::shared_ptr<const LoadedZone> failed_zone(const ZoneSource& source) {
  auto zone = std::make_shared<LoadedZone>();
  zone->source = source;
  zone->failed = true;
  return zone;
}

CompileResult compile_loaded(std::span<const std::shared_ptr<const LoadedZone>> zones,
                             const ZoneLimits& limits) {
  CompileResult result;
  try {
    std::vector<ZoneSource> sources;
    for (const auto& zone : zones) sources.push_back(zone->source);
    std::vector<std::size_t> accepted;
    std::vector<ZoneMeta> metas = describe_zones(sources, result.findings, &accepted);
    // A zone left out by describe_zones (bad or repeated origin) has errors.
    std::vector<bool> has_errors(zones.size(), true);
    for (std::size_t index : accepted) has_errors[index] = false;
    RecordStore store;
    std::vector<const RecordStore*> stores;
    for (std::uint32_t z = 0; z < metas.size(); ++z) {
      const LoadedZone& loaded = *zones[accepted[z]];
      metas[z].failed = loaded.failed;
      merge_files(store, loaded.store, z);
      stores.push_back(&loaded.store);
      for (const Finding& f : loaded.findings.items) result.findings.add(f);
      if (loaded.findings.errors() != 0) has_errors[accepted[z]] = true;
      result.stats.load_seconds += loaded.load_seconds;
    }
    const auto compile_start = std::chrono::steady_clock::now();
    SnapshotBuilder builder(store, std::move(stores), std::move(metas), result.findings, limits);
    std::unique_ptr<Snapshot> snapshot = builder.build();
    for (std::size_t z = 0; z < accepted.size(); ++z) {
      if (builder.zones_with_errors()[z]) has_errors[accepted[z]] = true;
    }
    for (std::size_t index = 0; index < zones.size(); ++index) {
      if (has_errors[index]) result.zones_with_errors.push_back(index);
    }
    result.stats.compile_seconds = seconds_since(compile_start);
    result.stats.records = store.records.size();
    result.stats.nodes = snapshot->node_count();
    result.stats.snapshot_bytes = snapshot->bytes();
    if (result.findings.errors() == 0) result.snapshot = std::move(snapshot);
  } catch (const std::exception& e) {
    result.findings.add(Finding{CheckId::kLimit, zones.empty() ? "" : zones.front()->source.file, 0, {}, 0,
                                std::string("zone set refused: ") + e.what()});
    result.snapshot.reset();
    result.zones_with_errors.clear();  // not pinned on one zone
  }
  result.findings.sort();
  return result;
}

}  // namespace canon::zones
