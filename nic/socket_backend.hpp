// The kernel-socket backend: the zero-setup default and the TCP path.
//
//   worker 0 (CPU cpus[0]) ── UdpWorker: its SO_REUSEPORT sockets, one per address
//   worker 1 (CPU cpus[1]) ── UdpWorker
//   ...
//   tcp                    ── TcpServer: every address, RFC 7766
//
// Snapshot reader ids: workers 0..N-1, TCP N (publisher sized N+1).
#pragma once

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "engine/config.hpp"
#include "nic/backend.hpp"
#include "nic/listen_address.hpp"
#include "nic/tcp_server.hpp"
#include "nic/udp_worker.hpp"
#include "engine/served.hpp"

namespace canon::nic {

struct SocketBackendConfig {
  std::vector<ListenAddress> listen;
  unsigned workers = 1;
  std::vector<int> cpus;  // worker i is pinned to cpus[i % size]; empty: not pinned
  TcpLimits tcp;
  DnstapConfig dnstap;  // off unless enabled
};

class SocketBackend final : public Backend {
 public:
  [[nodiscard]] static unsigned readers_needed(const SocketBackendConfig& config) {
    return config.workers + 1;
  }
  // Opens every socket (TCP first, so a port in use fails before any
  // SO_REUSEPORT UDP socket could share it); throws std::runtime_error.
  SocketBackend(const SocketBackendConfig& config, const engine::EngineConfig& engine,
                engine::ServedPublisher& publisher);
  ~SocketBackend() override { stop(); }

  [[nodiscard]] const char* name() const noexcept override { return "socket"; }
  void start() override;
  void stop() noexcept override;
  [[nodiscard]] BackendReport report() const override;
  [[nodiscard]] std::vector<std::string> listening() const override;
  [[nodiscard]] std::vector<ControlMailbox*> control_mailboxes() override;
  [[nodiscard]] std::vector<DnstapSource> dnstap_sources() override;
  void set_control_answerer(ControlAnswerer answerer) override;
  void set_transfer_handoff(TransferHandoff handoff) override;

 private:
  SocketBackendConfig config_;
  engine::ServedPublisher& publisher_;
  std::unique_ptr<TcpServer> tcp_;
  std::vector<std::unique_ptr<UdpWorker>> workers_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stop_{false};
};

}  // namespace canon::nic
