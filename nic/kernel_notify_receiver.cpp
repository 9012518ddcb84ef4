#include "nic/kernel_notify_receiver.hpp"

#include <poll.h>
#include <sys/socket.h>

#include "engine/wire.hpp"
#include "nic/sockets.hpp"

namespace canon::nic {

namespace {

constexpr int kPollMs = 100;  // how long stop() may wait for the thread

}  // namespace

KernelNotifyReceiver::KernelNotifyReceiver(std::span<const ListenAddress> addresses) {
  for (const ListenAddress& where : addresses) sockets_.emplace_back(open_udp_socket(where, /*freebind=*/true));
}

KernelNotifyReceiver::~KernelNotifyReceiver() { stop(); }

void KernelNotifyReceiver::start() {
  thread_ = std::thread([this] { run(); });
}

void KernelNotifyReceiver::stop() noexcept {
  stopping_.store(true, std::memory_order_relaxed);
  if (thread_.joinable()) thread_.join();
}

void KernelNotifyReceiver::run() noexcept {
  std::vector<pollfd> polled;
  for (const Fd& s : sockets_) polled.push_back(pollfd{s.get(), POLLIN, 0});
  std::uint8_t data[HandedDatagram::kMaxBytes];
  while (!stopping_.load(std::memory_order_relaxed)) {
    if (::poll(polled.data(), polled.size(), kPollMs) <= 0) continue;
    for (const pollfd& p : polled) {
      if ((p.revents & POLLIN) == 0) continue;
      sockaddr_storage peer{};
      iovec iov{data, sizeof(data)};
      msghdr h{};
      h.msg_name = &peer;
      h.msg_namelen = sizeof(peer);
      h.msg_iov = &iov;
      h.msg_iovlen = 1;
      const ssize_t n = ::recvmsg(p.fd, &h, MSG_DONTWAIT);
      if (n <= 0 || (h.msg_flags & MSG_TRUNC) != 0 ||
          !engine::header::is_notify_request(data, static_cast<std::size_t>(n))) {
        continue;
      }
      (void)mailbox_.push(data, static_cast<std::size_t>(n), p.fd, peer, h.msg_namelen, nullptr, 0);
    }
  }
}

}  // namespace canon::nic
