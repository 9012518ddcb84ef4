#include "tools/canond/service_notify.hpp"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <string>

#include "tools/canond/log.hpp"

namespace canon::daemon {

namespace {

// "/run/systemd/notify" or "@name" (abstract: a leading NUL instead of '@').
nic::Fd connect_to(const std::string& where) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (where.size() < 2 || where.size() >= sizeof(address.sun_path) || (where[0] != '/' && where[0] != '@')) {
    log_warning("NOTIFY_SOCKET '" + where + "' is neither a path nor an @abstract name: not notifying");
    return {};
  }
  std::memcpy(address.sun_path, where.data(), where.size());
  if (where[0] == '@') address.sun_path[0] = '\0';
  const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + where.size());
  nic::Fd fd(::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!fd || ::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), length) != 0) {
    log_warning("cannot reach NOTIFY_SOCKET " + where + ": " + std::strerror(errno) +
                "; the service manager will not hear that canond is ready");
    return {};
  }
  return fd;
}

}  // namespace

ServiceNotifier::ServiceNotifier() {
  const char* where = std::getenv("NOTIFY_SOCKET");
  if (where == nullptr || *where == '\0') return;
  socket_ = connect_to(where);
  // WATCHDOG_PID names the process the watchdog is for; another pid means
  // the variables were inherited, not meant for us.
  const char* usec = std::getenv("WATCHDOG_USEC");
  const char* pid = std::getenv("WATCHDOG_PID");
  if (usec != nullptr && (pid == nullptr || std::strtoll(pid, nullptr, 10) == ::getpid())) {
    const long long value = std::strtoll(usec, nullptr, 10);
    if (value > 0) watchdog_interval_ = std::chrono::microseconds(value / 2);
  }
}

bool ServiceNotifier::send(std::string_view state) const {
  if (!socket_) return false;
  return ::send(socket_.get(), state.data(), state.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(state.size());
}

bool ServiceNotifier::reloading() const {
  timespec now{};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  const long long usec = static_cast<long long>(now.tv_sec) * 1'000'000 + now.tv_nsec / 1000;
  return send("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

std::chrono::milliseconds ServiceNotifier::tick_watchdog(std::chrono::steady_clock::time_point now) {
  using std::chrono::duration_cast;
  using std::chrono::milliseconds;
  if (watchdog_interval_.count() == 0 || !socket_) return milliseconds::max();
  if (now - last_watchdog_ >= watchdog_interval_) {
    send("WATCHDOG=1");
    last_watchdog_ = now;
  }
  return duration_cast<milliseconds>(last_watchdog_ + watchdog_interval_ - now) + milliseconds(1);
}

}  // namespace canon::daemon
