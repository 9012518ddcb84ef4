#include "top_view.hpp"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string_view>
#include <tuple>
#include <vector>

namespace canon::ctl {

namespace {

// A counter by key, 0 when absent or not a number (an older canond).
[[nodiscard]] std::uint64_t counter(const Json& object, std::string_view key) {
  if (!object.is_object()) return 0;
  const auto it = object.find(key);
  if (it == object.end() || !it->is_number()) return 0;
  return it->is_number_float() ? static_cast<std::uint64_t>(it->get<double>())
                               : it->get<std::uint64_t>();
}

[[nodiscard]] const Json& section(const Json& object, std::string_view key) {
  static const Json kEmpty = Json::object();
  if (!object.is_object()) return kEmpty;
  const auto it = object.find(key);
  return it == object.end() ? kEmpty : *it;
}

class Rates {
 public:
  explicit Rates(double elapsed_seconds) : elapsed_(elapsed_seconds) {}

  [[nodiscard]] double of(std::uint64_t before, std::uint64_t after) const {
    if (elapsed_ <= 0) return 0;
    const std::uint64_t delta = after >= before ? after - before : after;  // reset: from zero
    return static_cast<double>(delta) / elapsed_;
  }
  [[nodiscard]] double of(const Json& before, const Json& after, std::string_view key) const {
    return of(counter(before, key), counter(after, key));
  }

