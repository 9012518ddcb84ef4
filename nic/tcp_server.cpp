#include "nic/tcp_server.hpp"

#include "nic/peer_address.hpp"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <new>
#include <stdexcept>
#include <string>

#include "engine/wire.hpp"
#include "nic/sockets.hpp"

namespace canon::nic {

namespace {

// epoll data: connection slot, or a listener with the top bit set.
constexpr std::uint32_t kListenerBit = 0x8000'0000u;
constexpr int kWaitMilliseconds = 200;

}  // namespace

TcpServer::TcpServer(std::span<const ListenAddress> listen, TcpLimits limits,
                     const engine::EngineConfig& config, unsigned slot, bool freebind,
                     const DnstapConfig& dnstap)
    : limits_(limits),
      connections_(limits.max_connections),
      engine_(std::make_unique<engine::Engine>(config, slot)),
      dnstap_(dnstap.enabled ? std::make_unique<DnstapTap>(dnstap) : nullptr) {
  epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  for (const ListenAddress& where : listen) {
    listeners_.emplace_back(open_tcp_listener(where, 1024, freebind));
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = kListenerBit | static_cast<std::uint32_t>(listeners_.size() - 1);
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, listeners_.back().get(), &event) != 0) {
      throw std::runtime_error("TCP " + where.text + ": epoll_ctl: " + std::strerror(errno));
    }
  }
  for (std::uint32_t s = limits.max_connections; s > 0; --s) free_slots_.push_back(s - 1);
}

void TcpServer::run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept {
  epoll_event ready[64];
  auto next_idle_check = Clock::now();
  while (!stop.load(std::memory_order_relaxed)) {
    reader.offline();
    const int count = ::epoll_wait(epoll_.get(), ready, 64, kWaitMilliseconds);
    reader.online();
    const engine::Served& served = reader.current();
    for (int e = 0; e < count; ++e) {
      const std::uint32_t tag = ready[e].data.u32;
      if (tag & kListenerBit) {
        accept_all(listeners_[tag & ~kListenerBit].get());
      } else {
        on_event(tag, ready[e].events, served);
      }
    }
    reader.quiescent();
    const auto now = Clock::now();
    if (now >= next_idle_check) {
      close_idle(now);
      next_idle_check = now + std::chrono::milliseconds(250);
    }
  }
  reader.offline();
  // Drain: no new connections; answers already made get up to a second to leave.
  listeners_.clear();
  const auto deadline = Clock::now() + std::chrono::seconds(1);
  for (;;) {
    bool pending = false;
    for (std::uint32_t s = 0; s < connections_.size(); ++s) {
      Connection& c = connections_[s];
      if (!c.fd || c.out_sent == c.out_length) continue;
      pending = flush(s) == Flushed::kPending || pending;
    }
    if (!pending || Clock::now() >= deadline) break;
    ::usleep(1000);
  }
  for (std::uint32_t s = 0; s < connections_.size(); ++s) {
    if (connections_[s].fd) close(s);
  }
}

void TcpServer::accept_all(int listener) noexcept {
  for (;;) {
    sockaddr_storage peer{};
    socklen_t peer_length = sizeof(peer);
    Fd fd(::accept4(listener, reinterpret_cast<sockaddr*>(&peer), &peer_length, SOCK_NONBLOCK | SOCK_CLOEXEC));
    if (!fd) return;  // EAGAIN, or an error the next accept will show again
    if (free_slots_.empty()) {
      ++counters_.refused_over_cap;
      continue;  // Fd closes it
    }
    const int one = 1;
    ::setsockopt(fd.get(), IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    const std::uint32_t slot = free_slots_.back();
    free_slots_.pop_back();
    Connection& c = connections_[slot];
    if (!c.in || !c.out) {
      // Once per slot, kept for the slot's later connections. Not thrown:
      // this loop is noexcept, and a failed allocation is one connection
      // refused, not the end of the server. Uninitialised: both are written
      // before they are read.
      c.in.reset(new (std::nothrow) std::uint8_t[kMessage]);
      c.out.reset(new (std::nothrow) std::uint8_t[2 * kMessage]);
      if (!c.in || !c.out) {
        ++counters_.errors;
        free_slots_.push_back(slot);
        continue;  // Fd closes it
      }
    }
    c.fd = std::move(fd);
    c.in_length = c.out_length = c.out_sent = 0;
    c.peer_closed = false;
    c.watching_output = false;
    c.peer = peer_address(peer);
    c.port = peer_port(peer);
    c.last_active = Clock::now();
    epoll_event event{};
    event.events = EPOLLIN | EPOLLRDHUP;
    event.data.u32 = slot;
    ++counters_.accepted;
    ++counters_.open;
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, c.fd.get(), &event) != 0) {
      ++counters_.errors;  // never watched, so never served: close it now
      close(slot);
    }
  }
}

void TcpServer::on_event(std::uint32_t slot, std::uint32_t events, const engine::Served& served) noexcept {
  Connection& c = connections_[slot];
  if (!c.fd) return;
  if (events & (EPOLLERR | EPOLLHUP)) {
    close(slot);
    return;
  }
  if (events & (EPOLLIN | EPOLLRDHUP)) read_input(c);
  // Every complete query in `in`, not only what fits in `out` once: nothing
  // else wakes us for queries already read. Each round starts with `out`
  // empty, so it answers at least one query; the rounds end when `in` runs
  // out of them, or when the socket is full (EPOLLOUT brings us back here).
  for (;;) {
    answer_complete(c, served);
    if (flush(slot) != Flushed::kAll) return;
    if (!holds_complete_query(c)) break;
  }
  if (c.peer_closed) close(slot);
}

