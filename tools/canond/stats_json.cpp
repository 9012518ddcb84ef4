// `stats`: the backend's counters, summed over workers, as JSON.
#include "tools/canond/control.hpp"
#include "tools/canond/process_stats.hpp"

namespace canon::daemon {

using nlohmann::json;

namespace {

const char* rcode_name(std::size_t rcode) {
  static const char* const kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED",
                                       "YXDOMAIN", "YXRRSET", "NXRRSET",  "NOTAUTH",  "NOTZONE", "RCODE11",
                                       "RCODE12",  "RCODE13", "RCODE14",  "RCODE15",  "BADVERS"};
  return rcode < std::size(kNames) ? kNames[rcode] : "?";
}

json engine_json(const engine::WorkerCounters& c) {
  json rcodes = json::object();
  for (std::size_t r = 0; r < c.rcodes.size(); ++r) {
    if (c.rcodes[r] || r <= 6 || r == 16) rcodes[rcode_name(r)] = c.rcodes[r];
  }
  json qtypes = json::object();
  for (std::size_t q = 0; q < c.qtypes.size(); ++q) {
    qtypes[engine::qtype_bucket_name(static_cast<engine::QtypeBucket>(q))] = c.qtypes[q];
  }
  return json{{"queries", c.queries},     {"responses", c.responses}, {"dropped", c.dropped},
              {"truncated", c.truncated}, {"rcodes", rcodes},         {"qtypes", qtypes},
              {"chain_links", c.chain_links}};
}

json queue_json(const nic::QueueReport& q) {
  const nic::QueueCounters& c = q.counters;
  return json{{"queue", q.queue},
              {"rx", c.rx},
              {"tx", c.tx},
              {"tx_dropped", c.tx_dropped},
              {"dns_queries", c.dns_queries},
              {"dns_answers", c.dns_answers},
              {"neighbour", c.neighbour},
              {"echo", c.echo},
              {"exception_out", c.exception_out},
              {"exception_in", c.exception_in},
              {"exception_dropped", c.exception_dropped},
              {"dropped_not_for_us", c.dropped_not_for_us},
              {"dropped_malformed", c.dropped_malformed},
              {"dropped_checksum", c.dropped_checksum}};
}

// DPDK ports: the port's own counters (imissed: frames the NIC dropped for
// want of descriptors) and each queue's, as the worker counted them.
json ports_json(const std::vector<nic::PortReport>& ports) {
  json out = json::array();
  for (const nic::PortReport& p : ports) {
    json queues = json::array();
    for (const nic::QueueReport& q : p.queues) queues.push_back(queue_json(q));
    out.push_back(json{{"name", p.name},
                       {"driver", p.driver},
                       {"mac", p.mac},
                       {"link_up", p.link_up},
                       {"speed_mbps", p.speed_mbps},
                       {"exception_interface", p.exception_interface},
                       {"ipackets", p.ipackets},
                       {"opackets", p.opackets},
                       {"imissed", p.imissed},
                       {"ierrors", p.ierrors},
                       {"oerrors", p.oerrors},
                       {"rx_nombuf", p.rx_nombuf},
                       {"queues", queues}});
  }
  return out;
}

}  // namespace

json Control::stats() const {
  const nic::BackendReport report = backend_.report();
  engine::WorkerCounters total = report.tcp_engine;
  json workers = json::array();
  for (const nic::WorkerReport& w : report.workers) {
    total.add(w.engine);
    workers.push_back(json{{"worker", w.index},
                           {"cpu", w.cpu},
                           {"queries", w.engine.queries},
                           {"responses", w.engine.responses}});
  }
  json out = engine_json(total);
  out["ok"] = true;
  out["generation"] = publisher_.generation();
  out["udp"] = json{{"received", report.udp.received},
                    {"sent", report.udp.sent},
                    {"send_errors", report.udp.send_errors},
                    {"receive_errors", report.udp.receive_errors}};
  out["tcp"] = json{{"accepted", report.tcp.accepted},
                    {"refused_over_cap", report.tcp.refused_over_cap},
                    {"idle_closed", report.tcp.idle_closed},
                    {"errors", report.tcp.errors},
                    {"queries", report.tcp.queries},
                    {"open", report.tcp.open}};
  out["workers"] = workers;
  out["backend"] = backend_.name();
  if (!report.ports.empty()) out["ports"] = ports_json(report.ports);
  out["version"] = CANON_VERSION;
  out["uptime_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
  out["zones"] = zones_json();
  out["policy"] = policy_json();
  out["rrl"] = rrl_json(total);
  json actions = json::object();
  for (std::size_t a = 0; a < engine::kPolicyActionCount; ++a) {
    actions[engine::action_name(static_cast<engine::PolicyAction>(a))] = total.policy_actions[a];
  }
  out["policy"]["actions"] = actions;
  if (dnstap_) out["dnstap"] = dnstap_->stats();
  out["process"] = process_json();
  return out;
}

}  // namespace canon::daemon
