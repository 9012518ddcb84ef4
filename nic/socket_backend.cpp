#include "nic/socket_backend.hpp"

#include <stdexcept>
#include <string>

#include "nic/cpu_affinity.hpp"

namespace canon::nic {

SocketBackend::SocketBackend(const SocketBackendConfig& config, const engine::EngineConfig& engine,
                             engine::ServedPublisher& publisher)
    : config_(config), publisher_(publisher) {
  tcp_ = std::make_unique<TcpServer>(config_.listen, config_.tcp, engine, config_.workers, false, config_.dnstap);
  for (unsigned w = 0; w < config_.workers; ++w) {
    const int cpu = config_.cpus.empty() ? -1 : config_.cpus[w % config_.cpus.size()];
    workers_.push_back(std::make_unique<UdpWorker>(w, cpu, config_.listen, engine, config_.dnstap));
  }
}

void SocketBackend::start() {
  for (auto& worker : workers_) {
    UdpWorker* w = worker.get();
    engine::ServedReader reader = publisher_.reader(w->index());
    threads_.emplace_back([this, w, reader] {
      w->run(reader, stop_);
      publisher_.unregister(reader);
    });
    if (w->cpu() >= 0) {
      const std::string error = pin_thread(threads_.back(), w->cpu());
      if (!error.empty()) {
        stop();
        throw std::runtime_error("worker " + std::to_string(w->index()) + ": " + error);
      }
    }
  }
  engine::ServedReader tcp_reader = publisher_.reader(config_.workers);
  threads_.emplace_back([this, tcp_reader] {
    tcp_->run(tcp_reader, stop_);
    publisher_.unregister(tcp_reader);
  });
}

void SocketBackend::stop() noexcept {
  stop_.store(true, std::memory_order_relaxed);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

BackendReport SocketBackend::report() const {
  BackendReport report;
  for (const auto& w : workers_) {
    report.workers.push_back(WorkerReport{w->index(), w->cpu(), w->engine_counters()});
    report.udp.add(w->counters());
  }
  report.tcp_engine = tcp_->engine_counters();
  report.tcp = tcp_->counters();
  return report;
}

std::vector<std::string> SocketBackend::listening() const {
  std::vector<std::string> out;
  for (const ListenAddress& where : config_.listen) out.push_back(where.text);
  return out;
}

}  // namespace canon::nic

namespace canon::nic {

void SocketBackend::set_control_answerer(ControlAnswerer answerer) { tcp_->set_control_answerer(std::move(answerer)); }

void SocketBackend::set_transfer_handoff(TransferHandoff handoff) { tcp_->set_transfer_handoff(std::move(handoff)); }

std::vector<DnstapSource> SocketBackend::dnstap_sources() {
  std::vector<DnstapSource> out;
  for (auto& worker : workers_) {
    if (DnstapRing* ring = worker->dnstap_ring()) out.push_back({"worker " + std::to_string(worker->index()), ring});
  }
  if (DnstapRing* ring = tcp_->dnstap_ring()) out.push_back({"tcp", ring});
  return out;
}

std::vector<ControlMailbox*> SocketBackend::control_mailboxes() {
  std::vector<ControlMailbox*> out;
  for (auto& worker : workers_) out.push_back(&worker->mailbox());
  return out;
}

}  // namespace canon::nic
