#include "tools/canond/settings.hpp"

#include <stdexcept>
#include <string>

#include "nic/cpu_affinity.hpp"
#include "nic/udp_worker.hpp"

namespace canon::daemon {

namespace {

[[noreturn]] void refuse(const std::string& message) { throw std::runtime_error(message); }

}  // namespace

Settings make_settings(const DaemonOptions& o) {
  Settings s;
  const auto level = parse_log_level(o.log_level);
  if (!level) refuse("--log-level '" + o.log_level + "': use error, warning, info or debug");
  s.log_level = *level;

  if (o.backend == "dpdk") {
    refuse("--backend dpdk: the DPDK backend is not in this build of canond yet; use --backend socket");
  }
  if (o.backend != "socket") refuse("--backend '" + o.backend + "': use socket or dpdk");
  if (!o.policy.empty()) {
    refuse("--policy " + o.policy + ": query-name policies are not supported by this canond yet");
  }
  if (!o.metrics.empty()) {
    refuse("--metrics " + o.metrics + ": the Prometheus endpoint is not in this canond yet; use canonctl stats");
  }
  if (!o.eal.empty() || !o.addresses.empty()) {
    refuse("--eal and --address configure the DPDK backend; the socket backend listens on --listen");
  }

  if (o.workers < 1 || o.workers > 128) refuse("--workers " + std::to_string(o.workers) + ": use 1-128");
  s.backend.workers = o.workers;
  if (!o.cpus.empty()) {
    std::string error;
    auto cpus = nic::parse_cpu_list(o.cpus, error);
    if (!cpus) refuse("--cpus: " + error);
    s.backend.cpus = std::move(*cpus);
  }
  if (o.listen.empty()) refuse("no --listen address: canond would answer nobody");
  for (const std::string& text : o.listen) {
    std::string error;
    auto address = nic::parse_listen_address(text, error);
    if (!address) refuse("--listen " + error);
    s.backend.listen.push_back(std::move(*address));
  }
  if (o.engine.max_udp_payload < 512 || o.engine.max_udp_payload > nic::kUdpSlotBytes) {
    refuse("max-udp-payload " + std::to_string(o.engine.max_udp_payload) + ": use 512-" +
           std::to_string(nic::kUdpSlotBytes));
  }
  if (o.tcp_max_connections < 1) refuse("tcp-max-connections must be at least 1");
  if (o.tcp_idle_timeout_seconds < 1) refuse("tcp-idle-timeout must be at least 1 second");
  s.backend.tcp.max_connections = o.tcp_max_connections;
  s.backend.tcp.idle_timeout_ms = o.tcp_idle_timeout_seconds * 1000;

  for (const std::string& spec : o.zones) {
    std::string error;
    auto source = zones::parse_zone_source(spec, error);
    if (!source) refuse("--zone " + error);
    s.zones.push_back(std::move(*source));
  }
  return s;
}

}  // namespace canon::daemon
