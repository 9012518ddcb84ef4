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

bool someone_listens(const sockaddr_un& address) {
  nic::Fd probe(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  return ::connect(probe.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
}

}  // namespace

AdminServer::AdminServer(std::string path, int epoll_fd) : path_(std::move(path)), epoll_(epoll_fd) {
  const sockaddr_un address = address_of(path_);
  const std::filesystem::path dir = std::filesystem::path(path_).parent_path();
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(dir)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) throw std::runtime_error("cannot create " + dir.string() + " for the admin socket: " + ec.message());
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
  if (bound != 0) throw std::runtime_error("cannot bind the admin socket " + path_ + ": " + std::strerror(bind_errno));
  ::chmod(path_.c_str(), 0600);
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
    if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &length) != 0 ||
        (peer.uid != 0 && peer.uid != ::geteuid())) {
      log_warning("admin: refused a client with uid " + std::to_string(peer.uid));
      send_line(fd, error_response("permission denied: uid " + std::to_string(peer.uid) +
                                   " is neither root nor canond's uid " + std::to_string(::geteuid()))
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
