#include "tools/canond/metrics_server.hpp"

#include <arpa/inet.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <vector>

#include "nic/listen_address.hpp"
#include "tools/canond/metrics_http.hpp"

namespace canon::daemon {

namespace {

// parse_listen_address refuses port 0 (a DNS listener on a random port is a
// mistake); for the metrics endpoint 0 means "any free port", which tests
// use. So ADDR:0 is parsed as ADDR:1 and the port put back to 0.
nic::ListenAddress parse(const std::string& text) {
  const bool any_port = text.size() > 2 && text.ends_with(":0");
  std::string error;
  std::optional<nic::ListenAddress> parsed =
      nic::parse_listen_address(any_port ? text.substr(0, text.size() - 1) + "1" : text, error);
  if (!parsed) {
    if (any_port) error = "'" + text + "' is not ADDR:PORT (IPv4, or IPv6 as [ADDR]:PORT)";
    throw std::runtime_error("--metrics: " + error);
  }
  if (any_port) {
    if (parsed->family() == AF_INET)
      reinterpret_cast<sockaddr_in&>(parsed->address).sin_port = 0;
    else
      reinterpret_cast<sockaddr_in6&>(parsed->address).sin6_port = 0;
  }
  return *parsed;
}

std::uint64_t tag_of(int fd) {
  return MetricsServer::kTag | static_cast<std::uint32_t>(fd);
}

}  // namespace

MetricsServer::MetricsServer(const std::string& address, int epoll_fd,
                             std::function<std::string()> render)
    : epoll_(epoll_fd), render_(std::move(render)) {
  const nic::ListenAddress where = parse(address);
  listener_ = nic::Fd(::socket(where.family(), SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!listener_)
    throw std::runtime_error("--metrics " + address +
                             ": cannot create a socket: " + std::strerror(errno));
  // A restarted canond binds again at once, past the old one's TIME_WAITs.
  const int on = 1;
  ::setsockopt(listener_.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
  if (::bind(listener_.get(), reinterpret_cast<const sockaddr*>(&where.address), where.length) !=
      0) {
    throw std::runtime_error("--metrics " + address + ": cannot bind: " + std::strerror(errno));
  }
  if (::listen(listener_.get(), 64) != 0) {
    throw std::runtime_error("--metrics " + address + ": cannot listen: " + std::strerror(errno));
  }
  watch(listener_.get(), EPOLL_CTL_ADD, EPOLLIN);
}

MetricsServer::~MetricsServer() {
  for (const auto& [fd, connection] : connections_) ::close(fd);
}

std::string MetricsServer::address() const {
  sockaddr_storage bound{};
  socklen_t length = sizeof(bound);
  if (::getsockname(listener_.get(), reinterpret_cast<sockaddr*>(&bound), &length) != 0) return {};
  char host[INET6_ADDRSTRLEN] = {};
  if (bound.ss_family == AF_INET) {
    const auto& four = reinterpret_cast<const sockaddr_in&>(bound);
    ::inet_ntop(AF_INET, &four.sin_addr, host, sizeof(host));
    return std::string(host) + ":" + std::to_string(ntohs(four.sin_port));
  }
  const auto& six = reinterpret_cast<const sockaddr_in6&>(bound);
  ::inet_ntop(AF_INET6, &six.sin6_addr, host, sizeof(host));
  return "[" + std::string(host) + "]:" + std::to_string(ntohs(six.sin6_port));
}

void MetricsServer::on_event(std::uint64_t tag, std::uint32_t events) {
  const int fd = static_cast<int>(tag & 0xffff'ffffu);
  if (fd == listener_.get()) {
    accept_clients();
    return;
  }
  const auto it = connections_.find(fd);
  if (it == connections_.end()) return;
  if (events & EPOLLERR) {
    close(fd);
    return;
  }
  // EPOLLHUP/EPOLLRDHUP: the peer's FIN may come right after its request, so
  // the bytes are read (recv then says 0) rather than the connection dropped.
  switch (it->second.phase) {
    case Phase::kReading:
      read(fd, it->second);
      break;
    case Phase::kWriting:
      write(fd, it->second);
      break;
    case Phase::kDraining:
      drain(fd);
      break;
  }
}

void MetricsServer::accept_clients() {
  for (;;) {
    const int fd = ::accept4(listener_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
        // Level-triggered: a listener we cannot empty would wake the loop
        // for ever. Rest it until the next tick.
        ::epoll_ctl(epoll_, EPOLL_CTL_DEL, listener_.get(), nullptr);
        listener_paused_ = true;
      }
      return;
    }
    if (connections_.size() >= kMaxConnections) {
      ::close(fd);  // over the cap: a scraper retries, a flood costs nothing
      continue;
    }
    connections_[fd].last_progress = std::chrono::steady_clock::now();
    watch(fd, EPOLL_CTL_ADD, EPOLLIN | EPOLLRDHUP);
  }
}

void MetricsServer::read(int fd, Connection& c) {
  char buffer[4096];
  bool peer_done = false;  // its FIN: fine after a whole request (printf ... | nc -N)
  while (!peer_done && c.request.size() <= kMaxRequest) {
    const std::size_t room = kMaxRequest + 1 - c.request.size();
    const ssize_t got = ::recv(fd, buffer, std::min(room, sizeof(buffer)), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    if (got < 0) {
      close(fd);
      return;
    }
    if (got == 0) {
      peer_done = true;
      continue;
    }
    c.request.append(buffer, static_cast<std::size_t>(got));
    c.last_progress = std::chrono::steady_clock::now();
  }
  switch (request_state(c.request, kMaxRequest)) {
    case RequestState::kIncomplete:
      if (peer_done) close(fd);  // gone before its request was whole
      return;
    case RequestState::kTooLarge:
      respond(fd, c, http_error(431));
      return;
    case RequestState::kComplete:
      respond(fd, c, metrics_http_response(c.request, render_));
      return;
  }
}

void MetricsServer::respond(int fd, Connection& c, std::string response) {
  c.phase = Phase::kWriting;
  c.request = std::string();
  c.response = std::move(response);
  c.sent = 0;
  watch(fd, EPOLL_CTL_MOD, EPOLLOUT);
  write(fd, c);
}

void MetricsServer::write(int fd, Connection& c) {
  while (c.sent < c.response.size()) {
    const ssize_t put = ::send(fd, c.response.data() + c.sent, c.response.size() - c.sent,
                               MSG_NOSIGNAL | MSG_DONTWAIT);
    if (put < 0 && errno == EINTR) continue;
    if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;  // EPOLLOUT brings us back
    if (put <= 0) {
      close(fd);
      return;
    }
    c.sent += static_cast<std::size_t>(put);
    c.last_progress = std::chrono::steady_clock::now();
  }
  // All of it is in the kernel: say we are done, then wait for the peer's FIN.
  ::shutdown(fd, SHUT_WR);
  c.phase = Phase::kDraining;
  c.response = std::string();
  watch(fd, EPOLL_CTL_MOD, EPOLLIN | EPOLLRDHUP);
  drain(fd);
}

// Unread bytes are discarded; the idle timeout (counted from the response's
// last byte, since nothing here is progress) bounds a peer that never stops.
void MetricsServer::drain(int fd) {
  char buffer[4096];
  for (;;) {
    const ssize_t got = ::recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return;
    if (got <= 0) break;
  }
  close(fd);
}

void MetricsServer::tick(std::chrono::steady_clock::time_point now) {
  if (listener_paused_) {
    listener_paused_ = false;
    watch(listener_.get(), EPOLL_CTL_ADD, EPOLLIN);
  }
  std::vector<int> idle;
  for (const auto& [fd, c] : connections_) {
    if (now - c.last_progress > kIdleTimeout) idle.push_back(fd);
  }
  for (const int fd : idle) close(fd);
}

void MetricsServer::watch(int fd, int op, std::uint32_t events) {
  epoll_event event{};
  event.events = events;
  event.data.u64 = tag_of(fd);
  ::epoll_ctl(epoll_, op, fd, &event);
}

void MetricsServer::close(int fd) {
  if (connections_.erase(fd) == 0) return;
  ::epoll_ctl(epoll_, EPOLL_CTL_DEL, fd, nullptr);
  ::close(fd);
}

}  // namespace canon::daemon
