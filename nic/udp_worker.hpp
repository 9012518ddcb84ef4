// One socket-backend worker: a pinned thread with its own SO_REUSEPORT UDP
// socket per listen address, answering in bursts.
//
//   loop:  offline ─ epoll_wait ─ online
//          per ready socket, up to kDrainBursts times:
//            recvmmsg (≤ 64, non-blocking) ─▶ Engine::answer_burst (in place)
//            ─▶ sendmmsg the non-empty answers ─▶ quiescent
//          with dnstap: the sampled queries are copied to the worker's ring
//          before the engine answers, their answers after (nic/dnstap_tap.hpp)
//
// Each datagram lives in its own 4 KiB slot; the answer is written over the
// query and sent from the same slot to the address it came from. On wildcard
// sockets the received IP(V6)_PKTINFO goes back as the source address.
#pragma once

#include <sys/socket.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "engine/engine.hpp"
#include "nic/control_mailbox.hpp"
#include "nic/dnstap_tap.hpp"
#include "nic/fd.hpp"
#include "nic/listen_address.hpp"
#include "nic/socket_counters.hpp"
#include "engine/served.hpp"

namespace canon::nic {

inline constexpr std::size_t kUdpSlotBytes = 4096;  // largest UDP answer we write

class UdpWorker {
 public:
  // Opens the worker's sockets; throws std::runtime_error when one fails.
  UdpWorker(unsigned index, int cpu, std::span<const ListenAddress> listen,
            const engine::EngineConfig& config, const DnstapConfig& dnstap = {});
  UdpWorker(const UdpWorker&) = delete;
  UdpWorker& operator=(const UdpWorker&) = delete;

  // The thread body: serves until `stop` is set.
  void run(engine::ServedReader reader, const std::atomic<bool>& stop) noexcept;

  [[nodiscard]] unsigned index() const noexcept { return index_; }
  [[nodiscard]] int cpu() const noexcept { return cpu_; }
  [[nodiscard]] const engine::WorkerCounters& engine_counters() const noexcept {
    return engine_->counters();
  }
  [[nodiscard]] const UdpCounters& counters() const noexcept { return counters_; }
  // NOTIFYs the engine left for the control side (engine/config.hpp).
  [[nodiscard]] ControlMailbox& mailbox() noexcept { return *mailbox_; }
  // The samples for the dnstap writer; nullptr when dnstap is off.
  [[nodiscard]] DnstapRing* dnstap_ring() noexcept { return dnstap_ ? &dnstap_->ring() : nullptr; }

 private:
  struct Socket {
    Fd fd;
    bool pktinfo;
  };
  // One recvmmsg burst answered and sent; returns how many were received.
  std::size_t serve_burst(const Socket& socket, engine::ServedReader& reader) noexcept;
  // rx_ made ready for a recvmmsg on `socket`: only the headers the last
  // one wrote (name and control lengths, flags) are set again, unless the
  // socket changed (its control buffer differs). A burst of 64 headers set
  // afresh for a few datagrams cost more than the datagrams' parsing.
  void prepare_receive(const Socket& socket) noexcept;
  // The engine's answer_burst with the dnstap tap around it.
  void answer_tapped(engine::ServedReader& reader, std::size_t received) noexcept;
  void send_answers(const Socket& socket, std::size_t received) noexcept;
  // Datagram i got no answer: when it is a NOTIFY the engine left for the
  // control side, it goes into the mailbox.
  void hand_over(const Socket& socket, std::size_t i) noexcept;

  static constexpr std::size_t kBurst = engine::kMaxBurst;
  static constexpr std::size_t kControlBytes = 64;  // one in6_pktinfo cmsg
  struct Slot {
    alignas(64) std::uint8_t data[kUdpSlotBytes];
    sockaddr_storage peer;
    alignas(alignof(cmsghdr)) std::uint8_t control[kControlBytes];
  };

  unsigned index_;
  int cpu_;
  Fd epoll_;
  std::vector<Socket> sockets_;
  std::unique_ptr<engine::Engine> engine_;
  std::unique_ptr<Slot[]> slots_;
  std::unique_ptr<ControlMailbox> mailbox_ = std::make_unique<ControlMailbox>();
  std::unique_ptr<DnstapTap> dnstap_;  // null: dnstap off
  UdpCounters counters_;
  mmsghdr rx_[kBurst]{};
  iovec rx_iov_[kBurst]{};
  const Socket* rx_socket_ = nullptr;  // the socket rx_ was made ready for
  std::size_t rx_written_ = kBurst;    // headers of rx_ the last recvmmsg may have written
  mmsghdr tx_[kBurst]{};
  iovec tx_iov_[kBurst]{};
  engine::Packet packets_[kBurst]{};
};

}  // namespace canon::nic
