// The Prometheus scrape endpoint (`--metrics ADDR:PORT`): a small HTTP/1.1
// server on canond's control thread, driven by the same epoll loop as the
// AdminServer. What it answers is in metrics_http.hpp; this file owns the
// sockets:
//
//   listener ─accept─▶ connection: read ≤ 8 KiB of headers ─▶ response
//   ─write (EPOLLOUT while the peer is slow)─▶ shutdown(SHUT_WR)
//   ─▶ drain what the peer still sends until its FIN ─▶ close
//
// The drain is why a 405 to a POST or a 431 reaches the client: closing a
// socket with unread bytes sends a reset, which can destroy the answer in
// flight. Every state is bounded: at most kMaxConnections open (more are
// accepted and closed at once), and tick() closes a connection that has
// made no progress for kIdleTimeout, whatever its state.
//
// Rendering runs on the control thread, so a scrape costs no worker time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>

#include "nic/fd.hpp"

namespace canon::daemon {

class MetricsServer {
 public:
  static constexpr std::size_t kMaxRequest = 8 * 1024;
  static constexpr std::size_t kMaxConnections = 64;
  static constexpr std::chrono::seconds kIdleTimeout{5};

  // `address` is ADDR:PORT ("127.0.0.1:9153", "[::1]:9153"; port 0 picks a
  // free one). Listens and registers in `epoll_fd`. Throws runtime_error
  // ("--metrics 127.0.0.1:9153: cannot bind: Address already in use").
  MetricsServer(const std::string& address, int epoll_fd, std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // epoll tags this server owns carry this bit (AdminServer's is 1 << 40).
  static constexpr std::uint64_t kTag = 1ull << 41;
  [[nodiscard]] static bool owns(std::uint64_t tag) noexcept { return (tag & kTag) != 0; }
  void on_event(std::uint64_t tag, std::uint32_t events);

  // Closes connections idle for more than kIdleTimeout; call once per loop.
  void tick(std::chrono::steady_clock::time_point now);

  // Where it listens, with the port the kernel gave when 0 was asked.
  [[nodiscard]] std::string address() const;
  [[nodiscard]] std::size_t connections() const noexcept { return connections_.size(); }

 private:
  enum class Phase { kReading, kWriting, kDraining };
  struct Connection {
    Phase phase = Phase::kReading;
    std::string request;   // header bytes so far, at most kMaxRequest + 1
    std::string response;  // once the request is complete
    std::size_t sent = 0;
    std::chrono::steady_clock::time_point last_progress;
  };

  void accept_clients();
  void read(int fd, Connection& c);
  void write(int fd, Connection& c);
  void drain(int fd);
  void respond(int fd, Connection& c, std::string response);
  void watch(int fd, int op, std::uint32_t events);
  void close(int fd);

  int epoll_;
  nic::Fd listener_;
  bool listener_paused_ = false;  // out of fds: accept again on the next tick
  std::function<std::string()> render_;
  std::map<int, Connection> connections_;
};

}  // namespace canon::daemon
