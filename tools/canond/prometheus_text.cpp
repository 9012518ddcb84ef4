#include "tools/canond/prometheus_text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

namespace canon::daemon {

namespace {

using nlohmann::json;
using Labels = std::vector<std::pair<std::string_view, std::string>>;

constexpr std::string_view kCounter = "counter";
constexpr std::string_view kGauge = "gauge";

// A member of an object, or nullptr: the daemon leaves out what its backend
// and configuration do not have, and a scrape must not fail over it.
const json* member(const json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

// A member, or null (which writes no sample) when absent. Also what a
// missing section reads as: every lookup in null finds nothing.
const json& member_or_null(const json& object, std::string_view key) {
  static const json kNull;
  const json* found = member(object, key);
  return found != nullptr ? *found : kNull;
}

// A member, or 0: for the families that are always there.
const json* member_or_zero(const json& object, std::string_view key) {
  static const json kZero = 0;
  const json* found = member(object, key);
  return found != nullptr ? found : &kZero;
}

std::string text_of(const json* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return value->get<std::string>();
  return value->dump();  // numbers as labels: worker 0, cpu 3, queue 1
}

// Integers exactly (counters pass 2^53), floats in the shortest form that
// reads back the same, bools as 1/0. Anything else is not a sample.
std::optional<std::string> number_text(const json& value) {
  if (value.is_number_unsigned()) return std::to_string(value.get<std::uint64_t>());
  if (value.is_number_integer()) return std::to_string(value.get<std::int64_t>());
  if (value.is_boolean()) return value.get<bool>() ? "1" : "0";
  if (!value.is_number_float()) return std::nullopt;
  const double d = value.get<double>();
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, end);
}

std::uint64_t count_of(const json& value) {
  if (value.is_number_unsigned()) return value.get<std::uint64_t>();
  if (value.is_number_integer())
    return static_cast<std::uint64_t>(std::max<std::int64_t>(0, value.get<std::int64_t>()));
  if (value.is_number_float())
    return static_cast<std::uint64_t>(std::max(0.0, value.get<double>()));
  return 0;
}

// Label values hold operator text (zone and rule names): the format escapes
// backslash, double quote and newline there; HELP text escapes the first
// and last only.
std::string escaped(std::string_view text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '"' && quote)
      out += "\\\"";
    else
      out += c;
  }
  return out;
}

// Writes families. A family's header waits for its first sample, so a family
// whose section is absent (no ports on the socket backend) leaves no lines.
class Exposition {
 public:
  void family(std::string_view name, std::string_view type, std::string_view help) {
    pending_ = "# HELP " + std::string(name) + " " + escaped(help, false) + "\n# TYPE " +
               std::string(name) + " " + std::string(type) + "\n";
  }

  void sample(std::string_view name, const Labels& labels, const json& value) {
    const std::optional<std::string> number = number_text(value);
    if (!number) return;
    out_ += pending_;
    pending_.clear();
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out_ += ',';
        out_ += std::string(labels[i].first) + "=\"" + escaped(labels[i].second, true) + "\"";
      }
      out_ += '}';
    }
    out_ += ' ' + *number + '\n';
  }

  // A family of one unlabelled sample; nothing when `value` is absent.
  void single(std::string_view name, std::string_view type, std::string_view help,
              const json* value) {
    if (value == nullptr) return;
    family(name, type, help);
    sample(name, {}, *value);
  }

  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string pending_;
};

// A JSON key and the metric it becomes.
struct Field {
  std::string_view key;
  std::string_view name;
  std::string_view type;
  std::string_view help;
};

void fields(Exposition& x, const json* section, std::initializer_list<Field> list) {
  if (section == nullptr) return;
  for (const Field& f : list) x.single(f.name, f.type, f.help, member(*section, f.key));
}

