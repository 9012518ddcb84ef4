#include "tools/canond/control.hpp"

#include <malloc.h>
#include <unistd.h>

#include "tools/canond/log.hpp"

namespace canon::daemon {

using nlohmann::json;

namespace {

constexpr const char* kCommands =
    "status, stats, metrics, zone-list, zone-load, zone-reload, zone-drop, zone-check, policy-reload, stop";

std::vector<zones::ZoneSource> parse_sources(const std::vector<std::string>& args, std::string& error) {
  std::vector<zones::ZoneSource> out;
  for (const std::string& arg : args) {
    auto source = zones::parse_zone_source(arg, error);
    if (!source) return {};
    out.push_back(std::move(*source));
  }
  return out;
}

}  // namespace

json error_response(const std::string& message) { return json{{"ok", false}, {"error", message}}; }

Control::Control(const DaemonOptions& options, ZoneSet zones, engine::ServedPublisher& publisher,
                 nic::Backend& backend, unsigned policy_slots)
    : options_(options),
      zones_(std::move(zones)),
      publisher_(publisher),
      backend_(backend),
      policy_slots_(policy_slots),
      policy_generation_(publisher.served()->policy ? 1 : 0) {}

json Control::handle(const json& request) {
  if (!request.is_object() || !request.contains("command") || !request["command"].is_string()) {
    return error_response("a request is {\"command\": NAME, \"args\": [...]}");
  }
  const std::string command = request["command"].get<std::string>();
  std::vector<std::string> args;
  if (request.contains("args")) {
    if (!request["args"].is_array()) return error_response("\"args\" must be a list of strings");
    for (const json& a : request["args"]) {
      if (!a.is_string()) return error_response("\"args\" must be a list of strings");
      args.push_back(a.get<std::string>());
    }
  }
  log_debug("admin: " + command);
  if (command == "status") return status();
  if (command == "stats") return stats();
  if (command == "metrics") return metrics();
  if (command == "zone-list") return zone_list();
  if (command == "zone-load") return zone_load(args);
  if (command == "zone-reload") return zone_reload(args);
  if (command == "zone-drop") return zone_drop(args);
  if (command == "zone-check") return zone_check(args);
  if (command == "policy-reload") return policy_reload();
  if (command == "stop") {
    stop_requested_ = true;
    log_info("admin: stop requested");
    return json{{"ok", true}, {"stopping", true}};
  }
  return error_response("unknown command '" + command + "' (try: " + kCommands + ")");
}

json Control::zones_json() const {
  json list = json::array();
  const zones::Snapshot& snap = *publisher_.served()->snapshot;
  for (std::size_t z = 0; z < snap.zone_infos().size(); ++z) {
    const zones::ZoneInfo& info = snap.zone_infos()[z];
    list.push_back(json{{"origin", info.origin},
                        {"serial", snap.zone(static_cast<std::uint32_t>(z)).serial},
                        {"file", info.file},
                        {"records", info.records}});
  }
  return list;
}

json Control::status() const {
  const double uptime =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  return json{{"ok", true},
              {"version", CANON_VERSION},
              {"pid", ::getpid()},
              {"uptime_seconds", uptime},
              {"backend", backend_.name()},
              {"workers", options_.workers},
              {"listen", backend_.listening()},
              {"generation", publisher_.generation()},
              {"zones", zones_json()}};
}

json Control::zone_list() const {
  return json{{"ok", true}, {"generation", publisher_.generation()}, {"zones", zones_json()}};
}

json Control::publish(ZoneSet candidate, const std::string& what) {
  zones::CompileResult result = compile_logged(candidate, what, options_.zone_limits);
  std::vector<std::string> lines = finding_lines(result.findings);
  if (!result.snapshot) {
    const std::string error = "zone set refused: " + std::to_string(result.findings.errors()) +
                              " error(s); still serving generation " +
                              std::to_string(publisher_.generation());
    log_warning(what + ": " + error);
    for (const std::string& line : finding_lines(result.findings, 20)) log_warning(line);
    json response = error_response(error);
    response["findings"] = lines;
    return response;
  }
  const zones::CompileStats stats = result.stats;
  const std::uint64_t generation = publish_served(
      std::make_shared<const engine::Served>(engine::Served{std::move(result.snapshot), publisher_.served()->policy}));
  zones_ = std::move(candidate);
  // A compile frees hundreds of MB of scratch that glibc would keep mapped
  // (the old snapshot too); give it back so RSS tracks what is served.
  ::malloc_trim(0);
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
              {"load_seconds", stats.load_seconds},
              {"compile_seconds", stats.compile_seconds},
              {"warnings", lines}};
}

json Control::zone_load(const std::vector<std::string>& args) {
  if (args.empty()) return error_response("zone-load needs ORIGIN=FILE");
  std::string error;
  std::vector<zones::ZoneSource> sources = parse_sources(args, error);
  if (sources.empty()) return error_response(error);
  ZoneSet candidate = zones_;
  for (const zones::ZoneSource& source : sources) {
    candidate.put(load_logged(source, "zone-load", options_.zone_limits));
  }
  return publish(std::move(candidate), "zone-load");
}

json Control::zone_reload(const std::vector<std::string>& args) {
  if (args.size() > 1) return error_response("zone-reload takes at most one ORIGIN");
  if (args.size() == 1 && !zones_.find(args[0])) {
    return error_response("zone " + ZoneSet::canonical(args[0]) + " is not served");
  }
  const std::string what = args.empty() ? "reload" : "zone-reload";
  ZoneSet candidate = zones_;
  for (const ZoneSet::Zone& zone : zones_.zones()) {
    if (args.empty() || ZoneSet::canonical(zone->source.origin) == ZoneSet::canonical(args[0])) {
      candidate.put(load_logged(zone->source, what, options_.zone_limits));
    }
  }
  return publish(std::move(candidate), what);
}

json Control::zone_drop(const std::vector<std::string>& args) {
  if (args.size() != 1) return error_response("zone-drop needs one ORIGIN");
  ZoneSet candidate = zones_;
  if (!candidate.drop(args[0])) return error_response("zone " + ZoneSet::canonical(args[0]) + " is not served");
  return publish(std::move(candidate), "zone-drop " + ZoneSet::canonical(args[0]));
}

json Control::zone_check(const std::vector<std::string>& args) const {
  if (args.size() != 1) return error_response("zone-check needs ORIGIN=FILE");
  std::string error;
  std::vector<zones::ZoneSource> sources = parse_sources(args, error);
  if (sources.empty()) return error_response(error);
  ZoneSet candidate = zones_;
  candidate.put(load_logged(sources.front(), "zone-check", options_.zone_limits));
  zones::CompileResult result = compile_logged(candidate, "zone-check", options_.zone_limits);
  json response{{"ok", result.snapshot != nullptr},
                {"records", result.stats.records},
                {"findings", finding_lines(result.findings)}};
  if (!result.snapshot) {
    response["error"] = std::to_string(result.findings.errors()) + " error(s); nothing was published";
  }
  return response;
}

}  // namespace canon::daemon
