// DNS over TCP (RFC 7766) for the socket backend: one thread, epoll, answers
// from the same published snapshot as the UDP workers.
//
// Per connection (slots allocated once, reused):
//
//   in   [len][query][len][que...   ≤ 2 + 65535 bytes, read as it arrives
//   out  [len][answer][len][answer] ≤ 2 × (2 + 65535), written as the socket takes it
//
// Pipelined queries are answered in order, each copied into `out` and
// answered there in place. While `out` cannot take one more largest answer
// the connection is not read (back-pressure); while output is pending only
// EPOLLOUT is watched. Idle connections are closed after the idle timeout;
// above the connection cap new connections are closed at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/engine.hpp"
#include "nic/fd.hpp"
#include "nic/listen_address.hpp"
#include "nic/socket_counters.hpp"
#include "engine/served.hpp"

namespace canon::nic {

struct TcpLimits {
  unsigned max_connections = 256;
  unsigned idle_timeout_ms = 10'000;
};

class TcpServer {
 public:
  // Opens the listeners; throws std::runtime_error when one fails.
  // `freebind`: see open_tcp_listener.
  // `slot`: the server's reader id (its row in the policy's scratch).
  TcpServer(std::span<const ListenAddress> listen, TcpLimits limits, const engine::EngineConfig& config,
            unsigned slot, bool freebind = false);
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // The thread body: serves until `stop`, then flushes pending answers (≤ 1 s).
  void run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept;

  [[nodiscard]] const engine::WorkerCounters& engine_counters() const noexcept {
    return engine_->counters();
  }
  [[nodiscard]] const TcpCounters& counters() const noexcept { return counters_; }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMessage = 2 + 65535;
  struct Connection {
    Fd fd;
    std::unique_ptr<std::uint8_t[]> in;   // kMessage bytes
    std::unique_ptr<std::uint8_t[]> out;  // 2 * kMessage bytes
    std::size_t in_length = 0;
    std::size_t out_length = 0;
    std::size_t out_sent = 0;
    Clock::time_point last_active;
    bool peer_closed = false;
    bool watching_output = false;
    engine::ClientAddress peer;  // for the policy's prefixes
  };

  void accept_all(int listener) noexcept;
  void on_event(std::uint32_t slot, std::uint32_t events, const engine::Served& served) noexcept;
  void read_input(Connection& c) noexcept;
  void answer_complete(Connection& c, const engine::Served& served) noexcept;
  void flush(std::uint32_t slot) noexcept;
  void watch(std::uint32_t slot, bool output) noexcept;
  void close(std::uint32_t slot) noexcept;
  void close_idle(Clock::time_point now) noexcept;

  TcpLimits limits_;
  Fd epoll_;
  std::vector<Fd> listeners_;
  std::vector<Connection> connections_;
  std::vector<std::uint32_t> free_slots_;
  std::unique_ptr<engine::Engine> engine_;
  TcpCounters counters_;
};

}  // namespace canon::nic