void identity(Exposition& x, const json& stats) {
  const json* version = member(stats, "version");
  const json* backend = member(stats, "backend");
  x.family("canon_info", kGauge, "canond's version and I/O backend (always 1)");
  x.sample("canon_info", {{"version", text_of(version)}, {"backend", text_of(backend)}}, 1);
  x.single("canon_uptime_seconds", kGauge, "Seconds since canond started",
           member(stats, "uptime_seconds"));
  x.single("canon_snapshot_generation", kGauge,
           "Generation of the served snapshot (+1 per publish)", member(stats, "generation"));
  const json* zones = member(stats, "zones");
  if (zones == nullptr || !zones->is_array()) return;
  const json count = zones->size();
  x.single("canon_zones", kGauge, "Zones served", &count);
  x.family("canon_zone_serial", kGauge, "SOA serial of each served zone");
  for (const json& zone : *zones) {
    x.sample("canon_zone_serial", {{"zone", text_of(member(zone, "origin"))}},
             member_or_null(zone, "serial"));
  }
  // Per zone, what an alert wants: serving an old version (its latest file
  // has errors) or nothing at all (SERVFAIL), and how often loads failed.
  x.family("canon_zone_stale", kGauge, "1 when the zone serves an older version than its file (or none)");
  for (const json& zone : *zones) {
    const json* stale = member(zone, "stale");
    const json value = stale != nullptr && stale->is_boolean() ? json(stale->get<bool>() ? 1 : 0) : json(nullptr);
    x.sample("canon_zone_stale", {{"zone", text_of(member(zone, "origin"))}}, value);
  }
  x.family("canon_zone_load_failures_total", kCounter, "Versions of the zone refused for errors since start-up");
  for (const json& zone : *zones) {
    x.sample("canon_zone_load_failures_total", {{"zone", text_of(member(zone, "origin"))}},
             member_or_null(zone, "load_failures"));
  }
}

void engine_counters(Exposition& x, const json& stats) {
  fields(
      x, &stats,
      {{"queries", "canon_queries_received_total", kCounter, "DNS queries received (UDP and TCP)"},
       {"responses", "canon_responses_sent_total", kCounter, "DNS responses sent"},
       {"dropped", "canon_dropped_total", kCounter,
        "Queries not answered (malformed, policy drop, RRL)"},
       {"truncated", "canon_truncated_total", kCounter, "Responses sent with TC=1"}});
  if (const json* qtypes = member(stats, "qtypes"); qtypes && qtypes->is_object()) {
    x.family("canon_queries_total", kCounter, "DNS queries by query type");
    for (const auto& [name, n] : qtypes->items())
      x.sample("canon_queries_total", {{"qtype", name}}, n);
  }
  if (const json* rcodes = member(stats, "rcodes"); rcodes && rcodes->is_object()) {
    x.family("canon_responses_total", kCounter, "DNS responses by response code");
    for (const auto& [name, n] : rcodes->items())
      x.sample("canon_responses_total", {{"rcode", name}}, n);
  }
}

// chain_links[i]: answers that followed i CNAME/DNAME links. Prometheus
// buckets count everything at or below `le`, hence the running sum.
void chain_links(Exposition& x, const json& stats) {
  const json* links = member(stats, "chain_links");
  if (links == nullptr || !links->is_array()) return;
  x.family("canon_chain_links", "histogram", "CNAME/DNAME links followed per answer");
  std::uint64_t cumulative = 0;
  std::uint64_t sum = 0;
  for (std::size_t i = 0; i < links->size(); ++i) {
    const std::uint64_t n = count_of((*links)[i]);
    cumulative += n;
    sum += i * n;
    x.sample("canon_chain_links_bucket", {{"le", std::to_string(i)}}, cumulative);
  }
  x.sample("canon_chain_links_bucket", {{"le", "+Inf"}}, cumulative);
  x.sample("canon_chain_links_sum", {}, sum);
  x.sample("canon_chain_links_count", {}, cumulative);
}

void policy(Exposition& x, const json& stats) {
  const json& section = member_or_null(stats, "policy");
  x.single("canon_policy_rules", kGauge, "Rules in the loaded policy (0: no policy)",
           member_or_zero(section, "rules"));
  x.single("canon_policy_generation", kGauge, "Policy generation (+1 per successful policy-reload)",
           member(section, "generation"));
  if (const json* actions = member(section, "actions"); actions && actions->is_object()) {
    x.family("canon_policy_actions_total", kCounter, "Queries the policy acted on, by action");
    for (const auto& [action, n] : actions->items()) {
      x.sample("canon_policy_actions_total", {{"action", action}}, n);
    }
  }
  const json* matches = member(section, "matches");
  if (matches == nullptr || !matches->is_array()) return;
  x.family("canon_policy_matches_total", kCounter, "Queries matched by each policy rule");
  for (const json& rule : *matches) {
    x.sample("canon_policy_matches_total",
             {{"rule", text_of(member(rule, "rule"))}, {"action", text_of(member(rule, "action"))}},
             member_or_null(rule, "matches"));
  }
}

