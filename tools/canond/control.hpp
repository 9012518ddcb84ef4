// The control thread's commands: what the admin socket and the signals ask
// for. Every change to the served zones is compile-then-publish on a copy of
// the zone set; a compile with errors changes nothing that is served.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nic/backend.hpp"
#include "tools/canond/options.hpp"
#include "tools/canond/zone_set.hpp"
#include "zones/publication.hpp"

namespace canon::daemon {

class Control {
 public:
  Control(const DaemonOptions& options, ZoneSet zones, zones::SnapshotPublisher& publisher,
          nic::Backend& backend);

  // One admin request {"command": ..., "args": [...]} → one response object.
  [[nodiscard]] nlohmann::json handle(const nlohmann::json& request);

  // SIGHUP: every zone re-read from its file.
  nlohmann::json reload_all() { return zone_reload({}); }
  [[nodiscard]] bool stop_requested() const noexcept { return stop_requested_; }

 private:
  nlohmann::json status() const;
  nlohmann::json stats() const;
  nlohmann::json zone_list() const;
  nlohmann::json zone_load(const std::vector<std::string>& args);
  nlohmann::json zone_reload(const std::vector<std::string>& args);
  nlohmann::json zone_drop(const std::vector<std::string>& args);
  nlohmann::json zone_check(const std::vector<std::string>& args) const;
  nlohmann::json policy_reload();

  // Compiles `candidate`; on success publishes it and makes it the zone set.
  nlohmann::json publish(ZoneSet candidate, const std::string& what);
  nlohmann::json zones_json() const;

  const DaemonOptions& options_;
  ZoneSet zones_;
  zones::SnapshotPublisher& publisher_;
  nic::Backend& backend_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool stop_requested_ = false;
};

[[nodiscard]] nlohmann::json error_response(const std::string& message);

}  // namespace canon::daemon
