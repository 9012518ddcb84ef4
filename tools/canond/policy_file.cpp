#include "tools/canond/policy_file.hpp"

#include <toml++/toml.h>

#include <set>
#include <stdexcept>

#include "tools/canond/local_record.hpp"
#include "zones/rr_type.hpp"

namespace canon::daemon {

namespace {

constexpr std::uint32_t kDefaultAnswerTtl = 60;
constexpr std::size_t kMaxRules = 100'000;

class PolicyReader {
 public:
  explicit PolicyReader(std::string path) : path_(std::move(path)) {}

  engine::PolicySpec read(const toml::table& table) {
    for (auto&& [key, node] : table) {
      if (key == "rule") {
        const toml::array* rules = node.as_array();
        if (rules == nullptr) fail(node, "'rule' must be an array of tables: write [[rule]]");
        for (const toml::node& rule : *rules) read_rule(rule);
      } else if (key == "rrl") {
        read_rrl(node);
      } else {
        fail(node, "unknown key '" + std::string(key.str()) + "' (expected [[rule]] or [rrl])");
      }
    }
    return std::move(spec_);
  }

 private:
  [[noreturn]] void fail(const toml::node& node, const std::string& what) const {
    throw std::runtime_error("policy " + where(node) + ": " + what);
  }
  std::string where(const toml::node& node) const {
    return path_ + ":" + std::to_string(node.source().begin.line);
  }

  std::string string_of(const toml::node& node, const std::string& key) const {
    if (const auto* s = node.as_string()) return s->get();
    fail(node, "'" + key + "' must be a string");
  }
  std::vector<std::string> strings_of(const toml::node& node, const std::string& key) const {
    const toml::array* array = node.as_array();
    if (array == nullptr) fail(node, "'" + key + "' must be an array of strings");
    std::vector<std::string> out;
    for (const toml::node& item : *array) out.push_back(string_of(item, key));
    return out;
  }
  std::int64_t integer_of(const toml::node& node, const std::string& key, std::int64_t low, std::int64_t high) const {
    const auto* i = node.as_integer();
    if (i == nullptr || i->get() < low || i->get() > high) {
      fail(node, "'" + key + "' must be an integer from " + std::to_string(low) + " to " + std::to_string(high));
    }
    return i->get();
  }
  std::vector<engine::AddressPrefix> prefixes_of(const toml::node& node, const std::string& key) const {
    std::vector<engine::AddressPrefix> out;
    for (const std::string& text : strings_of(node, key)) {
      std::string error;
      const auto prefix = engine::parse_prefix(text, error);
      if (!prefix) fail(node, error);
      out.push_back(*prefix);
    }
    return out;
  }

