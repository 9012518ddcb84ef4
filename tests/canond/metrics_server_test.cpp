// MetricsServer over real sockets: the test thread drives the epoll loop as
// canond's control thread does, a client thread talks HTTP to it.
#include "tools/canond/metrics_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "nic/fd.hpp"
#include "nic/listen_address.hpp"

namespace canon::daemon {
namespace {

using Clock = std::chrono::steady_clock;

// The address MetricsServer::address() gives, for connect().
nic::ListenAddress target(const std::string& address) {
  std::string error;
  auto parsed = nic::parse_listen_address(address, error);
  if (!parsed) throw std::runtime_error(error);
  return *parsed;
}

nic::Fd connect_to(const std::string& address) {
  const nic::ListenAddress where = target(address);
  nic::Fd fd(::socket(where.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
  const timeval timeout{10, 0};
  ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  ::setsockopt(fd.get(), SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&where.address), where.length) != 0) {
    throw std::runtime_error("connect: " + std::string(std::strerror(errno)));
  }
  return fd;
}

bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    const ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Everything until the server closes (or an error: what came so far).
std::string read_all(int fd) {
  std::string out;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return out;
    out.append(buffer, static_cast<std::size_t>(n));
  }
}

std::string status_line(const std::string& response) {
  return response.substr(0, response.find("\r\n"));
}
std::string body_of(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? std::string() : response.substr(end + 4);
}

class MetricsServerTest : public ::testing::Test {
 protected:
  // Drives the loop until `done` (10 s at most), as canond's control loop:
  // epoll_wait, hand our tags to the server, tick once per iteration.
  void run_until(const std::function<bool()>& done) {
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (!done() && Clock::now() < deadline) {
      epoll_event ready[16];
      const int count = ::epoll_wait(epoll_.get(), ready, 16, 10);
      for (int e = 0; e < count; ++e) {
        ASSERT_TRUE(MetricsServer::owns(ready[e].data.u64));
        server_.on_event(ready[e].data.u64, ready[e].events);
      }
      server_.tick(Clock::now());
    }
    ASSERT_TRUE(done()) << "the loop ran 10 s without getting there";
  }

  // Runs `client` on its own thread while this one serves.
  void with_client(const std::function<void()>& client) {
    std::atomic<bool> finished = false;
    std::thread t([&] {
      client();
      finished = true;
    });
    run_until([&] { return finished.load(); });
    t.join();
  }

  std::string exchange(const std::string& request) {
    std::string response;
    with_client([&] {
      nic::Fd fd = connect_to(server_.address());
      send_all(fd.get(), request);
      response = read_all(fd.get());
    });
    return response;
  }

