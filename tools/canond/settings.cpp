#include "tools/canond/settings.hpp"

#include <stdexcept>
#include <string>

#include "nic/cpu_affinity.hpp"
#include "nic/listen_address.hpp"
#include "nic/udp_worker.hpp"

namespace canon::daemon {

namespace {

[[noreturn]] void refuse(const std::string& message) { throw std::runtime_error(message); }

nic::DpdkBackendConfig dpdk_settings(const DaemonOptions& o, const nic::SocketBackendConfig& common) {
  nic::DpdkBackendConfig d;
  d.eal = o.eal;
  d.workers = common.workers;
  d.cpus = common.cpus;
  d.tcp = common.tcp;
  d.dnstap = common.dnstap;
  if (o.addresses.empty()) refuse("--backend dpdk needs at least one --address to answer on (IP[/PREFIX])");
  for (const std::string& text : o.addresses) {
    std::string error;
    auto address = nic::parse_interface_address(text, error);
    if (!address) refuse("--address " + error);
    d.addresses.push_back(std::move(*address));
  }
  if (o.dns_port < 1 || o.dns_port > 65535) refuse("--dns-port " + std::to_string(o.dns_port) + ": use 1-65535");
  d.dns_port = static_cast<std::uint16_t>(o.dns_port);
  if (o.exception_interface.size() > 15) {
    refuse("--exception-iface '" + o.exception_interface + "': interface names are at most 15 characters");
  }
  d.exception_interface = o.exception_interface == "none" ? "" : o.exception_interface;
  return d;
}

}  // namespace

Settings make_settings(const DaemonOptions& o) {
  Settings s;
  const auto level = parse_log_level(o.log_level);
  if (!level) refuse("--log-level '" + o.log_level + "': use error, warning, info or debug");
  s.log_level = *level;
  const auto target = parse_log_target(o.log_target);
  if (!target) refuse("--log-target '" + o.log_target + "': use stderr, journal or syslog");
  s.log_target = *target;
  s.run_as = resolve_run_as(o.user, o.group);

  if (o.backend != "socket" && o.backend != "dpdk") refuse("--backend '" + o.backend + "': use socket or dpdk");
  s.dpdk = o.backend == "dpdk";
  if (!o.metrics.empty()) {
    std::string error;
    if (!nic::parse_listen_address(o.metrics, error)) refuse("--metrics " + o.metrics + ": " + error);
  }
  if (!s.dpdk && (!o.eal.empty() || !o.addresses.empty())) {
    refuse("--eal and --address configure the DPDK backend (--backend dpdk); the socket backend listens on --listen");
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
  // What the workers sample; the writer (dnstap_writer.hpp) takes the rest.
  s.backend.dnstap.enabled = o.dnstap.enabled();
  s.backend.dnstap.sample = o.dnstap.sample;
  s.backend.dnstap.queries = s.backend.dnstap.responses = false;
  for (const std::string& m : o.dnstap.messages) {
    if (m == "auth-query") s.backend.dnstap.queries = true;
    else if (m == "auth-response") s.backend.dnstap.responses = true;
    else refuse("dnstap message type '" + m + "': use auth-query, auth-response or both");
  }
  if (s.dpdk) s.dpdk_backend = dpdk_settings(o, s.backend);

  for (const std::string& spec : o.zones) {
    std::string error;
    auto source = zones::parse_zone_source(spec, error);
    if (!source) refuse("--zone " + error);
    source->include_base = o.include_base;
    s.zones.push_back(std::move(*source));
  }
  return s;
}

}  // namespace canon::daemon
