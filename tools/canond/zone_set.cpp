#include "tools/canond/zone_set.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <exception>
#include <mutex>
#include <thread>

#include "tools/canond/log.hpp"

namespace canon::daemon {

std::string ZoneSet::canonical(std::string_view origin) {
  std::string out(origin);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
    return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c);
  });
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

void ZoneSet::put(ZoneState zone) {
  const std::string key = canonical(zone.source.origin);
  if (const auto it = by_origin_.find(key); it != by_origin_.end()) {
    zones_[it->second] = std::move(zone);
    return;
  }
  by_origin_.emplace(key, zones_.size());
  zones_.push_back(std::move(zone));
}

bool ZoneSet::drop(std::string_view origin) {
  const auto it = by_origin_.find(canonical(origin));
  if (it == by_origin_.end()) return false;
  const std::size_t index = it->second;
  zones_.erase(zones_.begin() + static_cast<std::ptrdiff_t>(index));
  by_origin_.erase(it);
  for (auto& [key, at] : by_origin_) {
    if (at > index) --at;
  }
  return true;
}

const ZoneState* ZoneSet::find(std::string_view origin) const {
  const auto it = by_origin_.find(canonical(origin));
  return it == by_origin_.end() ? nullptr : &zones_[it->second];
}

ZoneState* ZoneSet::find(std::string_view origin) {
  const auto it = by_origin_.find(canonical(origin));
  return it == by_origin_.end() ? nullptr : &zones_[it->second];
}

std::shared_ptr<const zones::ZoneTable> ZoneSet::table(const zones::ZoneTable* served) const {
  std::vector<std::shared_ptr<const zones::Snapshot>> units;
  units.reserve(zones_.size());
  for (const ZoneState& zone : zones_) units.push_back(zone.unit);
  return std::make_shared<const zones::ZoneTable>(std::move(units), served);
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

std::string first_error(const zones::Findings& findings) {
  const std::vector<std::string> lines = finding_lines(findings, 1);
  return lines.empty() ? std::string("errors in the zone") : lines.front();
}

// Runs work(i) for i in [0, count) on `threads` threads (this one too),
// each taking the next i; rethrows the first exception.
template <class Work>
void parallel_for(std::size_t count, unsigned threads, const Work& work) {
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto run = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        work(i);
      } catch (...) {
        const std::lock_guard<std::mutex> hold(failure_lock);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  threads = static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, std::max<std::size_t>(count, 1)));
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(run);
  run();
  for (std::thread& helper : helpers) helper.join();
  if (failure) std::rethrow_exception(failure);
}

}  // namespace