  void read_rule(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) fail(node, "each rule must be a table: write [[rule]]");
    if (spec_.rules.size() >= kMaxRules) fail(node, "more than " + std::to_string(kMaxRules) + " rules");
    engine::PolicyRuleSpec rule;
    rule.where = where(node);
    std::vector<std::string> records;
    const toml::node* records_node = nullptr;
    std::uint32_t ttl = kDefaultAnswerTtl;
    bool has_match = false;
    std::string action;
    const toml::node* action_node = nullptr;
    std::vector<std::string> qtypes;
    const toml::node* qtypes_node = nullptr;
    for (auto&& [key, value] : *table) {
      const std::string k(key.str());
      if (k == "name") {
        rule.name = string_of(value, k);
      } else if (k == "match") {
        rule.match = string_of(value, k);
        has_match = true;
      } else if (k == "action") {
        action = string_of(value, k);
        action_node = &value;
      } else if (k == "qtypes") {
        qtypes = strings_of(value, k);
        qtypes_node = &value;
      } else if (k == "prefixes") {
        rule.prefixes = prefixes_of(value, k);
      } else if (k == "records") {
        records = strings_of(value, k);
        records_node = &value;
      } else if (k == "ttl") {
        ttl = static_cast<std::uint32_t>(integer_of(value, k, 0, 2147483647));
      } else {
        fail(value, "unknown rule key '" + k + "' (name, match, action, qtypes, prefixes, records, ttl)");
      }
    }
    if (rule.name.empty()) fail(node, "a rule needs a name");
    if (!names_.insert(rule.name).second) fail(node, "a second rule named '" + rule.name + "'");
    if (!has_match) fail(node, "rule '" + rule.name + "' needs a match (a regex over the query name)");
    if (action_node == nullptr) fail(node, "rule '" + rule.name + "' needs an action");
    const auto parsed = engine::parse_action(action);
    if (!parsed) {
      fail(*action_node, "rule '" + rule.name + "': unknown action '" + action +
                             "' (drop, refuse, nxdomain, nodata, truncate, answer)");
    }
    rule.action = *parsed;
    for (const std::string& name : qtypes) {
      const std::uint16_t type = zones::type_from_name(name);
      if (type == 0) fail(*qtypes_node, "rule '" + rule.name + "': unknown query type '" + name + "'");
      rule.qtypes.push_back(type);
    }
    for (const std::string& text : records) {
      try {
        rule.records.push_back(parse_local_record(text, ttl));
      } catch (const std::runtime_error& e) {
        fail(*records_node, "rule '" + rule.name + "': " + e.what());
      }
    }
    spec_.rules.push_back(std::move(rule));
  }

  void read_rrl(const toml::node& node) {
    const toml::table* table = node.as_table();
    if (table == nullptr) fail(node, "'rrl' must be a table: write [rrl]");
    engine::RrlSpec& rrl = spec_.rrl;
    rrl.enabled = true;
    bool has_rate = false;
    for (auto&& [key, value] : *table) {
      const std::string k(key.str());
      if (k == "rate") {
        rrl.rate = static_cast<std::uint32_t>(integer_of(value, k, 1, 1'000'000));
        has_rate = true;
      } else if (k == "slip") {
        rrl.slip = static_cast<std::uint32_t>(integer_of(value, k, 0, 10));
      } else if (k == "ipv4-prefix") {
        rrl.ipv4_prefix = static_cast<std::uint8_t>(integer_of(value, k, 8, 32));
      } else if (k == "ipv6-prefix") {
        rrl.ipv6_prefix = static_cast<std::uint8_t>(integer_of(value, k, 16, 128));
      } else if (k == "exempt") {
        rrl.exempt = prefixes_of(value, k);
      } else if (k == "enabled") {
        const auto* b = value.as_boolean();
        if (b == nullptr) fail(value, "'enabled' must be true or false");
        rrl.enabled = b->get();
      } else {
        fail(value, "unknown rrl key '" + k + "' (rate, slip, ipv4-prefix, ipv6-prefix, exempt, enabled)");
      }
    }
    if (rrl.enabled && !has_rate) fail(node, "[rrl] needs a rate (responses per second per source prefix)");
  }

  std::string path_;
  engine::PolicySpec spec_;
  std::set<std::string> names_;
};

}  // namespace

engine::PolicySpec parse_policy(const std::string& text, const std::string& path) {
  toml::table table;
  try {
    table = toml::parse(text, path);
  } catch (const toml::parse_error& e) {
    throw std::runtime_error("policy " + path + ":" + std::to_string(e.source().begin.line) + ": " +
                             std::string(e.description()));
  }
  return PolicyReader(path).read(table);
}

engine::PolicySpec read_policy_file(const std::string& path) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const std::string line = e.source().begin.line != 0 ? ":" + std::to_string(e.source().begin.line) : "";
    throw std::runtime_error("policy " + path + line + ": " + std::string(e.description()));
  }
  return PolicyReader(path).read(table);
}

std::shared_ptr<const engine::Policy> load_policy(const std::string& path, unsigned slots, unsigned workers) {
  return engine::Policy::compile(read_policy_file(path), slots, workers);
}

}  // namespace canon::daemon
