#include "nic/sockets.hpp"

#include <fcntl.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

// glibc 2.36's <netinet/in.h> lacks it (linux/in6.h has it, but clashes).
#ifndef IPV6_FREEBIND
#define IPV6_FREEBIND 78
#endif

namespace canon::nic {

namespace {

[[noreturn]] void fail(int fd, const ListenAddress& where, const char* proto, const char* what) {
  const int err = errno;
  if (fd >= 0) ::close(fd);
  throw std::runtime_error(std::string("cannot listen on ") + where.text + " (" + proto + "): " + what +
                           ": " + std::strerror(err));
}

void set_int(int fd, int level, int name, int value, const ListenAddress& where, const char* proto,
             const char* what) {
  if (::setsockopt(fd, level, name, &value, sizeof(value)) != 0) fail(fd, where, proto, what);
}

// The address may not be on an interface yet (the DPDK backend's TAP gets
// it a moment later).
void set_freebind(int fd, const ListenAddress& where, const char* proto) {
  if (where.family() == AF_INET6) {
    set_int(fd, IPPROTO_IPV6, IPV6_FREEBIND, 1, where, proto, "IPV6_FREEBIND");
  } else {
    set_int(fd, IPPROTO_IP, IP_FREEBIND, 1, where, proto, "IP_FREEBIND");
  }
}

}  // namespace

int open_udp_socket(const ListenAddress& where, bool freebind) {
  const int fd = ::socket(where.family(), SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) fail(fd, where, "udp", "socket");
  set_int(fd, SOL_SOCKET, SO_REUSEPORT, 1, where, "udp", "SO_REUSEPORT");
  // Room for bursts while the worker answers the previous one; the kernel
  // caps it at net.core.rmem_max unless we are root (SO_RCVBUFFORCE).
  const int buffer = 4 << 20;
  if (::setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &buffer, sizeof(buffer)) != 0) {
    (void)::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  }
  if (where.family() == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, where, "udp", "IPV6_V6ONLY");
  if (freebind) set_freebind(fd, where, "udp");
  if (where.is_wildcard()) {
    if (where.family() == AF_INET) {
      set_int(fd, IPPROTO_IP, IP_PKTINFO, 1, where, "udp", "IP_PKTINFO");
    } else {
      set_int(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1, where, "udp", "IPV6_RECVPKTINFO");
    }
  }
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&where.address), where.length) != 0) {
    fail(fd, where, "udp", "bind");
  }
  return fd;
}

int open_tcp_listener(const ListenAddress& where, int backlog, bool freebind) {
  const int fd = ::socket(where.family(), SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) fail(fd, where, "tcp", "socket");
  set_int(fd, SOL_SOCKET, SO_REUSEADDR, 1, where, "tcp", "SO_REUSEADDR");
  if (where.family() == AF_INET6) set_int(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, where, "tcp", "IPV6_V6ONLY");
  if (freebind) set_freebind(fd, where, "tcp");
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&where.address), where.length) != 0) {
    fail(fd, where, "tcp", "bind");
  }
  if (::listen(fd, backlog) != 0) fail(fd, where, "tcp", "listen");
  return fd;
}

}  // namespace canon::nic
