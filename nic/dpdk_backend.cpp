#include "nic/dpdk_backend.hpp"

#include <rte_eal.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>

#include <cstdio>
#include <stdexcept>

#include "nic/dpdk_eal.hpp"
#include "nic/kernel_interface.hpp"
#include "nic/tsan_edges.hpp"

namespace canon::nic {

namespace {

struct Launch {
  DpdkBackend* backend;
  DpdkWorker* worker;
  engine::ServedPublisher* publisher;
  const std::atomic<bool>* stop;
};

int run_worker(void* arg) {
  auto* launch = static_cast<Launch*>(arg);
  happens_after(launch);
  DpdkBackend* backend = launch->backend;
  engine::ServedReader reader = launch->publisher->reader(launch->worker->index());
  launch->worker->run(reader, *launch->stop);
  launch->publisher->unregister(reader);
  delete launch;
  happens_before(backend);  // stop() reads it after rte_eal_mp_wait_lcore
  return 0;
}

std::vector<ListenAddress> tcp_addresses(const DpdkBackendConfig& config) {
  std::vector<ListenAddress> out;
  for (const InterfaceAddress& a : config.addresses) {
    const std::string host = a.text.substr(0, a.text.find('/'));
    const std::string text = a.ipv6 ? "[" + host + "]:" + std::to_string(config.dns_port)
                                    : host + ":" + std::to_string(config.dns_port);
    std::string error;
    auto parsed = parse_listen_address(text, error);
    if (!parsed) throw std::runtime_error("TCP on " + text + ": " + error);
    out.push_back(*parsed);
  }
  return out;
}

}  // namespace

DpdkBackend::DpdkBackend(const DpdkBackendConfig& config, const engine::EngineConfig& engine,
                         engine::ServedPublisher& publisher)
    : config_(config), publisher_(publisher) {
  init_eal(eal_arguments(config_.eal, config_.workers, config_.cpus, hugepages_reserved()));
  const std::vector<unsigned> lcores = worker_lcores();
  if (lcores.size() != config_.workers) {
    throw std::runtime_error("--workers " + std::to_string(config_.workers) + " but the EAL arguments give " +
                             std::to_string(lcores.size()) +
                             " worker lcore(s): name one lcore per worker besides the main one");
  }
  PortPlan plan;
  plan.queues = static_cast<std::uint16_t>(config_.workers);
  plan.exception_interface = config_.exception_interface;
  ports_ = std::make_unique<DpdkPorts>(plan);

  LocalAddresses local;
  local.dns_port = config_.dns_port;
  for (const InterfaceAddress& a : config_.addresses) {
    if (!local.add(a)) throw std::runtime_error("at most 16 IPv4 and 16 IPv6 --address values");
  }
  for (unsigned w = 0; w < config_.workers; ++w) {
    workers_.push_back(std::make_unique<DpdkWorker>(w, lcores[w], ports_->ports(), local, engine, config_.dnstap));
  }
  if (!config_.exception_interface.empty()) {
    for (const DpdkPort& port : ports_->ports()) configure_kernel_interface(port.tap_interface, config_.addresses);
    tcp_ = std::make_unique<TcpServer>(tcp_addresses(config_), config_.tcp, engine, config_.workers,
                                       /*freebind=*/true, config_.dnstap);
    if (engine.notify_to_control && engine.udp_notify_to_control) {
      notify_ = std::make_unique<KernelNotifyReceiver>(tcp_addresses(config_));
    }
  }
}

std::vector<ControlMailbox*> DpdkBackend::control_mailboxes() {
  if (!notify_) return {};
  return {&notify_->mailbox()};
}

void DpdkBackend::set_control_answerer(ControlAnswerer answerer) {
  if (tcp_) tcp_->set_control_answerer(std::move(answerer));
}

void DpdkBackend::set_transfer_handoff(TransferHandoff handoff) {
  if (tcp_) tcp_->set_transfer_handoff(std::move(handoff));
}

DpdkBackend::~DpdkBackend() {
  stop();
  workers_.clear();
  ports_.reset();
  rte_eal_cleanup();
}

void DpdkBackend::start() {
  for (auto& worker : workers_) {
    auto* launch = new Launch{this, worker.get(), &publisher_, &stop_};
    happens_before(launch);  // run_worker reads it on the lcore
    if (const int rc = rte_eal_remote_launch(run_worker, launch, worker->lcore()); rc != 0) {
      delete launch;
      stop();
      throw std::runtime_error("cannot start worker " + std::to_string(worker->index()) + " on lcore " +
                               std::to_string(worker->lcore()) + ": " + rte_strerror(-rc));
    }
  }
  started_ = true;
  if (notify_) notify_->start();
  if (tcp_) {
    engine::ServedReader tcp_reader = publisher_.reader(config_.workers);
    tcp_thread_ = std::thread([this, tcp_reader] {
      tcp_->run(tcp_reader, stop_);
      publisher_.unregister(tcp_reader);
    });
  }
}

void DpdkBackend::stop() noexcept {
  if (stopped_) return;
  stopped_ = true;
  stop_.store(true, std::memory_order_relaxed);
  if (started_) {
    rte_eal_mp_wait_lcore();
    happens_after(this);  // each worker's last writes, before its ports stop
  }
  if (tcp_thread_.joinable()) tcp_thread_.join();
  if (notify_) notify_->stop();
  if (ports_) ports_->stop();
}

BackendReport DpdkBackend::report() const {
  BackendReport report;
  for (const auto& w : workers_) {
    // The lcore's CPU set (--lcores 1@3 runs lcore 1 on CPU 3): its first CPU.
    const rte_cpuset_t cpus = rte_lcore_cpuset(w->lcore());
    int cpu = -1;
    for (int c = 0; c < CPU_SETSIZE && cpu < 0; ++c) {
      if (CPU_ISSET(c, &cpus)) cpu = c;
    }
    report.workers.push_back(WorkerReport{w->index(), cpu, w->engine_counters()});
  }
  const auto& ports = ports_->ports();
  for (std::size_t k = 0; k < ports.size(); ++k) {
    const DpdkPort& p = ports[k];
    PortReport r;
    r.name = p.name;
    r.driver = p.driver;
    r.mac = mac_text(p.mac);
    r.exception_interface = p.tap_interface;
    rte_eth_link link{};
    if (rte_eth_link_get_nowait(p.id, &link) == 0) {
      r.link_up = link.link_status == RTE_ETH_LINK_UP;
      r.speed_mbps = link.link_speed;
    }
    rte_eth_stats stats{};
    if (rte_eth_stats_get(p.id, &stats) == 0) {
      r.ipackets = stats.ipackets;
      r.opackets = stats.opackets;
      r.imissed = stats.imissed;
      r.ierrors = stats.ierrors;
      r.oerrors = stats.oerrors;
      r.rx_nombuf = stats.rx_nombuf;
    }
    for (const auto& w : workers_) {
      const QueueCounters& c = w->counters(k);
      r.queues.push_back(QueueReport{w->index(), c});
      report.udp.received += c.dns_queries;
      report.udp.sent += c.dns_answers;
    }
    report.ports.push_back(std::move(r));
  }
  if (tcp_) {
    report.tcp_engine = tcp_->engine_counters();
    report.tcp = tcp_->counters();
  }
  return report;
}

std::vector<std::string> DpdkBackend::listening() const {
  std::vector<std::string> out;
  for (const InterfaceAddress& a : config_.addresses) {
    const std::string host = a.text.substr(0, a.text.find('/'));
    out.push_back((a.ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(config_.dns_port));
  }
  return out;
}

std::string DpdkBackend::transports() const {
  if (config_.exception_interface.empty()) return "udp (no exception path, so no tcp)";
  return "udp, tcp through the kernel (" + config_.exception_interface + ")";
}

std::vector<DnstapSource> DpdkBackend::dnstap_sources() {
  std::vector<DnstapSource> out;
  for (auto& worker : workers_) {
    if (DnstapRing* ring = worker->dnstap_ring()) out.push_back({"worker " + std::to_string(worker->index()), ring});
  }
  if (tcp_) {
    if (DnstapRing* ring = tcp_->dnstap_ring()) out.push_back({"tcp", ring});
  }
  return out;
}

std::vector<std::string> DpdkBackend::describe_ports() const {
  std::vector<std::string> lines;
  for (const DpdkPort& p : ports_->ports()) {
    std::string line = "port " + std::to_string(p.id) + " " + p.name + " (" + p.driver + ") mac " + mac_text(p.mac) +
                       ", mtu " + std::to_string(p.mtu) + ", checksums " +
                       (p.offload.udp ? "by the NIC" : "in software") + ", exception path " +
                       (p.tap_interface.empty() ? "none (other traffic is dropped)" : "TAP " + p.tap_interface);
    lines.push_back(line);
  }
  return lines;
}

}  // namespace canon::nic
