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

std::vector<std::shared_ptr<const zones::LoadedZone>> ZoneSet::versions() const {
  std::vector<std::shared_ptr<const zones::LoadedZone>> out;
  out.reserve(zones_.size());
  for (const ZoneState& zone : zones_) out.push_back(zone.served);
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

namespace {

// The findings that belong to `zone`'s version: those in its files.
zones::Findings findings_of(const zones::Findings& all, const zones::LoadedZone& zone) {
  zones::Findings out;
  for (const zones::Finding& f : all.items) {
    const auto& files = zone.store.files;
    if (f.file == zone.source.file || std::find(files.begin(), files.end(), f.file) != files.end())
      out.add(f);
  }
  return out;
}

std::string first_error(const zones::Findings& findings) {
  const std::vector<std::string> lines = finding_lines(findings, 1);
  return lines.empty() ? std::string("errors in the zone") : lines.front();
}

}  // namespace

ZoneUpdateOutcome apply_updates(const ZoneSet& current, const std::vector<ZoneUpdate>& updates,
                                const std::vector<std::string>& drops, std::string_view what,
                                const zones::ZoneLimits& limits, double now) {
  ZoneUpdateOutcome out;
  out.next = current;
  ZoneSet& next = out.next;
  for (const std::string& origin : drops) out.changed |= next.drop(origin);
  // Each update goes in on trial; `before` remembers what its zone served.
  struct Trial {
    std::string origin;
    std::shared_ptr<const zones::LoadedZone> before;  // null: a zone new to the set
    bool open = true;                                 // not refused yet
  };
  std::vector<Trial> trials;
  for (const ZoneUpdate& update : updates) {
    const zones::ZoneSource& source = update.loaded->source;
    ZoneState state;
    if (const ZoneState* existing = next.find(source.origin)) state = *existing;
    trials.push_back(Trial{ZoneSet::canonical(source.origin), state.served});
    state.source = source;
    state.served = update.loaded;
    state.from_config = state.from_config || update.from_config;
    next.put(std::move(state));
  }
  auto refuse = [&](Trial& trial, ZoneState& state, const zones::Findings& findings) {
    trial.open = false;
    const zones::Findings own = findings_of(findings, *state.served);
    state.last_error = first_error(own);
    ++state.load_failures;
    out.refused.push_back(state.source.origin + ": " + state.last_error);
    for (std::string& line : finding_lines(own, 20)) out.refused_lines.push_back(std::move(line));
    log_warning(std::string(what) + ": " + state.source.origin + " refused, " +
                (trial.before && !trial.before->failed ? "still serving its previous version"
                 : state.from_config                   ? "its names get SERVFAIL"
                                                       : "not added") +
                ": " + state.last_error);
    if (trial.before) {
      state.served = trial.before;
    } else if (state.from_config) {
      state.served =
          zones::failed_zone(state.source);  // configured: SERVFAIL until a version loads
      out.changed = true;
    } else {
      (void)next.drop(trial.origin);  // zone-load of a new zone: not added
    }
  };

  // Refusing a zone can only remove errors, so this ends: at worst every
  // trial is refused and the set is what was served.
  for (std::size_t round = 0; round <= trials.size() + next.zones().size(); ++round) {
    out.result = zones::compile_loaded(next.versions(), limits);
    if (out.result.snapshot) break;
    std::vector<std::string> erring;
    for (std::size_t index : out.result.zones_with_errors) {
      erring.push_back(ZoneSet::canonical(next.zones()[index].source.origin));
    }
    bool refused_one = false;
    for (const std::string& origin : erring) {
      ZoneState* state = next.find(origin);
      const auto trial = std::find_if(trials.begin(), trials.end(),
                                      [&](const Trial& t) { return t.open && t.origin == origin; });
      if (trial != trials.end()) {
        refuse(*trial, *state, out.result.findings);
        refused_one = true;
      } else if (state->served->failed) {
        // A stand-in that cannot be compiled (an origin no zone can have).
        state->last_error = first_error(findings_of(out.result.findings, *state->served));
        out.refused.push_back(state->source.origin + ": " + state->last_error);
        (void)next.drop(origin);
        out.changed = true;
        refused_one = true;
      }
    }
    if (!refused_one) break;  // errors that no single new version explains: refuse the change
  }
  char line[256];
  std::snprintf(line, sizeof(line),
                "%.*s: %zu zone(s), %llu records, %llu names; compiled in %.3f s; %zu refused, %zu "
                "warning(s)",
                static_cast<int>(what.size()), what.data(), next.zones().size(),
                static_cast<unsigned long long>(out.result.stats.records),
                static_cast<unsigned long long>(out.result.stats.nodes),
                out.result.stats.compile_seconds, out.refused.size(),
                out.result.findings.warnings());
  log(out.refused.empty() ? LogLevel::kInfo : LogLevel::kWarning, line);
  if (!out.result.snapshot) {
    out.changed = false;
    return out;
  }
  for (const Trial& trial : trials) {
    if (!trial.open) continue;
    ZoneState* state = next.find(trial.origin);
    state->last_error.clear();
    state->loaded_at = now;
    out.changed = true;
  }
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
  std::atomic<std::size_t> next{0};
  std::exception_ptr failure;
  std::mutex failure_lock;
  auto work = [&] {
    for (std::size_t i = next++; i < sources.size(); i = next++) {
      try {
        out[i] = load_logged(sources[i], what, limits);
      } catch (...) {
        const std::lock_guard<std::mutex> hold(failure_lock);
        if (!failure) failure = std::current_exception();
      }
    }
  };
  threads = static_cast<unsigned>(std::clamp<std::size_t>(threads, 1, sources.size()));
  std::vector<std::thread> helpers;
  for (unsigned t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& helper : helpers) helper.join();
  if (failure) std::rethrow_exception(failure);
  return out;
}

zones::CompileResult compile_logged(const ZoneSet& set, std::string_view what,
                                    const zones::ZoneLimits& limits) {
  zones::CompileResult result = zones::compile_loaded(set.versions(), limits);
  char line[256];
  std::snprintf(line, sizeof(line),
                "%.*s: %zu zone(s), %llu records, %llu names; compiled in %.3f s; %zu error(s), "
                "%zu warning(s)",
                static_cast<int>(what.size()), what.data(), set.zones().size(),
                static_cast<unsigned long long>(result.stats.records),
                static_cast<unsigned long long>(result.stats.nodes), result.stats.compile_seconds,
                result.findings.errors(), result.findings.warnings());
  log(result.findings.errors() ? LogLevel::kWarning : LogLevel::kInfo, line);
  return result;
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
