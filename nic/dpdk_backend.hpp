// The DPDK backend: poll-mode workers on their own lcores, control on the
// main lcore (canond's main thread), TCP through the kernel.
//
//   EAL (--eal, completed by nic/dpdk_eal) ─▶ ports + TAPs (nic/dpdk_ports)
//   ─▶ TAP k up with the --addresses (nic/kernel_interface)
//   worker lcore w+1 ── DpdkWorker w: queue w of every port
//   thread          ── TcpServer on ADDRESS:dns-port, reached through the TAP
//
// Snapshot reader ids: workers 0..N-1, TCP N (publisher sized N+1).
#pragma once

#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "engine/config.hpp"
#include "nic/backend.hpp"
#include "nic/dpdk_ports.hpp"
#include "nic/dpdk_worker.hpp"
#include "nic/kernel_notify_receiver.hpp"
#include "nic/local_addresses.hpp"
#include "nic/tcp_server.hpp"
#include "engine/served.hpp"

namespace canon::nic {

struct DpdkBackendConfig {
  std::string eal;                          // the operator's EAL arguments
  std::vector<InterfaceAddress> addresses;  // served (DNS, ARP/NDP, echo)
  std::uint16_t dns_port = 53;
  unsigned workers = 1;
  std::vector<int> cpus;                    // worker CPUs when --eal names no lcores
  std::string exception_interface = "canon0";  // empty: no exception path (other traffic dropped)
  TcpLimits tcp;
  DnstapConfig dnstap;  // off unless enabled
};

class DpdkBackend final : public Backend {
 public:
  [[nodiscard]] static unsigned readers_needed(const DpdkBackendConfig& config) { return config.workers + 1; }
  // Initialises EAL, the ports and the exception path; throws std::runtime_error.
  DpdkBackend(const DpdkBackendConfig& config, const engine::EngineConfig& engine,
              engine::ServedPublisher& publisher);
  ~DpdkBackend() override;

  [[nodiscard]] const char* name() const noexcept override { return "dpdk"; }
  void start() override;
  void stop() noexcept override;
  [[nodiscard]] BackendReport report() const override;
  [[nodiscard]] std::vector<std::string> listening() const override;
  [[nodiscard]] std::string transports() const override;
  [[nodiscard]] std::vector<DnstapSource> dnstap_sources() override;
  // One line per port for the start-up log.
  [[nodiscard]] std::vector<std::string> describe_ports() const;
  // The TCP server's (through the exception path): NOTIFY over TCP and
  // AXFR/IXFR go to the control side. Without an exception path, no TCP.
  void set_control_answerer(ControlAnswerer answerer) override;
  void set_transfer_handoff(TransferHandoff handoff) override;
  // NOTIFY over UDP, through the exception path (kernel_notify_receiver.hpp):
  // one mailbox when the engine leaves NOTIFY to the control side.
  [[nodiscard]] std::vector<ControlMailbox*> control_mailboxes() override;

 private:
  static int worker_main(void* self_and_index);

  DpdkBackendConfig config_;
  engine::ServedPublisher& publisher_;
  std::unique_ptr<DpdkPorts> ports_;
  std::vector<std::unique_ptr<DpdkWorker>> workers_;
  std::unique_ptr<TcpServer> tcp_;
  std::unique_ptr<KernelNotifyReceiver> notify_;
  std::thread tcp_thread_;
  std::atomic<bool> stop_{false};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace canon::nic