ZoneUpdateOutcome apply_updates(const ZoneSet& current, const std::vector<ZoneUpdate>& updates,
                                const std::vector<std::string>& drops, std::string_view what,
                                const zones::ZoneLimits& limits, double now, unsigned threads,
                                const zones::ZoneTable* served) {
  ZoneUpdateOutcome out;
  out.next = current;
  ZoneSet& next = out.next;
  for (const std::string& origin : drops) out.changed |= next.drop(origin);
  // Each new version compiled alone: its unit, or its errors.
  std::vector<zones::CompileResult> compiled(updates.size());
  parallel_for(updates.size(), threads, [&](std::size_t i) {
    compiled[i] = zones::compile_loaded({&updates[i].loaded, 1}, limits);
  });
  for (std::size_t i = 0; i < updates.size(); ++i) {
    const ZoneUpdate& update = updates[i];
    zones::CompileResult& result = compiled[i];
    out.stats.records += result.stats.records;
    out.stats.nodes += result.stats.nodes;
    out.stats.snapshot_bytes += result.stats.snapshot_bytes;
    out.stats.compile_seconds += result.stats.compile_seconds;
    const zones::ZoneSource& source = update.loaded->source;
    ZoneState state;
    const ZoneState* existing = next.find(source.origin);
    if (existing != nullptr) state = *existing;
    state.source = source;
    state.from_config = state.from_config || update.from_config;
    if (result.snapshot) {
      state.served = update.loaded;
      state.unit = std::move(result.snapshot);
      state.last_error.clear();
      state.loaded_at = now;
      for (zones::Finding& f : result.findings.items) out.warnings.add(std::move(f));
      next.put(std::move(state));
      out.changed = true;
      continue;
    }
    // Refused: the zone keeps what it served.
    state.last_error = first_error(result.findings);
    ++state.load_failures;
    out.refused.push_back(state.source.origin + ": " + state.last_error);
    for (std::string& line : finding_lines(result.findings, 20)) out.refused_lines.push_back(std::move(line));
    const bool had_version = existing != nullptr && !existing->served->failed;
    log_warning(std::string(what) + ": " + state.source.origin + " refused, " +
                (had_version           ? "still serving its previous version"
                 : state.from_config   ? "its names get SERVFAIL"
                                       : "not added") +
                ": " + state.last_error);
    if (existing != nullptr) {
      next.put(std::move(state));
    } else if (state.from_config) {
      // Configured: SERVFAIL until a version loads.
      state.served = zones::failed_zone(state.source);
      zones::CompileResult stand_in = zones::compile_loaded({&state.served, 1}, limits);
      if (!stand_in.snapshot) continue;  // an origin no zone can have: nothing to serve
      state.unit = std::move(stand_in.snapshot);
      next.put(std::move(state));
      out.changed = true;
    }
    // A zone-load of a new zone with errors: not added.
  }
  out.table = next.table(served);
  char line[256];
  std::snprintf(line, sizeof(line),
                "%.*s: %zu zone(s) served; %zu compiled (%llu records, %llu names) in %.3f s; "
                "%zu refused, %zu warning(s)",
                static_cast<int>(what.size()), what.data(), next.zones().size(), updates.size(),
                static_cast<unsigned long long>(out.stats.records),
                static_cast<unsigned long long>(out.stats.nodes), out.stats.compile_seconds,
                out.refused.size(), out.warnings.warnings());
  log(out.refused.empty() ? LogLevel::kInfo : LogLevel::kWarning, line);
  return out;
}

std::shared_ptr<const zones::LoadedZone> load_logged(const zones::ZoneSource& source,
                                                     std::string_view what,
                                                     const zones::ZoneLimits& limits) {
  const auto start = std::chrono::steady_clock::now();
  const std::string name = std::string(what) + ": " + source.origin;
  const auto progress = [&](std::uint64_t records) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[160];
    std::snprintf(line, sizeof(line), "%s: read %llu records (%.2f M records/s)", name.c_str(),
                  static_cast<unsigned long long>(records),
                  seconds > 0 ? static_cast<double>(records) / seconds / 1e6 : 0.0);
    log_info(line);
  };
  auto zone = zones::load_zone_file(source, progress, limits);
  char line[320];
  std::snprintf(line, sizeof(line), "%s: read %zu records from %s in %.3f s", name.c_str(),
                zone->store.records.size(), source.file.c_str(), zone->load_seconds);
  log_info(line);
  return zone;
}

std::vector<std::shared_ptr<const zones::LoadedZone>> load_all_logged(
    std::span<const zones::ZoneSource> sources, std::string_view what, const zones::ZoneLimits& limits,
    unsigned threads) {
  std::vector<std::shared_ptr<const zones::LoadedZone>> out(sources.size());
  parallel_for(sources.size(), threads, [&](std::size_t i) { out[i] = load_logged(sources[i], what, limits); });
  return out;
}

std::vector<std::string> finding_lines(zones::Findings findings, std::size_t limit) {
  findings.sort();
  std::stable_partition(findings.items.begin(), findings.items.end(), [](const zones::Finding& f) {
    return f.severity() == zones::Severity::kError;
  });
  std::vector<std::string> out;
  const std::size_t shown = std::min(limit, findings.items.size());
  out.reserve(shown + 1);
  for (std::size_t i = 0; i < shown; ++i) out.push_back(findings.items[i].to_string());
  if (findings.items.size() > shown) {
    out.push_back("... and " + std::to_string(findings.items.size() - shown) + " more finding(s)");
  }
  return out;
}

}  // namespace canon::daemon
