// The control thread's side of the secondary zones: publishing what the
// secondaries' thread received (one zone's replacement, the rule of
// apply_updates: a version with errors leaves the served one), and the
// zone-refresh / zone-retransfer commands.
#include "tools/canond/control.hpp"
#include "tools/canond/log.hpp"

namespace canon::daemon {

using nlohmann::json;

void Control::take_received() {
  if (!secondaries_) return;
  for (ReceivedVersion& version : secondaries_->ready()) {
    if (!version.zone) {  // a catalog member removed
      if (zones_.find(version.origin)) (void)publish({}, {version.origin}, "zone " + version.origin + " " + version.what);
      continue;
    }
    const json response = publish({ZoneUpdate{version.zone, true}}, {}, "zone " + version.origin + " " + version.what);
    std::string error;
    if (!response.value("ok", false)) {
      error = response.value("error", std::string("refused"));
      log_warning("zone " + version.origin + ": the received version (" + version.what +
                  ") is refused: " + error + "; the served version stays");
      if (response.contains("findings")) {
        for (const auto& line : response["findings"]) log_warning(line.get<std::string>());
      }
    }
    secondaries_->published(version.origin, version.zone, error);
  }
}

json Control::zone_refresh(const std::vector<std::string>& args, bool full_transfer) {
  const char* name = full_transfer ? "zone-retransfer" : "zone-refresh";
  if (args.size() != 1) return error_response(std::string(name) + " needs one ORIGIN");
  if (!secondaries_ || !secondaries_->refresh(args[0], full_transfer)) {
    return error_response("zone " + ZoneSet::canonical(args[0]) + " is not a secondary zone");
  }
  log_info("admin: " + std::string(name) + " " + ZoneSet::canonical(args[0]));
  return json{{"ok", true},
              {"zone", ZoneSet::canonical(args[0])},
              {"asked", full_transfer ? "AXFR" : "SOA check, then IXFR or AXFR"}};
}

}  // namespace canon::daemon
