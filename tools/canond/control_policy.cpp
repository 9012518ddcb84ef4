// `policy-reload`, and what the policy shows in `stats` and `metrics`.
#include <stdexcept>

#include "tools/canond/control.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/prometheus_text.hpp"
#include "tools/canond/policy_file.hpp"

namespace canon::daemon {

using nlohmann::json;

std::uint64_t Control::publish_served(std::shared_ptr<const engine::Served> served) {
  const std::shared_ptr<const engine::Policy> old = publisher_.served()->policy;
  const std::uint64_t generation = publisher_.publish(std::move(served));
  // The grace period has passed: no worker counts into the old policy now.
  if (old && old != publisher_.served()->policy) {
    for (std::uint32_t r = 0; r < old->rule_count(); ++r) {
      const engine::Policy::Rule& rule = old->rule(r);
      retired_matches_[{rule.name, engine::action_name(rule.action)}] += old->matches(r);
    }
  }
  return generation;
}

json Control::policy_reload() {
  if (options_.policy.empty()) {
    return error_response("no policy file is configured (start canond with --policy FILE)");
  }
  std::shared_ptr<const engine::Policy> policy;
  try {
    policy = load_policy(options_.policy, policy_slots_, options_.workers);
  } catch (const std::exception& e) {
    const std::string error = std::string(e.what()) + "; still serving the policy loaded before";
    log_warning("policy-reload: " + error);
    return error_response(error);
  }
  const std::size_t rules = policy->rule_count();
  const bool rrl = policy->rrl().enabled;
  const std::uint64_t generation = publish_served(
      std::make_shared<const engine::Served>(engine::Served{publisher_.served()->zones, std::move(policy), publisher_.served()->answers}));
  ++policy_generation_;
  log_info("policy-reload: " + std::to_string(rules) + " rule(s), rate limiting " + (rrl ? "on" : "off") +
           "; published generation " + std::to_string(generation));
  return json{{"ok", true},
              {"generation", generation},
              {"policy_generation", policy_generation_},
              {"rules", rules},
              {"rrl", rrl}};
}

json Control::policy_json() const {
  const engine::Policy* policy = publisher_.served()->policy.get();
  std::map<std::pair<std::string, std::string>, std::uint64_t> matches = retired_matches_;
  json list = json::array();
  if (policy != nullptr) {
    // The served rules first, in file order, then those of earlier files.
    for (std::uint32_t r = 0; r < policy->rule_count(); ++r) {
      const engine::Policy::Rule& rule = policy->rule(r);
      const std::pair<std::string, std::string> key{rule.name, engine::action_name(rule.action)};
      std::uint64_t total = policy->matches(r);
      if (auto it = matches.find(key); it != matches.end()) {
        total += it->second;
        matches.erase(it);
      }
      list.push_back(json{{"rule", key.first}, {"action", key.second}, {"matches", total}, {"served", true}});
    }
  }
  for (const auto& [key, total] : matches) {
    list.push_back(json{{"rule", key.first}, {"action", key.second}, {"matches", total}, {"served", false}});
  }
  return json{{"file", options_.policy},
              {"rules", policy != nullptr ? policy->rule_count() : 0},
              {"generation", policy_generation_},
              {"matches", list}};
}

json Control::rrl_json(const engine::WorkerCounters& total) const {
  const engine::Policy* policy = publisher_.served()->policy.get();
  const bool enabled = policy != nullptr && policy->rrl().enabled;
  json out{{"enabled", enabled},
           {"limited", total.rrl_limited},
           {"slipped", total.rrl_slipped},
           {"dropped", total.rrl_limited - total.rrl_slipped}};
  if (enabled) {
    out["rate"] = policy->rrl().rate;
    out["slip"] = policy->rrl().slip;
  }
  return out;
}

std::string Control::metrics_text() const {
  return prometheus_text(stats()) + (secondaries_ ? secondaries_->metrics_text() : std::string()) +
         (outgoing_ ? outgoing_->metrics_text() : std::string());
}

json Control::metrics() const { return json{{"ok", true}, {"text", metrics_text()}}; }

}  // namespace canon::daemon
