// The zones canond was told to serve (ORIGIN=FILE, in the order given), and
// compiling them with progress in the log. The control thread owns it; a
// command works on a copy and commits it only when the copy compiled.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/zone_source.hpp"

namespace canon::daemon {

class ZoneSet {
 public:
  // Adds a zone, or replaces the file of the zone with the same origin.
  void put(zones::ZoneSource source);
  // False when no such zone is served.
  bool drop(std::string_view origin);
  [[nodiscard]] const zones::ZoneSource* find(std::string_view origin) const;
  [[nodiscard]] const std::vector<zones::ZoneSource>& sources() const noexcept { return sources_; }

  // "Example.COM" and "example.com." are the same zone.
  [[nodiscard]] static std::string canonical(std::string_view origin);

 private:
  std::vector<zones::ZoneSource> sources_;
};

// zones::compile with the log told what happens: progress every 1M records
// (count and rate), then the totals. `what` names the occasion ("start-up").
[[nodiscard]] zones::CompileResult compile_logged(const ZoneSet& set, std::string_view what);

// Findings as the lines canon-checkzone prints, sorted.
[[nodiscard]] std::vector<std::string> finding_lines(zones::Findings findings);

}  // namespace canon::daemon