void TcpServer::read_input(Connection& c) noexcept {
  while (c.in_length < kMessage) {
    const ssize_t got = ::read(c.fd.get(), c.in.get() + c.in_length, kMessage - c.in_length);
    if (got > 0) {
      c.in_length += static_cast<std::size_t>(got);
      c.last_active = Clock::now();
      continue;
    }
    if (got == 0) c.peer_closed = true;
    if (got < 0 && (errno == EINTR)) continue;
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK) c.peer_closed = true;
    return;
  }
}

void TcpServer::answer_complete(Connection& c, const engine::Served& served) noexcept {
  std::size_t used = 0;
  while (c.in_length - used >= 2) {
    const std::size_t length = engine::load16(c.in.get() + used);
    if (length == 0) {  // no DNS message is empty: the stream is broken
      c.peer_closed = true;
      c.in_length = used = 0;
      break;
    }
    if (c.in_length - used < 2 + length) break;
    if (2 * kMessage - c.out_length < kMessage) break;  // back-pressure
    std::uint8_t* answer = c.out.get() + c.out_length + 2;
    std::memcpy(answer, c.in.get() + used + 2, length);
    std::size_t written = engine_->answer_one(served, c.peer, answer, length, 65535, engine::Transport::kTcp);
    ++counters_.queries;
    used += 2 + length;
    if (written == 0 && engine_->counters().to_control.load() != handed_) {  // left untouched for the control side
      handed_ = engine_->counters().to_control.load();
      const bool notify = (answer[engine::header::kFlags] & engine::header::kOpcodeMask) == engine::header::kOpcodeNotify;
      if (notify && control_) {
        written = control_(answer, length, 65535, c.peer);
      } else if (!notify && handoff_) {
        // AXFR or IXFR: the stream is the outgoing transfers' thread's; this
        // connection ends here (after what it already had to send).
        handoff_(c.fd.get(), answer, length, c.peer);
        c.peer_closed = true;
        c.in_length = used = 0;
        break;
      }
    }
    // The query is still in `in` (answered in a copy); AXFR and IXFR, handed
    // over above, are not sampled.
    if (dnstap_) {
      dnstap_->take_one(c.in.get() + used - length, length, answer, written, c.peer, c.port,
                        engine::Transport::kTcp);
    }
    if (written == 0) continue;
    c.out[c.out_length] = static_cast<std::uint8_t>(written >> 8);
    c.out[c.out_length + 1] = static_cast<std::uint8_t>(written);
    c.out_length += 2 + written;
  }
  if (used > 0) {
    std::memmove(c.in.get(), c.in.get() + used, c.in_length - used);
    c.in_length -= used;
  }
}

bool TcpServer::holds_complete_query(const Connection& c) noexcept {
  return c.in_length >= 2 && c.in_length >= 2 + std::size_t{engine::load16(c.in.get())};
}

TcpServer::Flushed TcpServer::flush(std::uint32_t slot) noexcept {
  Connection& c = connections_[slot];
  while (c.out_sent < c.out_length) {
    const ssize_t put = ::send(c.fd.get(), c.out.get() + c.out_sent, c.out_length - c.out_sent, MSG_NOSIGNAL);
    if (put > 0) {
      c.out_sent += static_cast<std::size_t>(put);
      c.last_active = Clock::now();
      continue;
    }
    if (put < 0 && errno == EINTR) continue;
    if (put < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      return watch(slot, true) ? Flushed::kPending : Flushed::kClosed;
    }
    close(slot);  // the peer is gone
    return Flushed::kClosed;
  }
  c.out_length = c.out_sent = 0;
  return watch(slot, false) ? Flushed::kAll : Flushed::kClosed;
}

// False when the connection had to be closed: a connection epoll does not
// watch as we need would stall until the idle timeout.
bool TcpServer::watch(std::uint32_t slot, bool output) noexcept {
  Connection& c = connections_[slot];
  if (c.watching_output == output) return true;
  epoll_event event{};
  event.events = output ? EPOLLOUT : (EPOLLIN | EPOLLRDHUP);
  event.data.u32 = slot;
  if (::epoll_ctl(epoll_.get(), EPOLL_CTL_MOD, c.fd.get(), &event) != 0) {
    ++counters_.errors;
    close(slot);
    return false;
  }
  c.watching_output = output;
  return true;
}

void TcpServer::close(std::uint32_t slot) noexcept {
  Connection& c = connections_[slot];
  c.fd.reset();  // closing also removes it from the epoll set
  free_slots_.push_back(slot);
  --counters_.open;
}

void TcpServer::close_idle(Clock::time_point now) noexcept {
  const auto limit = std::chrono::milliseconds(limits_.idle_timeout_ms);
  for (std::uint32_t s = 0; s < connections_.size(); ++s) {
    if (connections_[s].fd && now - connections_[s].last_active > limit) {
      ++counters_.idle_closed;
      close(s);
    }
  }
}

}  // namespace canon::nic