  std::string body_ = "# HELP canon_up test\n# TYPE canon_up gauge\ncanon_up 1\n";
  nic::Fd epoll_{::epoll_create1(EPOLL_CLOEXEC)};
  MetricsServer server_{"127.0.0.1:0", epoll_.get(), [this] { return body_; }};
};

TEST_F(MetricsServerTest, AddressHasTheKernelsPort) {
  const std::string address = server_.address();
  ASSERT_EQ(address.rfind("127.0.0.1:", 0), 0u) << address;
  EXPECT_NE(address, "127.0.0.1:0");
  EXPECT_FALSE(MetricsServer::owns(1ull << 40)) << "AdminServer's tags are not ours";
}

TEST_F(MetricsServerTest, GetMetrics) {
  const std::string r =
      exchange("GET /metrics?name[]=canon_up HTTP/1.1\r\nHost: localhost\r\n\r\n");
  EXPECT_EQ(status_line(r), "HTTP/1.1 200 OK");
  EXPECT_NE(r.find("\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("\r\nContent-Length: " + std::to_string(body_.size()) + "\r\n"),
            std::string::npos)
      << r;
  EXPECT_NE(r.find("\r\nConnection: close\r\n"), std::string::npos) << r;
  EXPECT_EQ(body_of(r), body_);
  run_until([&] { return server_.connections() == 0; });
}

TEST_F(MetricsServerTest, RootNotFoundMethodAndGarbage) {
  EXPECT_EQ(status_line(exchange("GET / HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
  EXPECT_EQ(status_line(exchange("GET /nope HTTP/1.1\r\n\r\n")), "HTTP/1.1 404 Not Found");
  // The body stays unread: the answer must arrive all the same (no reset).
  const std::string post =
      exchange("POST /metrics HTTP/1.1\r\nContent-Length: 5000\r\n\r\n" + std::string(5000, 'x'));
  EXPECT_EQ(status_line(post), "HTTP/1.1 405 Method Not Allowed");
  EXPECT_EQ(status_line(exchange("hello\r\n\r\n")), "HTTP/1.1 400 Bad Request");
}

TEST_F(MetricsServerTest, RequestInPieces) {
  std::string response;
  with_client([&] {
    nic::Fd fd = connect_to(server_.address());
    for (const char* piece : {"GE", "T /met", "rics HTTP/1.1\r", "\nHost: x\r\n", "\r\n"}) {
      send_all(fd.get(), piece);
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    response = read_all(fd.get());
  });
  EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(response), body_);
}

TEST_F(MetricsServerTest, RequestThenHalfClose) {
  // printf 'GET ...' | nc -N: the FIN follows the request at once.
  std::string response;
  with_client([&] {
    nic::Fd fd = connect_to(server_.address());
    send_all(fd.get(), "GET /metrics HTTP/1.0\r\n\r\n");
    ::shutdown(fd.get(), SHUT_WR);
    response = read_all(fd.get());
  });
  EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(response), body_);
  run_until([&] { return server_.connections() == 0; });
}

TEST_F(MetricsServerTest, HalfRequestThenClose) {
  with_client([&] {
    nic::Fd fd = connect_to(server_.address());
    send_all(fd.get(), "GET /metr");
    ::shutdown(fd.get(), SHUT_WR);
    EXPECT_EQ(read_all(fd.get()), "") << "closed without an answer";
  });
  run_until([&] { return server_.connections() == 0; });
}

TEST_F(MetricsServerTest, OversizedRequestIs431) {
  // Headers that never end, 8 KiB and well past: 431, and the client's
  // whole send completes (the server drains what it does not read).
  const std::string huge = "GET /metrics HTTP/1.1\r\nX-Filler: " + std::string(200'000, 'a');
  std::string response;
  bool sent = false;
  with_client([&] {
    nic::Fd fd = connect_to(server_.address());
    sent = send_all(fd.get(), huge);
    ::shutdown(fd.get(), SHUT_WR);
    response = read_all(fd.get());
  });
  EXPECT_TRUE(sent);
  EXPECT_EQ(status_line(response), "HTTP/1.1 431 Request Header Fields Too Large");
  run_until([&] { return server_.connections() == 0; });
}

TEST_F(MetricsServerTest, BigBodyToASlowReader) {
  // 8 MiB through a small receive window: many EPOLLOUT rounds.
  body_.clear();
  for (int i = 0; body_.size() < (8u << 20); ++i)
    body_ += "canon_filler{i=\"" + std::to_string(i) + "\"} 1\n";
  std::string response;
  with_client([&] {
    const nic::ListenAddress where = target(server_.address());
    nic::Fd fd(::socket(where.family(), SOCK_STREAM | SOCK_CLOEXEC, 0));
    const int small = 4096;
    ::setsockopt(fd.get(), SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
    ASSERT_EQ(::connect(fd.get(), reinterpret_cast<const sockaddr*>(&where.address), where.length),
              0);
    send_all(fd.get(), "GET /metrics HTTP/1.1\r\n\r\n");
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    response = read_all(fd.get());
  });
  EXPECT_EQ(status_line(response), "HTTP/1.1 200 OK");
  EXPECT_EQ(body_of(response).size(), body_.size());
  EXPECT_TRUE(body_of(response) == body_);
}

TEST_F(MetricsServerTest, ConnectionCapAndIdleTimeout) {
  // 70 clients that connect and say nothing: the server keeps 64 and closes
  // the rest at once; the idle timeout then closes the 64.
  std::vector<nic::Fd> idle;
  const Clock::time_point start = Clock::now();  // every accept is later
  with_client([&] {
    for (int i = 0; i < 70; ++i) idle.push_back(connect_to(server_.address()));
  });
  const auto closed_at_once = [&] {
    int closed = 0;
    for (const nic::Fd& fd : idle) {
      char byte;
      closed += ::recv(fd.get(), &byte, 1, MSG_DONTWAIT) == 0;  // 0: the server's FIN
    }
    return closed;
  };
  run_until(
      [&] { return closed_at_once() == 70 - static_cast<int>(MetricsServer::kMaxConnections); });
  EXPECT_EQ(server_.connections(), MetricsServer::kMaxConnections);

  // Over the cap, a scrape is turned away; once the idle ones go, it works.
  // (A connect may have waited for a SYN retry, so "not yet" counts from `start`.)
  server_.tick(start + MetricsServer::kIdleTimeout);
  EXPECT_EQ(server_.connections(), MetricsServer::kMaxConnections) << "not idle long enough yet";
  server_.tick(Clock::now() + MetricsServer::kIdleTimeout + std::chrono::seconds(1));
  EXPECT_EQ(server_.connections(), 0u);
  for (const nic::Fd& fd : idle) {
    char byte;
    EXPECT_EQ(::recv(fd.get(), &byte, 1, 0), 0) << "every idle client sees the close";
  }
  idle.clear();
  EXPECT_EQ(status_line(exchange("GET /metrics HTTP/1.1\r\n\r\n")), "HTTP/1.1 200 OK");
}

TEST_F(MetricsServerTest, ManyRoundsLeakNoDescriptor) {
  auto open_fds = [] {
    int n = 0;
    for (int fd = 0; fd < 4096; ++fd) n += ::fcntl(fd, F_GETFD) != -1;
    return n;
  };
  const int before = open_fds();
  for (int round = 0; round < 3; ++round) {
    with_client([&] {
      std::vector<nic::Fd> clients;
      for (int i = 0; i < 100; ++i) clients.push_back(connect_to(server_.address()));
    });  // the clients close at once, unread
    run_until([&] { return server_.connections() == 0; });
  }
  EXPECT_EQ(open_fds(), before);
}

TEST_F(MetricsServerTest, BindErrorsSayWhatAndWhere) {
  const std::string taken = server_.address();
  try {
    MetricsServer second(taken, epoll_.get(), [] { return std::string(); });
    FAIL() << "bound twice to " << taken;
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()),
              "--metrics " + taken + ": cannot bind: Address already in use");
  }
  for (const char* bad : {"localhost:9153", "127.0.0.1", "127.0.0.1:99999", "nonsense:0", ""}) {
    try {
      MetricsServer wrong(bad, epoll_.get(), [] { return std::string(); });
      FAIL() << "accepted " << bad;
    } catch (const std::runtime_error& e) {
      EXPECT_EQ(std::string(e.what()).rfind("--metrics: ", 0), 0u) << e.what();
    }
  }
}

TEST(MetricsServerIpv6, ListensOnLoopback) {
  nic::Fd probe(::socket(AF_INET6, SOCK_STREAM, 0));
  sockaddr_in6 loopback{};
  loopback.sin6_family = AF_INET6;
  loopback.sin6_addr = in6addr_loopback;
  if (!probe ||
      ::bind(probe.get(), reinterpret_cast<const sockaddr*>(&loopback), sizeof(loopback)) != 0) {
    GTEST_SKIP() << "no IPv6 loopback here";
  }
  nic::Fd epoll(::epoll_create1(EPOLL_CLOEXEC));
  MetricsServer server("[::1]:0", epoll.get(), [] { return std::string("x 1\n"); });
  EXPECT_EQ(server.address().rfind("[::1]:", 0), 0u) << server.address();
  EXPECT_NE(server.address(), "[::1]:0");
}

}  // namespace
}  // namespace canon::daemon
