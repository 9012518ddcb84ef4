// DNS over TCP (RFC 7766) for the socket backend: one thread, epoll, answers
// from the same published snapshot as the UDP workers.
//
// Per connection (slots allocated once, reused):
//
//   in   [len][query][len][que...   ≤ 2 + 65535 bytes, read as it arrives
//   out  [len][answer][len][answer] ≤ 2 × (2 + 65535), written as the socket takes it
//
// Pipelined queries are answered in order, each copied into `out` and
// answered there in place (RFC 7766 §6.2.1.1). One event answers every
// complete query already in `in`: `out` is flushed whenever it cannot take
// one more largest answer, and answering goes on until `in` holds no complete
// query. The socket may be empty by then, so a query left in `in` would wait
// for an event that never comes. When the socket will not take all of `out`,
// answering stops and only EPOLLOUT is watched: the connection is not read
// (back-pressure) until `out` has left, and then the rest of `in` is answered
// before reading again. The work of one event is bounded by `in`'s size.
//
// Idle connections are closed after the idle timeout; above the connection
// cap new connections are closed at once. A connection whose buffers cannot
// be allocated or whose epoll registration fails is closed and counted
// (TcpCounters::errors); the server goes on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/engine.hpp"
#include "nic/control_mailbox.hpp"
#include "nic/dnstap_tap.hpp"
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
  // `dnstap`: the queries it samples for the dnstap writer (off by default).
  TcpServer(std::span<const ListenAddress> listen, TcpLimits limits, const engine::EngineConfig& config,
            unsigned slot, bool freebind = false, const DnstapConfig& dnstap = {});
  TcpServer(const TcpServer&) = delete;
  TcpServer& operator=(const TcpServer&) = delete;

  // The thread body: serves until `stop`, then flushes pending answers (≤ 1 s).
  void run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept;

  [[nodiscard]] const engine::WorkerCounters& engine_counters() const noexcept {
    return engine_->counters();
  }
  [[nodiscard]] const TcpCounters& counters() const noexcept { return counters_; }
  // Answers the NOTIFYs the engine leaves for the control side; before run().
  void set_control_answerer(ControlAnswerer answerer) { control_ = std::move(answerer); }
  // Serves the AXFRs and IXFRs the engine leaves for the control side; before run().
  void set_transfer_handoff(TransferHandoff handoff) { handoff_ = std::move(handoff); }
  // The samples for the dnstap writer; nullptr when dnstap is off.
  [[nodiscard]] DnstapRing* dnstap_ring() noexcept { return dnstap_ ? &dnstap_->ring() : nullptr; }

 private:
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kMessage = 2 + 65535;
  enum class Flushed { kAll, kPending, kClosed };
  struct Connection {
    Fd fd;
    std::unique_ptr<std::uint8_t[]> in;   // kMessage bytes, allocated on the slot's first use
    std::unique_ptr<std::uint8_t[]> out;  // 2 * kMessage bytes, likewise
    std::size_t in_length = 0;
    std::size_t out_length = 0;
    std::size_t out_sent = 0;
    Clock::time_point last_active;
    bool peer_closed = false;
    bool watching_output = false;
    engine::ClientAddress peer;  // for the policy's prefixes
    std::uint16_t port = 0;      // the peer's, for dnstap
  };

  void accept_all(int listener) noexcept;
  void on_event(std::uint32_t slot, std::uint32_t events, const engine::Served& served) noexcept;
  void read_input(Connection& c) noexcept;
  void answer_complete(Connection& c, const engine::Served& served) noexcept;
  [[nodiscard]] static bool holds_complete_query(const Connection& c) noexcept;
  [[nodiscard]] Flushed flush(std::uint32_t slot) noexcept;
  [[nodiscard]] bool watch(std::uint32_t slot, bool output) noexcept;
  void close(std::uint32_t slot) noexcept;
  void close_idle(Clock::time_point now) noexcept;

  TcpLimits limits_;
  Fd epoll_;
  std::vector<Fd> listeners_;
  std::vector<Connection> connections_;
  std::vector<std::uint32_t> free_slots_;
  std::unique_ptr<engine::Engine> engine_;
  TcpCounters counters_;
  ControlAnswerer control_;
  TransferHandoff handoff_;
  std::uint64_t handed_ = 0;  // the engine's to_control count already handed over
  std::unique_ptr<DnstapTap> dnstap_;  // null: dnstap off
};

}  // namespace canon::nic
