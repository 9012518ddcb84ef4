// The zones canond serves, each with the version served (as loaded from its
// file) compiled alone into its unit, and what happened to it, in the order
// given; and the one rule for taking new versions: a zone whose new version
// has errors keeps the version it served, the others take theirs
// (apply_updates). A change compiles the zones it changes, nothing else; the
// table published shares every other zone's unit. The control thread owns
// it; a command works on a copy and commits it when that copy is served.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/zone_table.hpp"
#include "zones/zone_source.hpp"

namespace canon::daemon {

struct ZoneState {
  zones::ZoneSource source;                         // where its next version is read from
  std::shared_ptr<const zones::LoadedZone> served;  // never null; LoadedZone::failed: SERVFAIL
  std::shared_ptr<const zones::Snapshot> unit;      // `served` compiled alone; never null
  std::string last_error;           // the last refused version's first error; "" when current
  std::uint64_t load_failures = 0;  // versions refused since start-up
  double loaded_at = 0;             // unix time the served version was read; 0: none
  bool from_config = false;         // listed in the config file or on the command line

  // The served version is not the file's latest (that one had errors).
  [[nodiscard]] bool stale() const noexcept { return !last_error.empty(); }
};

class ZoneSet {
 public:
  // Adds a zone, or replaces the zone with the same origin.
  void put(ZoneState zone);
  // False when no such zone is served.
  bool drop(std::string_view origin);
  [[nodiscard]] const ZoneState* find(std::string_view origin) const;
  [[nodiscard]] ZoneState* find(std::string_view origin);
  [[nodiscard]] const std::vector<ZoneState>& zones() const noexcept { return zones_; }
  // The table of the zones' units, in order: what workers answer from.
  // Built from `served` (the table served now), it shares the index pages
  // no changed zone touches, so its cost is the zones changed.
  [[nodiscard]] std::shared_ptr<const zones::ZoneTable> table(const zones::ZoneTable* served) const;

  // "Example.COM" and "example.com." are the same zone.
  [[nodiscard]] static std::string canonical(std::string_view origin);

 private:
  std::vector<ZoneState> zones_;
  std::unordered_map<std::string, std::size_t> by_origin_;  // canonical origin → index
};

// A new version of one zone, as read from its file.
struct ZoneUpdate {
  std::shared_ptr<const zones::LoadedZone> loaded;
  bool from_config = false;  // a zone the config names is served as SERVFAIL while none loads
};

// What apply_updates made of a change.
struct ZoneUpdateOutcome {
  ZoneSet next;                            // the set to keep, with each zone's state
  std::shared_ptr<const zones::ZoneTable> table;  // next's units: publish it when changed
  zones::CompileStats stats;               // the units this change compiled, summed
  zones::Findings warnings;                // the versions taken: their warnings
  bool changed = false;                    // the table differs from what is served
  std::vector<std::string> refused;        // "ORIGIN: first error" per refused new version
  std::vector<std::string> refused_lines;  // the refused versions' findings (errors first)
};

// `current` with `drops` gone and `updates` taken where they compile. Each
// update is checked and compiled alone, on `threads` threads; one with
// errors (syntax, checks) leaves its zone at the version it served, and a
// config zone that never loaded is served as SERVFAIL. `now` stamps the
// versions taken; `served` is the table served now (null at start-up).
[[nodiscard]] ZoneUpdateOutcome apply_updates(const ZoneSet& current,
                                              const std::vector<ZoneUpdate>& updates,
                                              const std::vector<std::string>& drops,
                                              std::string_view what,
                                              const zones::ZoneLimits& limits, double now,
                                              unsigned threads = 1,
                                              const zones::ZoneTable* served = nullptr);

// Reads a zone file, telling the log the progress every 1M records (count
// and rate). `what` names the occasion ("start-up", "zone-load").
[[nodiscard]] std::shared_ptr<const zones::LoadedZone> load_logged(const zones::ZoneSource& source,
                                                                   std::string_view what,
                                                                   const zones::ZoneLimits& limits);

// load_logged for every source, on `threads` threads at once (each takes the
// next file; the result is in the sources' order). For start-up, when the
// workers' cores are still free: a reload while serving reads on the control
// thread alone.
[[nodiscard]] std::vector<std::shared_ptr<const zones::LoadedZone>> load_all_logged(
    std::span<const zones::ZoneSource> sources, std::string_view what, const zones::ZoneLimits& limits,
    unsigned threads);

// Findings as the lines canon-checkzone prints, sorted; errors first, at
// most `limit` lines, then one line saying how many more there were (a
// broken 1M-record file must not become a 100 MB admin reply or log).
inline constexpr std::size_t kFindingLinesShown = 1000;
[[nodiscard]] std::vector<std::string> finding_lines(zones::Findings findings,
                                                     std::size_t limit = kFindingLinesShown);

// Seconds since the epoch, for ZoneState::loaded_at.
[[nodiscard]] double unix_now();

}  // namespace canon::daemon