 private:
  double elapsed_;
};

[[nodiscard]] std::string fixed(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f", value);
  return buffer;
}

// "NOERROR 400.0, NXDOMAIN 80.0"; "none" when empty.
[[nodiscard]] std::string inline_rates(const std::vector<std::pair<std::string, double>>& rates) {
  if (rates.empty()) return "none";
  std::string text;
  for (const auto& [name, rate] : rates)
    text += (text.empty() ? "" : ", ") + name + " " + fixed(rate);
  return text;
}

[[nodiscard]] std::string headline(const Json& after, double elapsed_seconds) {
  std::string text = "canond";
  if (after.contains("version")) text += " " + scalar_text(after["version"]);
  if (after.contains("backend")) text += ", " + scalar_text(after["backend"]) + " backend";
  if (after.contains("generation")) text += ", generation " + scalar_text(after["generation"]);
  if (after.contains("zones") && after["zones"].is_array())
    text += ", " + counted(after["zones"].size(), "zone");
  if (after.contains("uptime_seconds") && after["uptime_seconds"].is_number()) {
    text += ", up " + duration(after["uptime_seconds"].get<double>());
  }
  char over[48];
  std::snprintf(over, sizeof over, "; rates over %.1f s", elapsed_seconds);
  return text + over + "\n";
}

[[nodiscard]] std::string totals(const Json& before, const Json& after, const Rates& rates) {
  return aligned({{"queries/s", fixed(rates.of(before, after, "queries"))},
                  {"answered/s", fixed(rates.of(before, after, "responses"))},
                  {"dropped/s", fixed(rates.of(before, after, "dropped"))},
                  {"truncated/s", fixed(rates.of(before, after, "truncated"))},
                  {"rrl limited/s",
                   fixed(rates.of(section(before, "rrl"), section(after, "rrl"), "limited"))}});
}

// The five an operator watches always; any other rcode while it moves.
[[nodiscard]] std::string rcodes(const Json& before, const Json& after, const Rates& rates) {
  constexpr std::string_view kAlways[] = {"NOERROR", "NXDOMAIN", "REFUSED", "SERVFAIL", "FORMERR"};
  const Json& was = section(before, "rcodes");
  const Json& now = section(after, "rcodes");
  std::vector<std::pair<std::string, double>> shown;
  for (const std::string_view name : kAlways)
    shown.emplace_back(std::string(name), rates.of(was, now, name));
  for (const auto& [name, value] : now.items()) {
    if (std::find(std::begin(kAlways), std::end(kAlways), name) != std::end(kAlways)) continue;
    const double rate = rates.of(was, now, name);
    if (rate > 0) shown.emplace_back(name, rate);
  }
  return "rcodes/s: " + inline_rates(shown) + "\n";
}

[[nodiscard]] std::string qtypes(const Json& before, const Json& after, const Rates& rates) {
  const Json& was = section(before, "qtypes");
  const Json& now = section(after, "qtypes");
  std::vector<std::pair<std::string, double>> moving;
  for (const auto& [name, value] : now.items()) {
    const double rate = rates.of(was, now, name);
    if (rate > 0) moving.emplace_back(name, rate);
  }
  std::stable_sort(moving.begin(), moving.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  if (moving.size() > kTopQtypes) moving.resize(kTopQtypes);
  return "qtypes/s: " + inline_rates(moving) + "\n";
}

// Rules are matched between samples by name and action (a reload may
// reorder them); busiest first, then the largest total, then by name.
[[nodiscard]] std::string policy_rules(const Json& before, const Json& after, const Rates& rates) {
  const Json& policy = section(after, "policy");
  if (policy.empty()) return {};
  const Json& matches = section(policy, "matches");
  if (!matches.is_array() || matches.empty()) return "\npolicy: no rules\n";
  std::map<std::pair<std::string, std::string>, std::uint64_t> earlier;
  const Json& old_matches = section(section(before, "policy"), "matches");
  if (old_matches.is_array()) {
    for (const Json& rule : old_matches) {
      earlier[{scalar_text(rule.value("rule", Json())),
               scalar_text(rule.value("action", Json()))}] = counter(rule, "matches");
    }
  }
  struct Row {
    std::string rule, action;
    double rate;
    std::uint64_t total;
  };
  std::vector<Row> rows;
  for (const Json& rule : matches) {
    Row row{scalar_text(rule.value("rule", Json())), scalar_text(rule.value("action", Json())), 0,
            counter(rule, "matches")};
    const auto it = earlier.find({row.rule, row.action});
    row.rate = rates.of(it == earlier.end() ? 0 : it->second, row.total);
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(b.rate, b.total, a.rule) < std::tie(a.rate, a.total, b.rule);
  });
  if (rows.size() > kTopRules) rows.resize(kTopRules);
  Rows table_rows{{"rule", "action", "matches/s", "total"}};
  for (const Row& row : rows)
    table_rows.push_back({row.rule, row.action, fixed(row.rate), std::to_string(row.total)});
  return "\npolicy rules, busiest first:\n" + table(table_rows, {false, false, true, true}, "  ");
}

[[nodiscard]] std::string workers(const Json& before, const Json& after, const Rates& rates) {
  const Json& now = section(after, "workers");
  if (!now.is_array() || now.empty()) return {};
  std::map<std::string, std::uint64_t> earlier;
  const Json& was = section(before, "workers");
  if (was.is_array()) {
    for (const Json& w : was)
      earlier[scalar_text(w.value("worker", Json()))] = counter(w, "queries");
  }
  Rows rows{{"worker", "cpu", "queries/s"}};
  for (const Json& w : now) {
    const std::string index = scalar_text(w.value("worker", Json()));
    const auto it = earlier.find(index);
    rows.push_back({index, scalar_text(w.value("cpu", Json())),
                    fixed(rates.of(it == earlier.end() ? 0 : it->second, counter(w, "queries")))});
  }
  return "\nworkers:\n" + table(rows, {true, true, true}, "  ");
}

}  // namespace

std::string top_frame(const Json& before, const Json& after, double elapsed_seconds) {
  const Rates rates(elapsed_seconds);
  return headline(after, elapsed_seconds) + "\n" + totals(before, after, rates) + "\n" +
         rcodes(before, after, rates) + qtypes(before, after, rates) +
         policy_rules(before, after, rates) + workers(before, after, rates);
}

}  // namespace canon::ctl
