// NOTIFY over UDP with the DPDK backend. A worker passes a NOTIFY the
// engine leaves for the control side (EngineConfig::notify_to_control) to
// the kernel through the exception path, as it passes every frame that is
// not its to answer. Here a kernel UDP socket per served address (bound
// with freebind, as the TCP listener is) receives it and hands it to the
// control side through a ControlMailbox; the control side answers from
// that socket, and the kernel sends the answer back out through the TAP,
// which the workers relay to the port:
//
//   primary ─▶ port ─▶ DPDK worker ─▶ TAP ─▶ kernel UDP :53 ─▶ this thread
//     ─▶ mailbox ─▶ secondaries' thread ─▶ sendmsg ─▶ TAP ─▶ worker ─▶ port
//
// Only NOTIFYs reach these sockets (every other UDP datagram to a served
// address and port is a query the workers answer); anything else read is
// dropped. Control side only: no worker ever blocks on it.
#pragma once

#include <atomic>
#include <span>
#include <thread>
#include <vector>

#include "nic/control_mailbox.hpp"
#include "nic/fd.hpp"
#include "nic/listen_address.hpp"

namespace canon::nic {

class KernelNotifyReceiver {
 public:
  // Opens a socket per address; throws std::runtime_error.
  explicit KernelNotifyReceiver(std::span<const ListenAddress> addresses);
  ~KernelNotifyReceiver();
  KernelNotifyReceiver(const KernelNotifyReceiver&) = delete;
  KernelNotifyReceiver& operator=(const KernelNotifyReceiver&) = delete;

  void start();
  void stop() noexcept;
  [[nodiscard]] ControlMailbox& mailbox() noexcept { return mailbox_; }

 private:
  void run() noexcept;

  std::vector<Fd> sockets_;
  ControlMailbox mailbox_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace canon::nic
