// The zones canond serves, each as loaded from its file (records kept in
// memory, so changing one zone never re-reads another's file), in the order
// given; and loading/compiling them with progress in the log. The control
// thread owns it; a command works on a copy and commits it only when the
// copy compiled.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/zone_source.hpp"

namespace canon::daemon {

class ZoneSet {
 public:
  using Zone = std::shared_ptr<const zones::LoadedZone>;

  // Adds a zone, or replaces the zone with the same origin.
  void put(Zone zone);
  // False when no such zone is served.
  bool drop(std::string_view origin);
  [[nodiscard]] const zones::LoadedZone* find(std::string_view origin) const;
  [[nodiscard]] const std::vector<Zone>& zones() const noexcept { return zones_; }

  // "Example.COM" and "example.com." are the same zone.
  [[nodiscard]] static std::string canonical(std::string_view origin);

 private:
  std::vector<Zone> zones_;
};

// Reads a zone file, telling the log the progress every 1M records (count
// and rate). `what` names the occasion ("start-up", "zone-load").
[[nodiscard]] ZoneSet::Zone load_logged(const zones::ZoneSource& source, std::string_view what,
                                        const zones::ZoneLimits& limits);

// Checks and compiles the set, telling the log the totals.
[[nodiscard]] zones::CompileResult compile_logged(const ZoneSet& set, std::string_view what,
                                                  const zones::ZoneLimits& limits);

// Findings as the lines canon-checkzone prints, sorted; errors first, at
// most `limit` lines, then one line saying how many more there were (a
// broken 1M-record file must not become a 100 MB admin reply or log).
inline constexpr std::size_t kFindingLinesShown = 1000;
[[nodiscard]] std::vector<std::string> finding_lines(zones::Findings findings,
                                                     std::size_t limit = kFindingLinesShown);

}  // namespace canon::daemon
