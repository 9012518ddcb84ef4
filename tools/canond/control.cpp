#include "tools/canond/control.hpp"

#include <malloc.h>
#include <unistd.h>

#include "tools/canond/log.hpp"

namespace canon::daemon {

using nlohmann::json;

namespace {

constexpr const char* kCommands =
    "status, stats, metrics, zone-list, zone-status, zone-load, zone-reload, zone-drop, zone-check, zone-refresh, zone-retransfer, policy-reload, reload, stop";

}  // namespace

json error_response(const std::string& message) { return json{{"ok", false}, {"error", message}}; }

Control::Control(const DaemonOptions& options, ZoneSet zones, engine::ServedPublisher& publisher,
                 nic::Backend& backend, unsigned policy_slots, OptionsSource reread)
    : options_(options),
      reread_(std::move(reread)),
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
  if (command == "zone-status") return zone_status(args);
  if (command == "reload") return reload_config();
  if (command == "zone-load") return zone_load(args);
  if (command == "zone-reload") return zone_reload(args);
  if (command == "zone-drop") return zone_drop(args);
  if (command == "zone-check") return zone_check(args);
  if (command == "zone-refresh") return zone_refresh(args, false);
  if (command == "zone-retransfer") return zone_refresh(args, true);
  if (command == "policy-reload") return policy_reload();
  if (command == "stop") {
    stop_requested_ = true;
    log_info("admin: stop requested");
    return json{{"ok", true}, {"stopping", true}};
  }
  return error_response("unknown command '" + command + "' (try: " + kCommands + ")");
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

}  // namespace canon::daemon
