#include "tools/canond/zone_set.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "tools/canond/log.hpp"

namespace canon::daemon {

std::string ZoneSet::canonical(std::string_view origin) {
  std::string out(origin);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
  if (out.empty() || out.back() != '.') out += '.';
  return out;
}

void ZoneSet::put(Zone zone) {
  for (Zone& existing : zones_) {
    if (canonical(existing->source.origin) == canonical(zone->source.origin)) {
      existing = std::move(zone);
      return;
    }
  }
  zones_.push_back(std::move(zone));
}

bool ZoneSet::drop(std::string_view origin) {
  const std::string key = canonical(origin);
  const auto it = std::find_if(zones_.begin(), zones_.end(),
                               [&](const Zone& z) { return canonical(z->source.origin) == key; });
  if (it == zones_.end()) return false;
  zones_.erase(it);
  return true;
}

const zones::LoadedZone* ZoneSet::find(std::string_view origin) const {
  const std::string key = canonical(origin);
  for (const Zone& z : zones_) {
    if (canonical(z->source.origin) == key) return z.get();
  }
  return nullptr;
}

ZoneSet::Zone load_logged(const zones::ZoneSource& source, std::string_view what,
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
  ZoneSet::Zone zone = zones::load_zone_file(source, progress, limits);
  char line[320];
  std::snprintf(line, sizeof(line), "%s: read %zu records from %s in %.3f s", name.c_str(),
                zone->store.records.size(), source.file.c_str(), zone->load_seconds);
  log_info(line);
  return zone;
}

zones::CompileResult compile_logged(const ZoneSet& set, std::string_view what,
                                    const zones::ZoneLimits& limits) {
  zones::CompileResult result = zones::compile_loaded(set.zones(), limits);
  char line[256];
  std::snprintf(line, sizeof(line),
                "%.*s: %zu zone(s), %llu records, %llu names; compiled in %.3f s; %zu error(s), %zu warning(s)",
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
