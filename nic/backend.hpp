// What the control thread sees of a packet I/O backend (kernel sockets or
// DPDK): start the workers, stop them (draining), read their counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/counters.hpp"
#include "nic/control_mailbox.hpp"
#include "nic/dnstap_ring.hpp"
#include "nic/dpdk_counters.hpp"
#include "nic/socket_counters.hpp"

namespace canon::nic {

struct WorkerReport {
  unsigned index = 0;
  int cpu = -1;  // -1: not pinned
  engine::WorkerCounters engine;
};

// One queue of a DPDK port: the worker's software counters and the port's
// per-queue hardware counts where the driver has them.
struct QueueReport {
  unsigned queue = 0;
  QueueCounters counters;
};

struct PortReport {
  std::string name;  // the ethdev name ("net_af_packet0", "0000:3b:00.0")
  std::string driver;
  std::string mac;
  bool link_up = false;
  std::uint32_t speed_mbps = 0;
  std::uint64_t ipackets = 0, opackets = 0, imissed = 0, ierrors = 0, oerrors = 0, rx_nombuf = 0;
  std::string exception_interface;  // the kernel TAP, or empty
  std::vector<QueueReport> queues;
};

struct BackendReport {
  std::vector<WorkerReport> workers;  // UDP workers
  std::vector<PortReport> ports;      // DPDK only
  engine::WorkerCounters tcp_engine;  // queries answered over TCP
  UdpCounters udp;
  TcpCounters tcp;
};

class Backend {
 public:
  virtual ~Backend() = default;
  [[nodiscard]] virtual const char* name() const noexcept = 0;
  // Starts every thread; each registers as a snapshot reader.
  virtual void start() = 0;
  // Stops taking queries, answers what was taken, joins. Idempotent.
  virtual void stop() noexcept = 0;
  [[nodiscard]] virtual BackendReport report() const = 0;
  [[nodiscard]] virtual std::vector<std::string> listening() const = 0;
  // How the addresses are served, for the log: "udp+tcp", ...
  [[nodiscard]] virtual std::string transports() const { return "udp+tcp"; }
  // Where the workers leave the NOTIFYs they do not answer (one per UDP
  // worker); empty when this backend answers NOTIFY with NOTIMP itself.
  [[nodiscard]] virtual std::vector<ControlMailbox*> control_mailboxes() { return {}; }
  // The rings the dnstap writer drains (one per worker, one for TCP); empty
  // when dnstap is off. They live as long as the backend.
  [[nodiscard]] virtual std::vector<DnstapSource> dnstap_sources() { return {}; }
  // Who answers those messages when they come over TCP; set before start().
  virtual void set_control_answerer(ControlAnswerer /*answerer*/) {}
  // Who serves AXFR and IXFR over TCP; set before start().
  virtual void set_transfer_handoff(TransferHandoff /*handoff*/) {}
};

}  // namespace canon::nic
