// The admin socket: a UNIX stream socket, mode 0600, JSON lines.
//
// Only root and canond's own uid may talk (SO_PEERCRED); anyone else gets one
// error line and is disconnected. With user = "canon" (privileges.hpp) the
// socket is mode 0660, owned by that user and group, and members of the
// group (primary or supplementary: SO_PEERGROUPS) may talk too; a directory
// canond creates for it is theirs as well (0750), so the socket can still be
// removed at exit once privileges are gone. Each complete line is one request, answered
// in order by Control; a line longer than kMaxRequest is refused and the
// connection closed, and so is a client over kMaxClients. Runs on the control thread, driven by its epoll loop.
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "nic/fd.hpp"
#include "tools/canond/control.hpp"
#include "tools/canond/privileges.hpp"

namespace canon::daemon {

class AdminServer {
 public:
  static constexpr std::size_t kMaxRequest = 64 * 1024;
  // Connections open at once; one more gets an error line and is closed (a
  // script that leaks connections must not run canond out of descriptors).
  static constexpr std::size_t kMaxClients = 32;

  // Creates the socket (and its directory); refuses to replace the socket
  // of a live canond. Registers itself in `epoll_fd`. Throws runtime_error.
  AdminServer(std::string path, int epoll_fd, const std::optional<RunAs>& run_as = std::nullopt);
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
  [[nodiscard]] bool admitted(int fd, const ucred& peer) const;
  void serve(int fd, Control& control);
  void send_line(int fd, const std::string& line);
  void drop(int fd);

  std::string path_;
  int epoll_;
  nic::Fd listener_;
  std::optional<gid_t> group_;  // its members may talk too
  std::map<int, std::string> clients_;  // fd → bytes of the request line so far
};

}  // namespace canon::daemon