void rrl(Exposition& x, const json& stats) {
  const json& section = member_or_null(stats, "rrl");
  x.single("canon_rrl_limited_total", kCounter, "Responses over the response rate limit",
           member_or_zero(section, "limited"));
  fields(x, &section,
         {{"slipped", "canon_rrl_slipped_total", kCounter,
           "Rate-limited responses sent truncated (slip)"},
          {"dropped", "canon_rrl_dropped_total", kCounter, "Rate-limited responses not sent"}});
}

void transports(Exposition& x, const json& stats) {
  fields(
      x, member(stats, "udp"),
      {{"received", "canon_udp_received_total", kCounter, "UDP datagrams received"},
       {"sent", "canon_udp_sent_total", kCounter, "UDP datagrams sent"},
       {"send_errors", "canon_udp_send_errors_total", kCounter, "UDP sends that failed"},
       {"receive_errors", "canon_udp_receive_errors_total", kCounter, "UDP receives that failed"}});
  fields(x, member(stats, "tcp"),
         {{"accepted", "canon_tcp_accepted_total", kCounter, "TCP connections accepted"},
          {"refused_over_cap", "canon_tcp_refused_over_cap_total", kCounter,
           "TCP connections closed at once: over the connection cap"},
          {"idle_closed", "canon_tcp_idle_closed_total", kCounter,
           "TCP connections closed for idleness"},
          {"errors", "canon_tcp_errors_total", kCounter,
           "TCP connections closed because buffers or epoll_ctl failed"},
          {"queries", "canon_tcp_queries_total", kCounter, "DNS queries received over TCP"},
          {"open", "canon_tcp_connections_open", kGauge, "TCP connections open now"}});
}

void workers(Exposition& x, const json& stats) {
  const json* list = member(stats, "workers");
  if (list == nullptr || !list->is_array()) return;
  for (const auto& [key, name, help] :
       {std::tuple{"queries", "canon_worker_queries_total", "DNS queries taken by each worker"},
        std::tuple{"responses", "canon_worker_responses_total",
                   "DNS responses sent by each worker"}}) {
    x.family(name, kCounter, help);
    for (const json& w : *list) {
      x.sample(name, {{"worker", text_of(member(w, "worker"))}, {"cpu", text_of(member(w, "cpu"))}},
               member_or_null(w, key));
    }
  }
}

