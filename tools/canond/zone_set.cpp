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

void ZoneSet::put(zones::ZoneSource source) {
  for (zones::ZoneSource& existing : sources_) {
    if (canonical(existing.origin) == canonical(source.origin)) {
      existing = std::move(source);
      return;
    }
  }
  sources_.push_back(std::move(source));
}

bool ZoneSet::drop(std::string_view origin) {
  const std::string key = canonical(origin);
  const auto it = std::find_if(sources_.begin(), sources_.end(),
                               [&](const zones::ZoneSource& s) { return canonical(s.origin) == key; });
  if (it == sources_.end()) return false;
  sources_.erase(it);
  return true;
}

const zones::ZoneSource* ZoneSet::find(std::string_view origin) const {
  const std::string key = canonical(origin);
  for (const zones::ZoneSource& s : sources_) {
    if (canonical(s.origin) == key) return &s;
  }
  return nullptr;
}

zones::CompileResult compile_logged(const ZoneSet& set, std::string_view what) {
  const auto start = std::chrono::steady_clock::now();
  log_info(std::string(what) + ": loading " + std::to_string(set.sources().size()) + " zone(s)");
  const auto progress = [&](std::uint64_t records) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    char line[128];
    std::snprintf(line, sizeof(line), "%.*s: loaded %llu records (%.2f M records/s)",
                  static_cast<int>(what.size()), what.data(), static_cast<unsigned long long>(records),
                  seconds > 0 ? static_cast<double>(records) / seconds / 1e6 : 0.0);
    log_info(line);
  };
  zones::CompileResult result = zones::compile(set.sources(), progress);
  char line[256];
  std::snprintf(line, sizeof(line),
                "%.*s: %llu records, %llu names; load %.3f s, compile %.3f s; %zu error(s), %zu warning(s)",
                static_cast<int>(what.size()), what.data(),
                static_cast<unsigned long long>(result.stats.records),
                static_cast<unsigned long long>(result.stats.nodes), result.stats.load_seconds,
                result.stats.compile_seconds, result.findings.errors(), result.findings.warnings());
  log(result.findings.errors() ? LogLevel::kWarning : LogLevel::kInfo, line);
  return result;
}

std::vector<std::string> finding_lines(zones::Findings findings) {
  findings.sort();
  std::vector<std::string> out;
  out.reserve(findings.items.size());
  for (const zones::Finding& f : findings.items) out.push_back(f.to_string());
  return out;
}

}  // namespace canon::daemon
