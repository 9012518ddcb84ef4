// Datagrams a UDP worker does not answer itself (NOTIFY for a secondary
// zone), handed to the control side with what it needs to answer them from
// the same socket: one single-producer single-consumer ring per worker.
//
//   worker:   push() — a copy into the next free slot, one release store
//   control:  pop()  — a copy out, one release store; full: dropped, counted
//
// No lock, no allocation, no system call on the worker's side; the control
// side polls (a NOTIFY waits at most its poll interval).
#pragma once

#include <sys/socket.h>

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <functional>

#include "engine/client_address.hpp"
#include "engine/counter.hpp"

namespace canon::nic {

struct HandedDatagram {
  static constexpr std::size_t kMaxBytes = 1232;  // a NOTIFY with TSIG fits many times over
  std::uint16_t length = 0;
  int fd = -1;                 // the socket it came in on, to answer from
  socklen_t peer_length = 0;
  sockaddr_storage peer{};
  std::size_t control_length = 0;  // IP(V6)_PKTINFO of a wildcard socket, to answer from that address
  alignas(alignof(cmsghdr)) std::uint8_t control[64]{};
  std::uint8_t data[kMaxBytes];
};

// Answers, in place, a message the engine left for the control side (a
// NOTIFY over TCP: the TCP server calls it on its own thread, never a UDP
// worker). Returns the answer's length; 0: no answer.
using ControlAnswerer = std::function<std::size_t(std::uint8_t* message, std::size_t length, std::size_t capacity,
                                                  const engine::ClientAddress& peer)>;

// Takes over the TCP connection `fd` whose request (an AXFR or IXFR the
// engine left for the control side) is answered by a stream of messages on
// another thread: it dup()s `fd`; the TCP server closes its own.
using TransferHandoff = std::function<void(int fd, const std::uint8_t* request, std::size_t length,
                                           const engine::ClientAddress& peer)>;

class ControlMailbox {
 public:
  static constexpr std::size_t kSlots = 16;

  // Worker side. False (and counted) when the ring is full or the datagram too big.
  bool push(const std::uint8_t* data, std::size_t length, int fd, const sockaddr_storage& peer,
            socklen_t peer_length, const void* control, std::size_t control_length) noexcept {
    const std::size_t head = head_.load(std::memory_order_relaxed);
    if (head - tail_.load(std::memory_order_acquire) == kSlots || length > HandedDatagram::kMaxBytes ||
        control_length > sizeof(HandedDatagram::control)) {
      dropped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    HandedDatagram& slot = slots_[head % kSlots];
    slot.length = static_cast<std::uint16_t>(length);
    std::memcpy(slot.data, data, length);
    slot.fd = fd;
    slot.peer = peer;
    slot.peer_length = peer_length;
    slot.control_length = control_length;
    if (control_length) std::memcpy(slot.control, control, control_length);
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Control side. False when empty.
  bool pop(HandedDatagram& out) noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (head_.load(std::memory_order_acquire) == tail) return false;
    out = slots_[tail % kSlots];
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  [[nodiscard]] std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_relaxed); }

 private:
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the worker
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the control side
  alignas(64) std::atomic<std::uint64_t> dropped_{0};
  std::array<HandedDatagram, kSlots> slots_{};
};

}  // namespace canon::nic
