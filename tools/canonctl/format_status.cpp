#include "format_status.hpp"
#include <ctime>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace canon::ctl {

namespace {

[[nodiscard]] std::string zone_table(const Json& zones) {
  if (zones.empty()) return "no zones served (canonctl zone-load ORIGIN=FILE adds one)\n";
  Rows rows{{"origin", "serial", "records", "state", "file"}};
  std::string errors;
  for (const Json& zone : zones) {
    rows.push_back({zone.at("origin").get<std::string>(), scalar_text(zone.at("serial")),
                    scalar_text(zone.at("records")),
                    scalar_text(zone.value("state", Json("served"))),
                    scalar_text(zone.value("file", Json()))});
    const std::string error = zone.value("last_error", std::string());
    if (!error.empty()) errors += zone.at("origin").get<std::string>() + ": " + error + "\n";
  }
  // stale: an older version is served, its file's latest has errors;
  // failed: none ever loaded, its names get SERVFAIL.
  return table(rows, {false, true, true, false, false}) +
         (errors.empty() ? "" : "\nlast errors:\n" + errors);
}

[[nodiscard]] std::string percent(std::uint64_t part, std::uint64_t whole) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%",
                whole ? 100.0 * static_cast<double>(part) / static_cast<double>(whole) : 0.0);
  return buf;
}

// name → count, the non-zero ones with their share; zeros would bury the
// few counters that matter under a dozen lines of 0.
[[nodiscard]] std::string counts_section(std::string_view title, const Rows& named_counts) {
  std::uint64_t total = 0;
  for (const auto& row : named_counts) total += std::stoull(row[1]);
  Rows rows;
  for (const auto& row : named_counts) {
    if (row[1] != "0") rows.push_back({row[0], row[1], percent(std::stoull(row[1]), total)});
  }
  if (rows.empty()) return std::string(title) + ": none yet\n";
  return std::string(title) + ":\n" + table(rows, {false, true, true}, "  ");
}

[[nodiscard]] Rows named_counts(const Json& counts) {
  Rows rows;
  for (const auto& [name, count] : counts.items()) {
    rows.push_back({name, std::to_string(count.get<std::uint64_t>())});
  }
  return rows;
}

// chain_links[i]: answers that followed i alias links (CNAME/DNAME).
[[nodiscard]] Rows chain_counts(const Json& histogram) {
  Rows rows;
  for (std::size_t i = 0; i < histogram.size(); ++i) {
    rows.push_back({counted(i, "link"), std::to_string(histogram.at(i).get<std::uint64_t>())});
  }
  return rows;
}

// "received 1200, sent 1196, send errors 0, receive errors 0"
[[nodiscard]] std::string inline_counts(const Json& counts) {
  std::string text;
  for (const auto& [name, count] : counts.items()) {
    text += (text.empty() ? "" : ", ") + words(name) + " " + scalar_text(count);
  }
  return text;
}

[[nodiscard]] std::string worker_table(const Json& workers) {
  if (workers.empty()) return {};
  Rows rows(1);
  for (const auto& [key, value] : workers.front().items()) rows[0].push_back(words(key));
  for (const Json& worker : workers) {
    auto& row = rows.emplace_back();
    for (const auto& [key, value] : worker.items()) row.push_back(scalar_text(value));
  }
  return "per worker:\n" + table(rows, std::vector<bool>(rows[0].size(), true), "  ");
}

// DPDK ports: one line of port counters, then the queues' counters, a
// column per queue (a row per counter: they outnumber the queues).
//   port net_af_packet0 (net_af_packet) 02:..:01, link up, exception path canon0
//     ipackets 120, opackets 118, imissed 0, ...
//     counter        queue 0  queue 1
//     rx                  60       60
[[nodiscard]] std::string port_section(const Json& ports) {
  std::string text;
  for (const Json& port : ports) {
    const std::string tap = port.value("exception_interface", std::string());
    text += "\nport " + port.value("name", std::string("?")) + " (" +
            port.value("driver", std::string("?")) + ") " + port.value("mac", std::string()) +
            ", link " + (port.value("link_up", false) ? "up" : "down") + ", exception path " +
            (tap.empty() ? "none" : tap) + "\n";
    Json hardware = Json::object();
    for (const char* key : {"ipackets", "opackets", "imissed", "ierrors", "oerrors", "rx_nombuf"}) {
      if (port.contains(key)) hardware[key] = port[key];
    }
    text += "  " + inline_counts(hardware) + "\n";
    const Json& queues = port.value("queues", Json::array());
    if (queues.empty()) continue;
    Rows rows{{"counter"}};
    for (const Json& queue : queues)
      rows[0].push_back("queue " + scalar_text(queue.value("queue", Json(0))));
    for (const auto& [key, value] : queues.front().items()) {
      if (key == "queue") continue;
      auto& row = rows.emplace_back(std::vector<std::string>{words(key)});
      for (const Json& queue : queues) row.push_back(scalar_text(queue.value(key, Json(0))));
    }
    std::vector<bool> right(rows[0].size(), true);
    right[0] = false;
    text += table(rows, right, "  ");
  }
  return text;
}

