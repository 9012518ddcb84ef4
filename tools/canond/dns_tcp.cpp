#include "tools/canond/dns_tcp.hpp"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <random>

namespace canon::daemon::dns_tcp {

std::uint64_t unix_seconds() noexcept { return static_cast<std::uint64_t>(std::time(nullptr)); }

std::uint16_t random_id() {
  static thread_local std::mt19937 generator{std::random_device{}()};
  return static_cast<std::uint16_t>(generator());
}

namespace {

std::string send_all(int fd, const std::uint8_t* data, std::size_t length, int wait_ms) {
  std::size_t sent = 0;
  while (sent < length) {
    const ssize_t n = ::send(fd, data + sent, length - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<std::size_t>(n);
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EINTR) return std::string("send: ") + std::strerror(errno);
    pollfd p{fd, POLLOUT, 0};
    const int ready = ::poll(&p, 1, wait_ms);
    if (ready == 0) return "send: no room within " + std::to_string(wait_ms / 1000) + " s";
    if (ready < 0 && errno != EINTR) return std::string("poll: ") + std::strerror(errno);
  }
  return {};
}

}  // namespace

std::string send_framed(int fd, std::span<const std::uint8_t> message, int wait_ms) {
  const std::uint8_t length[2] = {static_cast<std::uint8_t>(message.size() >> 8),
                                  static_cast<std::uint8_t>(message.size())};
  std::string error = send_all(fd, length, 2, wait_ms);
  if (error.empty()) error = send_all(fd, message.data(), message.size(), wait_ms);
  return error;
}

}  // namespace canon::daemon::dns_tcp
