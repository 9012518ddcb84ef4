// The admin socket: a UNIX stream socket, mode 0600, JSON lines.
//
// Only root and canond's own uid may talk (SO_PEERCRED); anyone else gets one
// error line and is disconnected. Each complete line is one request, answered
// in order by Control; a line longer than kMaxRequest is refused and the
// connection closed, and so is a client over kMaxClients. Runs on the control thread, driven by its epoll loop.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "nic/fd.hpp"
#include "tools/canond/control.hpp"

namespace canon::daemon {

class AdminServer {
 public:
  static constexpr std::size_t kMaxRequest = 64 * 1024;
  // Connections open at once; one more gets an error line and is closed (a
  // script that leaks connections must not run canond out of descriptors).
  static constexpr std::size_t kMaxClients = 32;

  // Creates the socket (and its directory); refuses to replace the socket
  // of a live canond. Registers itself in `epoll_fd`. Throws runtime_error.
  AdminServer(std::string path, int epoll_fd);
  ~AdminServer();
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // epoll tags this server owns carry this bit; the rest are the loop's.
  static constexpr std::uint64_t kTag = 1ull << 40;
  [[nodiscard]] static bool owns(std::uint64_t tag) noexcept { return (tag & kTag) != 0; }
  void on_event(std::uint64_t tag, std::uint32_t events, Control& control);

  [[nodiscard]] const std::string& path() const noexcept { return path_; }

 private:
  void accept_clients();
  void serve(int fd, Control& control);
  void send_line(int fd, const std::string& line);
  void drop(int fd);

  std::string path_;
  int epoll_;
  nic::Fd listener_;
  std::map<int, std::string> clients_;  // fd → bytes of the request line so far
};

}  // namespace canon::daemon
