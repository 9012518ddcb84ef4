#include "client.hpp"

#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

namespace canon::ctl {

namespace {

// A reply bigger than this is not one canond sends (stats with hundreds of
// workers is tens of KiB); stop rather than eat memory.
constexpr std::size_t kMaxReply = 64u << 20;

class Socket {
 public:
  Socket() : fd_(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  int fd_;
};

[[nodiscard]] std::string seconds_text(std::chrono::milliseconds timeout) {
  const auto ms = timeout.count();
  if (ms % 1000 == 0) return std::to_string(ms / 1000) + " s";
  return std::to_string(static_cast<double>(ms) / 1000.0) + " s";
}

// ECONNREFUSED covers both "nothing listens" and "not a socket at all";
// say which, the fix differs (start canond, or fix --socket).
[[nodiscard]] std::string refused_text(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0 && !S_ISSOCK(st.st_mode)) {
    return "canond is not running at " + path + " (that path is not a socket)";
  }
  return "canond is not running at " + path + " (nothing listens on that socket)";
}

[[nodiscard]] std::string connect_error(const std::string& path, int err,
                                        std::chrono::milliseconds timeout) {
  switch (err) {
    case ENOENT:
    case ENOTDIR:
      return "canond is not running at " + path;
    case ECONNREFUSED:
      return refused_text(path);
    case EACCES:
    case EPERM:
      return "permission denied on " + path +
             " (the admin socket is for root, canond's own user and, with user = in canond's config, its group)";
    case EAGAIN:
    case ETIMEDOUT:
      return "canond at " + path + " did not accept the connection within " + seconds_text(timeout);
    default:
      return "cannot connect to canond at " + path + ": " + std::strerror(err);
  }
}

// false with `error` set when the request could not go out for a reason
// other than canond closing its end (that one is judged by the read).
[[nodiscard]] bool send_all(int fd, std::string_view data, std::chrono::milliseconds timeout,
                            std::string& error) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n >= 0) {
      data.remove_prefix(static_cast<std::size_t>(n));
    } else if (errno == EPIPE || errno == ECONNRESET) {
      return true;  // canond may have written why it hung up (e.g. permission denied)
    } else if (errno == EAGAIN) {
      error = "canond did not take the request within " + seconds_text(timeout);
      return false;
    } else if (errno != EINTR) {
      error = std::string("cannot send the request to canond: ") + std::strerror(errno);
      return false;
    }
  }
  return true;
}

// Reads up to the first newline. At end of stream what came so far is the
// answer (the caller judges whether it is JSON).
void read_line(int fd, std::chrono::milliseconds timeout, Reply& reply) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buf[65536];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd pfd{fd, POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&pfd, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) {
      reply.error = "canond did not answer within " + seconds_text(timeout) +
                    " (--timeout SECONDS waits longer)";
      return;
    }
    const ssize_t n = ready < 0 ? -1 : ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno != ECONNRESET) {
      reply.error = std::string("cannot read canond's answer: ") + std::strerror(errno);
      return;
    }
    if (n <= 0) break;  // end of stream (a reset is canond closing with our request unread)
    const std::string_view chunk(buf, static_cast<std::size_t>(n));
    const auto newline = chunk.find('\n');
    reply.line.append(chunk.substr(0, newline));
    if (newline != std::string_view::npos) return;
    if (reply.line.size() > kMaxReply) {
      reply.error = "canond's answer is longer than 64 MiB; not a reply canonctl understands";
      return;
    }
  }
  if (reply.line.empty()) reply.error = "canond closed the connection without answering";
}

}  // namespace

std::string request_line(std::string_view command, const std::vector<std::string>& args) {
  nlohmann::ordered_json request;
  request["command"] = command;
  if (!args.empty()) request["args"] = args;
  return request.dump() + "\n";
}

Reply exchange(const std::string& socket_path, std::string_view request,
               std::chrono::milliseconds timeout) {
  Reply reply;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof addr.sun_path) {
    reply.error = "the socket path " + socket_path +
                  " is too long (a UNIX socket path has at most " +
                  std::to_string(sizeof addr.sun_path - 1) + " bytes)";
    return reply;
  }
  std::memcpy(addr.sun_path, socket_path.data(), socket_path.size());

  const Socket sock;
  if (sock.fd() < 0) {
    reply.error = std::string("cannot create a socket: ") + std::strerror(errno);
    return reply;
  }
  // On a UNIX socket the send timeout also bounds connect(), which blocks
  // while canond's listen backlog is full.
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(timeout.count() % 1000 * 1000);
  (void)::setsockopt(sock.fd(), SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);

  if (::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    reply.error = connect_error(socket_path, errno, timeout);
    return reply;
  }
  if (!send_all(sock.fd(), request, timeout, reply.error)) return reply;
  read_line(sock.fd(), timeout, reply);
  return reply;
}

}  // namespace canon::ctl
