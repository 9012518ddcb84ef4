#include "tools/canond/admin_server.hpp"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>

#include "tools/canond/admin_line.hpp"
#include "tools/canond/log.hpp"

namespace canon::daemon {

namespace {

sockaddr_un address_of(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) {
    throw std::runtime_error("admin socket path " + path + " is longer than " +
                             std::to_string(sizeof(address.sun_path) - 1) + " bytes");
  }
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  return address;
}

// What to say when the socket's place is not ours: the usual case is
// canond started by a user other than root with the default path.
std::string path_advice(const std::string& path) {
  return " (run canond as root, or give it --admin-socket / admin-socket = a path in a directory you may "
         "write, e.g. $XDG_RUNTIME_DIR/canond.sock; under systemd RuntimeDirectory=canond makes " +
         std::filesystem::path(path).parent_path().string() + " for User=)";
}

bool someone_listens(const sockaddr_un& address) {
  nic::Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
}

}  // namespace

AdminServer::AdminServer(std::string path, int epoll_fd, const std::optional<RunAs>& run_as)
    : path_(std::move(path)), epoll_(epoll_fd) {
  const sockaddr_un address = address_of(path_);
  const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) {
      throw std::runtime_error("cannot create " + dir.string() + " for the admin socket " + path_ + ": " +
                               ec.message() + path_advice(path_));
    }
    if (run_as) {
      // The group reaches the socket through it; the user removes it at exit.
      if (::chown(dir.c_str(), run_as->uid, run_as->gid) != 0 || ::chmod(dir.c_str(), 0750) != 0) {
        throw std::runtime_error("cannot give " + dir.string() + " to user " + run_as->user + ": " +
                                 std::strerror(errno));
      }
    }
  }
  if (std::filesystem::exists(path_)) {
    if (someone_listens(address)) {
      throw std::runtime_error("another canond is already running at " + path_ +
                               " (stop it, or give this one another --admin-socket)");
    }
    ::unlink(path_.c_str());  // left behind by a canond that died
  }
  listener_ = nic::Fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  const mode_t old_mask = ::umask(0177);  // the socket is born 0600: no window for others
  const int bound = ::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
  const int bind_errno = errno;
  ::umask(old_mask);
  if (bound != 0) {
    throw std::runtime_error("cannot bind the admin socket " + path_ + ": " + std::strerror(bind_errno) +
                             (bind_errno == EACCES || bind_errno == EPERM || bind_errno == EROFS ? path_advice(path_)
                                                                                                 : ""));
  }
  if (run_as) {
    // Born 0600 (above); opened to the group only once it is the group's.
    if (::chown(path_.c_str(), run_as->uid, run_as->gid) != 0 || ::chmod(path_.c_str(), 0660) != 0) {
      throw std::runtime_error("cannot give the admin socket " + path_ + " to " + run_as->user + ":" +
                               run_as->group + ": " + std::strerror(errno));
    }
    group_ = run_as->gid;
  } else {
    ::chmod(path_.c_str(), 0600);
  }
  if (::listen(listener_.get(), 16) != 0) {
    throw std::runtime_error("cannot listen on the admin socket " + path_ + ": " + std::strerror(errno));
  }
  epoll_event event{};
  event.events = EPOLLIN;
  event.data.u64 = kTag | static_cast<std::uint32_t>(listener_.get());
  ::epoll_ctl(epoll_, EPOLL_CTL_ADD, listener_.get(), &event);
}

AdminServer::~AdminServer() {
  for (const auto& [fd, pending] : clients_) ::close(fd);
  ::unlink(path_.c_str());
}

void AdminServer::on_event(std::uint64_t tag, std::uint32_t events, Control& control) {
  const int fd = static_cast<int>(tag & 0xffff'ffffu);
  if (fd == listener_.get()) {
    accept_clients();
    return;
  }
  if (events & (EPOLLERR | EPOLLHUP)) {
    drop(fd);
    return;
  }
  serve(fd, control);
}

void AdminServer::accept_clients() {
  for (;;) {
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) return;
    ucred peer{};
    socklen_t length = sizeof(peer);
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 || !admitted(fd, peer)) {
      log_warning("admin: refused a client with uid " + std::to_string(peer.uid));
      send_line(fd, error_response("permission denied: uid " + std::to_string(peer.uid) +
                                   " is neither root nor canond's uid " + std::to_string(::geteuid()) +
                                   (group_ ? " nor in its group " + std::to_string(*group_) : ""))
                        .dump());
      ::close(fd);
      continue;
    }
    if (clients_.size() >= kMaxClients) {
      log_warning("admin: refused a client: " + std::to_string(kMaxClients) + " connections are open");
      send_line(fd, error_response("too many admin connections (" + std::to_string(kMaxClients) +
                                   " open); close one and retry")
                        .dump());
      ::close(fd);
      continue;
    }
    // Replies are written whole; a client that stops reading is dropped.
    const timeval timeout{2, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    clients_.emplace(fd, std::string{});
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u64 = kTag | static_cast<std::uint32_t>(fd);
    ::epoll_ctl(epoll_, EPOLL_CTL_ADD, fd, &event);
  }
}

bool AdminServer::admitted(int fd, const ucred& peer) const {
  if (peer.uid == 0 || peer.uid == ::geteuid()) return true;
  if (!group_) return false;
  if (peer.gid == *group_) return true;
  gid_t groups[256];
  socklen_t length = sizeof(groups);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERGROUPS, groups, &length) != 0) return false;
  for (std::size_t i = 0; i < length / sizeof(gid_t); ++i) {
    if (groups[i] == *group_) return true;
  }
  return false;
}

void AdminServer::serve(int fd, Control& control) {
  const auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  char buffer[8192];
  const ssize_t got = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
  if (got <= 0) {
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
    drop(fd);
    return;
  }
  std::string& pending = it->second;
  pending.append(buffer, static_cast<std::size_t>(got));
  std::size_t newline;
  while ((newline = pending.find('\n')) != std::string::npos && newline <= kMaxRequest) {
    const std::string line = pending.substr(0, newline);
    pending.erase(0, newline + 1);
    if (line.empty()) continue;
    send_line(fd, answer_line(line, control));
  }
  // Past the cap: a line that ends beyond it (the loop stopped there), or
  // one that has not ended yet and is already longer.
  if (newline != std::string::npos || pending.size() > kMaxRequest) {
    send_line(fd, error_response("request longer than " + std::to_string(kMaxRequest) + " bytes").dump());
    drop(fd);
  }
}

void AdminServer::send_line(int fd, const std::string& line) {
  std::string out = line + "\n";
  std::size_t sent = 0;
  while (sent < out.size()) {
    const ssize_t put = ::send(fd, out.data() + sent, out.size() - sent, MSG_NOSIGNAL);
    if (put < 0 && errno == EINTR) continue;
    if (put <= 0) return;  // the peer went away or stopped reading
    sent += static_cast<std::size_t>(put);
  }
}

void AdminServer::drop(int fd) {
  if (clients_.erase(fd) == 0) return;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
}

}  // namespace canon::daemon
