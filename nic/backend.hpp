// What the control thread sees of a packet I/O backend (socket now, DPDK
// next): start the workers, stop them (draining), read their counters.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/counters.hpp"
#include "nic/socket_counters.hpp"

namespace canon::nic {

struct WorkerReport {
  unsigned index = 0;
  int cpu = -1;  // -1: not pinned
  engine::WorkerCounters engine;
};

struct BackendReport {
  std::vector<WorkerReport> workers;  // UDP workers
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
};

}  // namespace canon::nic
