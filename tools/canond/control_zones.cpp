// The zone commands: zone-list, zone-status, zone-load, zone-reload,
// zone-drop, zone-check. Each builds its updates and leaves the rule (a new
// version with errors keeps the old one) to apply_updates.
#include <malloc.h>

#include <cmath>

#include "tools/canond/control.hpp"
#include "tools/canond/log.hpp"

namespace canon::daemon {

using nlohmann::json;

namespace {

std::vector<zones::ZoneSource> parse_sources(const std::vector<std::string>& args,
                                             const DaemonOptions& options, std::string& error) {
  std::vector<zones::ZoneSource> out;
  for (const std::string& arg : args) {
    auto source = zones::parse_zone_source(arg, error);
    if (!source) return {};
    source->include_base = options.include_base;
    out.push_back(std::move(*source));
  }
  return out;
}

// "served": the file's latest version; "stale": an older version (the
// latest has errors); "failed": none loaded, its names get SERVFAIL.
// A change of fewer records leaves the heap as it is (Control::publish).
constexpr std::uint64_t kTrimAfterRecords = 100'000;

const char* zone_condition(const ZoneState& zone) {
  if (zone.served->failed) return "failed";
  return zone.stale() ? "stale" : "served";
}

}  // namespace

json Control::zone_json(const ZoneState& zone) const {
  json out{{"origin", ZoneSet::canonical(zone.source.origin)},
           {"file", zone.source.file},
           {"serial", nullptr},
           {"records", zone.served->store.records.size()},
           {"state", zone_condition(zone)},
           {"stale", zone.stale() || zone.served->failed},
           {"loaded_at", zone.loaded_at > 0 ? json(std::floor(zone.loaded_at)) : json(nullptr)},
           {"last_error", zone.last_error},
           {"load_failures", zone.load_failures},
           {"from_config", zone.from_config}};
  if (!zone.served->failed) out["serial"] = zone.unit->zone(0).serial;
  if (secondaries_) {
    if (nlohmann::json secondary = secondaries_->status(ZoneSet::canonical(zone.source.origin)); !secondary.is_null()) {
      out["secondary"] = std::move(secondary);
    }
  }
  return out;
}

json Control::zones_json() const {
  json list = json::array();
  const auto& all = zones_.zones();
  for (const ZoneState& zone : all) list.push_back(zone_json(zone));
  return list;
}

json Control::zone_list() const {
  return json{{"ok", true}, {"generation", publisher_.generation()}, {"zones", zones_json()}};
}

json Control::zone_status(const std::vector<std::string>& args) const {
  if (args.size() > 1) return error_response("zone-status takes at most one ORIGIN");
  if (args.empty()) return zone_list();
  if (const ZoneState* zone = zones_.find(args[0])) {
    return json{{"ok", true}, {"generation", publisher_.generation()}, {"zone", zone_json(*zone)}};
  }
  return error_response("zone " + ZoneSet::canonical(args[0]) + " is not served");
}

json Control::publish(const std::vector<ZoneUpdate>& updates, const std::vector<std::string>& drops,
                      const std::string& what) {
  ZoneUpdateOutcome outcome =
      apply_updates(zones_, updates, drops, what, options_.zone_limits, unix_now(), 1,
                    publisher_.served()->zones.get());
  zones_ =
      std::move(outcome.next);  // the states (last error, failures) even when nothing publishes
  if (!outcome.changed) {
    json response = error_response(
        outcome.refused.size() == 1
            ? "zone " + outcome.refused.front() + "; still serving generation " +
                  std::to_string(publisher_.generation())
            : std::to_string(outcome.refused.size()) + " zones refused; still serving generation " +
                  std::to_string(publisher_.generation()));
    response["refused"] = outcome.refused;
    response["findings"] = outcome.refused_lines;
    return response;
  }
  if (outgoing_) outgoing_->served(zones_);
  const zones::CompileStats stats = outcome.stats;
  double load_seconds = 0;  // the files this command read
  for (const ZoneUpdate& update : updates) load_seconds += update.loaded->load_seconds;
  const std::uint64_t generation = publish_served(std::make_shared<const engine::Served>(
      engine::Served{std::move(outcome.table), publisher_.served()->policy, publisher_.served()->answers}));
  // A big zone's compile frees hundreds of MB of scratch that glibc would
  // keep mapped (its old unit too); give it back so RSS tracks what is
  // served. A small zone's change has nothing worth the walk of the heap.
  if (stats.records > kTrimAfterRecords) ::malloc_trim(0);
  log_info(what + ": published generation " + std::to_string(generation) + " (" +
           std::to_string(zones_.zones().size()) + " zones, " + std::to_string(stats.records) +
           " records; readers released the old one in " +
           std::to_string(static_cast<long long>(publisher_.last_grace_seconds() * 1e6)) + " us)");
  return json{{"ok", true},
              {"generation", generation},
              {"zones", zones_.zones().size()},
              {"records", stats.records},
              {"nodes", stats.nodes},
              {"snapshot_bytes", stats.snapshot_bytes},
              {"load_seconds", load_seconds},
              {"compile_seconds", stats.compile_seconds},
              {"refused", outcome.refused},
              {"findings", outcome.refused_lines},
              {"warnings", finding_lines(outcome.warnings)}};
}

json Control::zone_load(const std::vector<std::string>& args) {
  if (args.empty()) return error_response("zone-load needs ORIGIN=FILE");
  std::string error;
  std::vector<zones::ZoneSource> sources = parse_sources(args, options_, error);
  if (sources.empty()) return error_response(error);
  std::vector<ZoneUpdate> updates;
  for (const zones::ZoneSource& source : sources) {
    updates.push_back(ZoneUpdate{load_logged(source, "zone-load", options_.zone_limits), false});
  }
  return publish(updates, {}, "zone-load");
}

json Control::zone_reload(const std::vector<std::string>& args) {
  if (args.size() > 1) return error_response("zone-reload takes at most one ORIGIN");
  if (args.size() == 1 && !zones_.find(args[0])) {
    return error_response("zone " + ZoneSet::canonical(args[0]) + " is not served");
  }
  const std::string what = args.empty() ? "reload" : "zone-reload";
  std::vector<ZoneUpdate> updates;
  for (const ZoneState& zone : zones_.zones()) {
    // Every zone: the secondary zones are left to their primaries.
    if (args.empty() && secondaries_ && secondaries_->has(ZoneSet::canonical(zone.source.origin))) continue;
    if (args.empty() || ZoneSet::canonical(zone.source.origin) == ZoneSet::canonical(args[0])) {
      updates.push_back(
          ZoneUpdate{load_logged(zone.source, what, options_.zone_limits), zone.from_config});
    }
  }
  return publish(updates, {}, what);
}

json Control::zone_drop(const std::vector<std::string>& args) {
  if (args.size() != 1) return error_response("zone-drop needs one ORIGIN");
  if (!zones_.find(args[0]))
    return error_response("zone " + ZoneSet::canonical(args[0]) + " is not served");
  return publish({}, {args[0]}, "zone-drop " + ZoneSet::canonical(args[0]));
}

json Control::zone_check(const std::vector<std::string>& args) const {
  if (args.size() != 1) return error_response("zone-check needs ORIGIN=FILE");
  std::string error;
  std::vector<zones::ZoneSource> sources = parse_sources(args, options_, error);
  if (sources.empty()) return error_response(error);
  const auto loaded = load_logged(sources.front(), "zone-check", options_.zone_limits);
  zones::CompileResult result = zones::compile_loaded({&loaded, 1}, options_.zone_limits);
  json response{{"ok", result.snapshot != nullptr},
                {"records", result.stats.records},
                {"findings", finding_lines(result.findings)}};
  if (!result.snapshot) {
    response["error"] =
        std::to_string(result.findings.errors()) + " error(s); nothing was published";
  }
  return response;
}

}  // namespace canon::daemon
