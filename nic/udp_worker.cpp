#include "nic/udp_worker.hpp"

#include <sys/epoll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

#include "nic/peer_address.hpp"
#include "nic/sockets.hpp"

namespace canon::nic {

namespace {

// Bursts taken from one socket before looking at the others again.
constexpr int kDrainBursts = 16;
// How often a sleeping worker looks at the stop flag.
constexpr int kWaitMilliseconds = 200;

}  // namespace

UdpWorker::UdpWorker(unsigned index, int cpu, std::span<const ListenAddress> listen,
                     const engine::EngineConfig& config, const DnstapConfig& dnstap)
    : index_(index),
      cpu_(cpu),
      engine_(std::make_unique<engine::Engine>(config, index)),
      slots_(std::make_unique<Slot[]>(kBurst)),
      dnstap_(dnstap.enabled ? std::make_unique<DnstapTap>(dnstap) : nullptr) {
  epoll_ = Fd(::epoll_create1(EPOLL_CLOEXEC));
  if (!epoll_) throw std::runtime_error(std::string("epoll_create1: ") + std::strerror(errno));
  for (const ListenAddress& where : listen) {
    sockets_.push_back(Socket{Fd(open_udp_socket(where)), where.is_wildcard()});
    epoll_event event{};
    event.events = EPOLLIN;
    event.data.u32 = static_cast<std::uint32_t>(sockets_.size() - 1);
    // Unwatched, the socket would take queries that no one ever answers.
    if (::epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, sockets_.back().fd.get(), &event) != 0) {
      throw std::runtime_error("UDP " + where.text + ": epoll_ctl: " + std::strerror(errno));
    }
  }
}

void UdpWorker::run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept {
  epoll_event ready[8];
  while (!stop.load(std::memory_order_relaxed)) {
    reader.offline();
    const int count = ::epoll_wait(epoll_.get(), ready, 8, kWaitMilliseconds);
    reader.online();
    for (int e = 0; e < count; ++e) {
      const Socket& socket = sockets_[ready[e].data.u32];
      for (int b = 0; b < kDrainBursts; ++b) {
        if (serve_burst(socket, reader) < kBurst) break;
      }
    }
  }
  reader.offline();
}

void UdpWorker::prepare_receive(const Socket& socket) noexcept {
  const std::size_t reset = &socket == rx_socket_ ? rx_written_ : kBurst;
  for (std::size_t i = 0; i < reset; ++i) {
    Slot& slot = slots_[i];
    rx_iov_[i] = {slot.data, kUdpSlotBytes};
    msghdr& h = rx_[i].msg_hdr;
    h.msg_name = &slot.peer;
    h.msg_namelen = sizeof(slot.peer);
    h.msg_iov = &rx_iov_[i];
    h.msg_iovlen = 1;
    h.msg_control = socket.pktinfo ? slot.control : nullptr;
    h.msg_controllen = socket.pktinfo ? kControlBytes : 0;
    h.msg_flags = 0;
  }
  rx_socket_ = &socket;
}

std::size_t UdpWorker::serve_burst(const Socket& socket, engine::ServedReader& reader) noexcept {
  prepare_receive(socket);
  const int received = ::recvmmsg(socket.fd.get(), rx_, kBurst, MSG_DONTWAIT, nullptr);
  // The kernel wrote the headers of what it returned, and may have begun on
  // the next one when an error ended the batch (all of them, after an error
  // with nothing returned).
  rx_written_ = received >= 0 ? std::min(static_cast<std::size_t>(received) + 1, kBurst) : kBurst;
  if (received <= 0) {
    if (received < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      ++counters_.receive_errors;
    }
    return 0;
  }
  const auto n = static_cast<std::size_t>(received);
  counters_.received += n;
  for (std::size_t i = 0; i < n; ++i) {
    // A datagram longer than the slot was cut by the kernel: not a query we
    // can parse honestly. Length 0 makes the engine drop it.
    const bool cut = (rx_[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
    packets_[i] = {slots_[i].data, static_cast<std::uint16_t>(cut ? 0 : rx_[i].msg_len),
                   static_cast<std::uint16_t>(kUdpSlotBytes), peer_address(slots_[i].peer)};
  }
  if (dnstap_) [[unlikely]] {
    answer_tapped(reader, n);
  } else {
    engine_->answer_burst(reader.current(), packets_, n, engine::Transport::kUdp);
  }
  send_answers(socket, n);
  reader.quiescent();
  return n;
}

void UdpWorker::answer_tapped(engine::ServedReader& reader, std::size_t received) noexcept {
  dnstap_->take_queries(packets_, received, engine::Transport::kUdp,
                        [this](std::size_t i) { return peer_port(slots_[i].peer); });
  engine_->answer_burst(reader.current(), packets_, received, engine::Transport::kUdp);
  dnstap_->take_answers(packets_);
}

void UdpWorker::hand_over(const Socket& socket, std::size_t i) noexcept {
  const msghdr& h = rx_[i].msg_hdr;
  const std::uint8_t* data = slots_[i].data;
  // Untouched by the engine: the query's own header, QR clear, OPCODE NOTIFY.
  if ((h.msg_flags & MSG_TRUNC) != 0 || !engine::header::is_notify_request(data, rx_[i].msg_len)) return;
  (void)mailbox_->push(data, rx_[i].msg_len, socket.fd.get(), slots_[i].peer, h.msg_namelen, h.msg_control,
                       socket.pktinfo ? h.msg_controllen : 0);
}

void UdpWorker::send_answers(const Socket& socket, std::size_t received) noexcept {
  std::size_t count = 0;
  for (std::size_t i = 0; i < received; ++i) {
    if (packets_[i].length == 0) {
      hand_over(socket, i);
      continue;
    }
    tx_iov_[count] = {slots_[i].data, packets_[i].length};
    msghdr& h = tx_[count].msg_hdr;
    h = rx_[i].msg_hdr;  // peer address and, on wildcard sockets, the PKTINFO to answer from
    h.msg_iov = &tx_iov_[count];
    h.msg_iovlen = 1;
    h.msg_flags = 0;
    if (socket.pktinfo) {
      cmsghdr* c = CMSG_FIRSTHDR(&h);
      if (c && c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        auto* info = reinterpret_cast<in_pktinfo*>(CMSG_DATA(c));
        info->ipi_ifindex = 0;  // route by the source address, not the arrival interface
      }
    }
    ++count;
  }
  std::size_t sent = 0;
  while (sent < count) {
    const int rc = ::sendmmsg(socket.fd.get(), tx_ + sent, static_cast<unsigned>(count - sent), 0);
    if (rc < 0) {
      if (errno == EINTR) continue;
      // This datagram failed (unreachable peer, bad address): skip it, keep the rest.
      ++counters_.send_errors;
      ++sent;
      continue;
    }
    sent += static_cast<std::size_t>(rc);
    counters_.sent += static_cast<std::size_t>(rc);
  }
}

}  // namespace canon::nic
