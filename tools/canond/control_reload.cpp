// SIGHUP and `canonctl reload`: the config read again and applied where it
// can be while serving.
//
//   zones     the config's list is the new list of configured zones: a zone
//             added is loaded, one removed is dropped, one whose file moved is
//             read from the new file; every other zone (zone-load's too) is
//             re-read from its file. One publish for all of it. A new
//             include-base applies to every zone.
//   log-level takes effect at once.
//   policy    re-read (from a new path if it moved); a broken policy keeps
//             the one served.
//   answers   nsid, identity, version, chaos, max-udp-payload: published with
//             the next burst (engine::Served::answers).
//   limits    max-zone-records, max-rrset-records, signature-warn-days: the zones
//             re-read now obey them.
//   the rest  (listen addresses, workers, CPUs, backend, sockets, TCP
//             limits, user, group, log target, dnstap) needs a restart: named in
//             one warning. Running as `user`, canond could not open a new
//             port below 1024 any more; the warning says so.
#include <unordered_set>

#include "tools/canond/control.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/settings.hpp"

namespace canon::daemon {

using nlohmann::json;

namespace {

// The settings that differ between `before` and `after` and that only a
// restart applies.
std::vector<std::string> needs_restart(const DaemonOptions& before, const DaemonOptions& after) {
  std::vector<std::string> out;
  auto check = [&](bool same, const char* name) {
    if (!same) out.emplace_back(name);
  };
  check(before.listen == after.listen, "listen");
  check(before.workers == after.workers, "workers");
  check(before.cpus == after.cpus, "cpus");
  check(before.backend == after.backend, "backend");
  check(before.admin_socket == after.admin_socket, "admin-socket");
  check(before.metrics == after.metrics, "metrics");
  check(before.eal == after.eal, "eal");
  check(before.addresses == after.addresses, "address");
  check(before.dns_port == after.dns_port, "dns-port");
  check(before.exception_interface == after.exception_interface, "exception-iface");
  check(before.tcp_idle_timeout_seconds == after.tcp_idle_timeout_seconds, "tcp-idle-timeout");
  check(before.tcp_max_connections == after.tcp_max_connections, "tcp-max-connections");
  check(before.state_dir == after.state_dir, "state-dir");
  check(before.keys == after.keys, "key");
  check(before.secondaries == after.secondaries, "secondary");
  check(before.catalogs == after.catalogs, "catalog");
  check(before.allow_transfer == after.allow_transfer, "allow-transfer");
  check(before.notify == after.notify, "notify");
  check(before.user == after.user, "user");
  check(before.group == after.group, "group");
  check(before.log_target == after.log_target, "log-target");
  // The workers' rings and the writer's output are made at start-up.
  check(before.dnstap == after.dnstap, "dnstap");
  return out;
}

}  // namespace

json Control::reload_config() {
  if (reload_hook_) reload_hook_(true);
  json response = reload_now();
  if (reload_hook_) reload_hook_(false);
  return response;
}

json Control::reload_now() {
  if (!reread_) return zone_reload({});  // no config to read (tests): the zones only
  DaemonOptions next;
  Settings settings;
  try {
    next = reread_();
    settings = make_settings(next);
  } catch (const std::exception& e) {
    const std::string error = std::string("config not reloaded: ") + e.what() + "; nothing changed";
    log_error("reload: " + error);
    return error_response(error);
  }
  set_log_level(settings.log_level);
  // Set at start-up, with the secondaries and the backend: kept.
  next.engine.notify_to_control = options_.engine.notify_to_control;
  next.engine.udp_notify_to_control = options_.engine.udp_notify_to_control;
  next.engine.transfers_to_control = options_.engine.transfers_to_control;
  const std::vector<std::string> restart = needs_restart(options_, next);
  std::string restart_text;
  for (const std::string& name : restart) restart_text += (restart_text.empty() ? "" : ", ") + name;
  if (!restart.empty()) {
    // The sockets were opened with privileges this process gave up.
    if (!options_.user.empty()) {
      restart_text += "; canond runs as user " + options_.user +
                      " and cannot open new privileged sockets: restart canond (systemctl restart canond) to apply";
    }
    log_warning("reload: changed settings that need a restart (not applied): " + restart_text);
  }

  // The zones: the config's list, then the others (zone-load's) re-read.
  std::vector<ZoneUpdate> updates;
  std::vector<std::string> drops;
  std::unordered_set<std::string> listed;  // canonical origins the config names
  for (const zones::ZoneSource& source : settings.zones) {
    updates.push_back(ZoneUpdate{load_logged(source, "reload", next.zone_limits), true});
    listed.insert(ZoneSet::canonical(source.origin));
  }
  for (const ZoneState& zone : zones_.zones()) {
    if (listed.count(ZoneSet::canonical(zone.source.origin)) != 0) continue;
    // A secondary zone's versions come from its primaries, not from a reload.
    if (secondaries_ && secondaries_->has(ZoneSet::canonical(zone.source.origin))) continue;
    if (zone.from_config) {
      drops.push_back(zone.source.origin);
      log_info("reload: " + ZoneSet::canonical(zone.source.origin) +
               " is no longer in the config: dropped");
    } else {
      zones::ZoneSource source = zone.source;
      source.include_base = next.include_base;
      updates.push_back(ZoneUpdate{load_logged(source, "reload", next.zone_limits), false});
    }
  }
  const bool policy_moved = next.policy != options_.policy;
  const std::string kept_restart = restart_text;
  // What a restart applies stays as it runs; the rest is the new config.
  const DaemonOptions before = options_;
  options_ = next;
  options_.listen = before.listen;
  options_.workers = before.workers;
  options_.cpus = before.cpus;
  options_.backend = before.backend;
  options_.admin_socket = before.admin_socket;
  options_.metrics = before.metrics;
  options_.eal = before.eal;
  options_.addresses = before.addresses;
  options_.dns_port = before.dns_port;
  options_.exception_interface = before.exception_interface;
  options_.tcp_idle_timeout_seconds = before.tcp_idle_timeout_seconds;
  options_.tcp_max_connections = before.tcp_max_connections;
  options_.user = before.user;
  options_.group = before.group;
  options_.log_target = before.log_target;
  options_.dnstap = before.dnstap;

  if (before.engine != next.engine) {
    publish_served(std::make_shared<const engine::Served>(
        engine::Served{publisher_.served()->zones, publisher_.served()->policy,
                       std::make_shared<const engine::EngineConfig>(next.engine)}));
    log_info("reload: answer settings (nsid, identity, version, chaos, max-udp-payload) published");
  }
  json response = publish(updates, drops, "reload");
  if (!options_.policy.empty()) {
    const json policy = policy_reload();
    response["policy"] = policy;
  } else if (policy_moved && publisher_.served()->policy) {
    publish_served(std::make_shared<const engine::Served>(
        engine::Served{publisher_.served()->zones, nullptr, publisher_.served()->answers}));
    log_info("reload: no policy file in the config any more: policy removed");
    response["policy"] = json{{"ok", true}, {"removed", true}};
  }
  response["log_level"] = next.log_level;
  response["restart_needed"] = restart;
  if (!kept_restart.empty())
    response["restart_warning"] = "changed settings need a restart: " + kept_restart;
  return response;
}

}  // namespace canon::daemon
