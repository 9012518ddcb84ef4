// Counters of the kernel-socket backend, one cache-aligned struct per thread,
// written only by that thread; the control thread sums them while it runs
// (engine/counter.hpp).
#pragma once

#include <cstdint>

#include "engine/counter.hpp"

namespace canon::nic {

struct alignas(64) UdpCounters {
  engine::Counter received;        // datagrams taken from the sockets
  engine::Counter sent;            // answers handed to the kernel
  engine::Counter send_errors;     // answers the kernel refused
  engine::Counter receive_errors;  // recvmmsg failures other than EAGAIN

  void add(const UdpCounters& o) noexcept {
    received += o.received;
    sent += o.sent;
    send_errors += o.send_errors;
    receive_errors += o.receive_errors;
  }
};

struct alignas(64) TcpCounters {
  engine::Counter accepted;
  engine::Counter refused_over_cap;  // closed at once: the connection cap was reached
  engine::Counter idle_closed;       // closed by the idle timeout
  engine::Counter errors;            // closed: buffers not allocated or epoll_ctl failed
  engine::Counter queries;
  engine::Counter open;              // gauge
};

}  // namespace canon::nic
