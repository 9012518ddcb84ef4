// Counters of the kernel-socket backend, one cache-aligned struct per thread,
// written only by that thread; the control thread sums them (a torn read of
// one word is harmless: it is a monotonic counter).
#pragma once

#include <cstdint>

namespace canon::nic {

struct alignas(64) UdpCounters {
  std::uint64_t received = 0;        // datagrams taken from the sockets
  std::uint64_t sent = 0;            // answers handed to the kernel
  std::uint64_t send_errors = 0;     // answers the kernel refused
  std::uint64_t receive_errors = 0;  // recvmmsg failures other than EAGAIN

  void add(const UdpCounters& o) noexcept {
    received += o.received;
    sent += o.sent;
    send_errors += o.send_errors;
    receive_errors += o.receive_errors;
  }
};

struct alignas(64) TcpCounters {
  std::uint64_t accepted = 0;
  std::uint64_t refused_over_cap = 0;  // closed at once: the connection cap was reached
  std::uint64_t idle_closed = 0;       // closed by the idle timeout
  std::uint64_t queries = 0;
  std::uint64_t open = 0;              // gauge
};

}  // namespace canon::nic