// DPDK ports (absent on the socket backend): the NIC's own counters per
// port, then what each worker counted on its queue.
void nic(Exposition& x, const json& stats) {
  const json* ports = member(stats, "ports");
  if (ports == nullptr || !ports->is_array()) return;
  for (const Field& f :
       {Field{"ipackets", "canon_nic_rx_packets_total", kCounter, "Frames received by the NIC"},
        Field{"opackets", "canon_nic_tx_packets_total", kCounter, "Frames sent by the NIC"},
        Field{"imissed", "canon_nic_rx_missed_total", kCounter,
              "Frames the NIC dropped for want of receive descriptors"},
        Field{"ierrors", "canon_nic_rx_errors_total", kCounter, "Receive errors"},
        Field{"oerrors", "canon_nic_tx_errors_total", kCounter, "Transmit errors"},
        Field{"rx_nombuf", "canon_nic_rx_nombuf_total", kCounter,
              "Receive failures for want of mbufs"},
        Field{"link_up", "canon_nic_link_up", kGauge, "1 when the port's link is up"}}) {
    x.family(f.name, f.type, f.help);
    for (const json& port : *ports) {
      x.sample(f.name, {{"port", text_of(member(port, "name"))}}, member_or_null(port, f.key));
    }
  }
  const auto each_queue = [&](auto&& write) {
    for (const json& port : *ports) {
      const json* queues = member(port, "queues");
      if (queues == nullptr || !queues->is_array()) continue;
      for (const json& queue : *queues) {
        write(queue, Labels{{"port", text_of(member(port, "name"))},
                            {"queue", text_of(member(queue, "queue"))}});
      }
    }
  };
  for (const Field& f :
       {Field{"rx", "canon_nic_queue_rx_packets_total", kCounter, "Frames received on the queue"},
        Field{"tx", "canon_nic_queue_tx_packets_total", kCounter, "Frames sent on the queue"},
        Field{"tx_dropped", "canon_nic_queue_tx_dropped_total", kCounter,
              "Frames the queue could not send"},
        Field{"dns_queries", "canon_nic_queue_dns_queries_total", kCounter,
              "DNS queries taken from the queue"},
        Field{"dns_answers", "canon_nic_queue_dns_answers_total", kCounter,
              "DNS answers sent on the queue"},
        Field{"neighbour", "canon_nic_queue_neighbour_total", kCounter, "ARP/NDP frames answered"},
        Field{"echo", "canon_nic_queue_echo_total", kCounter, "ICMP echo requests answered"},
        Field{"exception_out", "canon_nic_queue_exception_out_total", kCounter,
              "Frames handed to the kernel (exception path)"},
        Field{"exception_in", "canon_nic_queue_exception_in_total", kCounter,
              "Frames the kernel sent through the exception path"},
        Field{"exception_dropped", "canon_nic_queue_exception_dropped_total", kCounter,
              "Frames the exception path could not pass"}}) {
    x.family(f.name, f.type, f.help);
    each_queue([&](const json& queue, const Labels& labels) {
      x.sample(f.name, labels, member_or_null(queue, f.key));
    });
  }
  x.family("canon_nic_queue_dropped_total", kCounter, "Frames dropped by the worker, by reason");
  each_queue([&](const json& queue, Labels labels) {
    for (const std::string_view reason : {"not_for_us", "malformed", "checksum"}) {
      labels.emplace_back("reason", std::string(reason));
      x.sample("canon_nic_queue_dropped_total", labels,
               member_or_null(queue, "dropped_" + std::string(reason)));
      labels.pop_back();
    }
  });
}

// dnstap (absent when it is off): what the workers sampled, what reached the
// output, and what was lost on the way, by reason.
void dnstap(Exposition& x, const json& stats) {
  const json* section = member(stats, "dnstap");
  if (section == nullptr) return;
  fields(x, section,
         {{"sampled", "canon_dnstap_samples_total", kCounter, "Queries the workers sampled for dnstap"},
          {"written", "canon_dnstap_messages_written_total", kCounter,
           "dnstap messages (auth-query, auth-response) written to the output"},
          {"connected", "canon_dnstap_output_up", kGauge,
           "1 when the dnstap output (file or socket) is open"}});
  x.family("canon_dnstap_dropped_total", kCounter, "dnstap samples or messages lost, by reason");
  for (const auto& [reason, key] : {std::pair{"ring_full", "dropped_ring_full"},
                                    std::pair{"too_big", "dropped_too_big"}, std::pair{"output", "lost"}}) {
    x.sample("canon_dnstap_dropped_total", {{"reason", reason}}, member_or_null(*section, key));
  }
}

// The names every Prometheus client library uses, so stock dashboards work.
void process(Exposition& x, const json& stats) {
  fields(
      x, member(stats, "process"),
      {{"cpu_seconds_total", "process_cpu_seconds_total", kCounter,
        "User and system CPU time in seconds"},
       {"resident_memory_bytes", "process_resident_memory_bytes", kGauge,
        "Resident memory in bytes"},
       {"virtual_memory_bytes", "process_virtual_memory_bytes", kGauge, "Virtual memory in bytes"},
       {"open_fds", "process_open_fds", kGauge, "Open file descriptors"},
       {"max_fds", "process_max_fds", kGauge, "Limit of open file descriptors (RLIMIT_NOFILE)"},
       {"start_time_seconds", "process_start_time_seconds", kGauge,
        "Start time of the process since the Unix epoch in seconds"},
       {"threads", "process_threads", kGauge, "Threads of the process"}});
}

}  // namespace

std::string prometheus_text(const json& stats) {
  Exposition x;
  identity(x, stats);
  engine_counters(x, stats);
  chain_links(x, stats);
  policy(x, stats);
  rrl(x, stats);
  transports(x, stats);
  workers(x, stats);
  nic(x, stats);
  dnstap(x, stats);
  process(x, stats);
  return x.take();
}

}  // namespace canon::daemon
