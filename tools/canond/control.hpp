// The control thread's commands: what the admin socket and the signals ask
// for. Every change to the served zones is compile-then-publish on a copy of
// the zone set; a zone whose new version has errors keeps the version it
// served while the others publish (zone_set.hpp, apply_updates).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "nic/backend.hpp"
#include "tools/canond/dnstap_writer.hpp"
#include "tools/canond/options.hpp"
#include "tools/canond/outgoing.hpp"
#include "tools/canond/secondaries.hpp"
#include "tools/canond/zone_set.hpp"
#include "engine/served.hpp"

namespace canon::daemon {

class Control {
 public:
  // `policy_slots`: the readers a compiled policy needs scratch for.
  // `reread`: the options as the config file and command line give them now
  // (SIGHUP, `reload`); throws std::runtime_error for a bad config.
  using OptionsSource = std::function<DaemonOptions()>;
  Control(const DaemonOptions& options, ZoneSet zones, engine::ServedPublisher& publisher,
          nic::Backend& backend, unsigned policy_slots, OptionsSource reread = {});

  // One admin request {"command": ..., "args": [...]} → one response object.
  [[nodiscard]] nlohmann::json handle(const nlohmann::json& request);

  // The Prometheus text exposition of `stats` (the --metrics endpoint).
  [[nodiscard]] std::string metrics_text() const;

  // SIGHUP and `reload`: the config file read again (zones added, removed or
  // moved; log level; policy), then every zone re-read from its file.
  nlohmann::json reload_config();
  // Called with true as a reload begins and false as it ends (the service
  // manager hears RELOADING=1, then READY=1).
  void on_reload(std::function<void(bool begins)> hook) { reload_hook_ = std::move(hook); }
  [[nodiscard]] bool stop_requested() const noexcept { return stop_requested_; }

  // The secondary zones' thread (null: none). Its received versions are
  // published by take_received(), when its event_fd() is readable.
  void attach_secondaries(Secondaries* secondaries) noexcept { secondaries_ = secondaries; }
  void take_received();
  // The dnstap writer (null: dnstap off): its counts in `stats`.
  void attach_dnstap(const DnstapWriter* dnstap) noexcept { dnstap_ = dnstap; }
  // Outgoing transfers and NOTIFY: told of every zone set served.
  void attach_outgoing(Outgoing* outgoing) {
    outgoing_ = outgoing;
    if (outgoing_) outgoing_->served(zones_);
  }

 private:
  nlohmann::json reload_now();
  nlohmann::json status() const;
  nlohmann::json stats() const;
  nlohmann::json zone_list() const;
  nlohmann::json zone_status(const std::vector<std::string>& args) const;
  nlohmann::json zone_load(const std::vector<std::string>& args);
  nlohmann::json zone_reload(const std::vector<std::string>& args);
  nlohmann::json zone_drop(const std::vector<std::string>& args);
  nlohmann::json zone_check(const std::vector<std::string>& args) const;
  // zone-refresh (SOA check, then IXFR or AXFR) and zone-retransfer (AXFR).
  nlohmann::json zone_refresh(const std::vector<std::string>& args, bool full_transfer);
  nlohmann::json policy_reload();
  nlohmann::json metrics() const;
  // The policy's part of `stats`: its rules' matches, those of rules served
  // before a reload included (Prometheus counters never go down).
  nlohmann::json policy_json() const;
  nlohmann::json rrl_json(const engine::WorkerCounters& total) const;
  // Publishes `served`; the policy it replaces has its matches kept.
  std::uint64_t publish_served(std::shared_ptr<const engine::Served> served);

  // Takes `updates` and `drops` where they compile (apply_updates) and
  // publishes the result when it changes what is served.
  nlohmann::json publish(const std::vector<ZoneUpdate>& updates, const std::vector<std::string>& drops,
                         const std::string& what);
  nlohmann::json zones_json() const;
  nlohmann::json zone_json(const ZoneState& zone) const;

  DaemonOptions options_;  // as last read (reload_config updates it)
  OptionsSource reread_;
  std::function<void(bool)> reload_hook_;
  ZoneSet zones_;
  engine::ServedPublisher& publisher_;
  nic::Backend& backend_;
  unsigned policy_slots_;
  std::uint64_t policy_generation_ = 0;  // policies loaded (0: none yet)
  std::map<std::pair<std::string, std::string>, std::uint64_t> retired_matches_;  // (rule, action)
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  bool stop_requested_ = false;
  Secondaries* secondaries_ = nullptr;
  Outgoing* outgoing_ = nullptr;
  const DnstapWriter* dnstap_ = nullptr;
};

[[nodiscard]] nlohmann::json error_response(const std::string& message);

}  // namespace canon::daemon

namespace canon::engine {
// A worker counter in a stats reply is its number (found by ADL).
inline void to_json(nlohmann::json& j, const Counter& counter) { j = counter.load(); }
}  // namespace canon::engine