// "policy /etc/canon/policy.toml: 3 rules, generation 2", then the rules
// that matched, most matches first.
[[nodiscard]] std::string policy_section(const Json& policy) {
  const std::string file = policy.value("file", std::string());
  std::string text = "\npolicy " + (file.empty() ? std::string("(none)") : file) + ": " +
                     counted(policy.value("rules", std::uint64_t{0}), "rule");
  if (policy.contains("generation")) text += ", generation " + scalar_text(policy["generation"]);
  text += "\n";
  const Json rules = policy.value("matches", Json::array());
  std::vector<const Json*> matched;
  for (const Json& rule : rules) {
    if (rule.value("matches", std::uint64_t{0}) > 0) matched.push_back(&rule);
  }
  std::stable_sort(matched.begin(), matched.end(), [](const Json* a, const Json* b) {
    return a->value("matches", std::uint64_t{0}) > b->value("matches", std::uint64_t{0});
  });
  if (matched.empty()) return text;
  Rows rows{{"rule", "action", "matches"}};
  for (const Json* rule : matched) {
    rows.push_back({scalar_text(rule->value("rule", Json())),
                    scalar_text(rule->value("action", Json())),
                    scalar_text(rule->value("matches", Json()))});
  }
  return text + table(rows, {false, false, true}, "  ");
}

}  // namespace

std::string status_text(const Json& reply) {
  KeyValues pairs;
  for (const auto& [key, value] : reply.items()) {
    if (key == "ok" || key == "zones") continue;
    if (key == "uptime_seconds")
      pairs.emplace_back("uptime", duration(value.get<double>()));
    else
      pairs.emplace_back(words(key), scalar_text(value));
  }
  const Json& zones = reply.at("zones");
  pairs.emplace_back("zones", std::to_string(zones.size()));
  return aligned(pairs) + "\n" + zone_table(zones);
}

std::string zone_list_text(const Json& reply) {
  const Json& zones = reply.at("zones");
  std::string head = counted(zones.size(), "zone");
  if (reply.contains("generation")) head += " in generation " + scalar_text(reply["generation"]);
  return head + "\n\n" + zone_table(zones);
}

namespace {

// One zone's fields as aligned lines; a secondary zone's transfer state
// (an object) and its transfer counts follow, each field on its own line.
void zone_fields(const Json& fields, const std::string& prefix, KeyValues& pairs) {
  for (const auto& [key, value] : fields.items()) {
    const bool unix_time = key == "loaded_at" || key == "last_refresh" || key == "last_transfer";
    if (unix_time && value.is_number()) {
      const auto when = static_cast<std::time_t>(value.get<double>());
      char text[32];
      std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&when));
      pairs.emplace_back(prefix + words(key), text);
    } else if (value.is_object()) {
      zone_fields(value, prefix + words(key) + " ", pairs);
    } else {
      pairs.emplace_back(prefix + words(key), scalar_text(value));
    }
  }
}

}  // namespace

std::string zone_status_text(const Json& reply) {
  KeyValues pairs;
  zone_fields(reply.at("zone"), "", pairs);
  return aligned(pairs);
}

std::string stats_text(const Json& reply) {
  Rows totals;
  KeyValues transports;
  std::string sections, workers, ports, policy;
  for (const auto& [key, value] : reply.items()) {
    if (key == "ok") continue;
    if (key == "rcodes")
      sections += counts_section("rcodes", named_counts(value));
    else if (key == "qtypes")
      sections += counts_section("qtypes", named_counts(value));
    else if (key == "chain_links")
      sections += counts_section("alias links followed per answer", chain_counts(value));
    else if (key == "workers")
      workers = worker_table(value);
    else if (key == "ports")
      ports = port_section(value);
    else if (key == "policy")
      policy = policy_section(value);
    else if (key == "zones" && value.is_array())
      totals.push_back({"zones:", std::to_string(value.size())});
    else if (key == "uptime_seconds" && value.is_number())
      totals.push_back({"uptime:", duration(value.get<double>())});
    else if (value.is_object())
      transports.emplace_back(key, inline_counts(value));
    else
      totals.push_back({words(key) + ":", scalar_text(value)});
  }
  std::string text = table(totals, {false, true}) + "\n" + sections;
  if (!transports.empty()) text += aligned(transports);
  if (!workers.empty()) text += "\n" + workers;
  return text + policy + ports;
}

}  // namespace canon::ctl
