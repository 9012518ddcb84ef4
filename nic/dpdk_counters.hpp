// Counters of one (port, queue) of the DPDK path, written only by the
// worker that polls the queue; the control thread reads them for
// `canonctl stats` (a torn read of a monotonic word is harmless).
#pragma once

#include <cstdint>

namespace canon::nic {

struct alignas(64) QueueCounters {
  std::uint64_t rx = 0;                 // frames taken from the port
  std::uint64_t tx = 0;                 // frames the port took (answers, replies, the kernel's)
  std::uint64_t tx_dropped = 0;         // frames the port did not take (ring full)
  std::uint64_t dns_queries = 0;        // UDP frames to our DNS port
  std::uint64_t dns_answers = 0;        // answers sent (the rest: silence by the engine or dropped)
  std::uint64_t neighbour = 0;          // ARP replies and neighbour advertisements sent
  std::uint64_t echo = 0;               // ICMP / ICMPv6 echo replies sent
  std::uint64_t exception_out = 0;      // frames handed to the kernel (TAP)
  std::uint64_t exception_in = 0;       // frames from the kernel sent out of the port
  std::uint64_t exception_dropped = 0;  // frames for the kernel with no exception path, or TAP full
  std::uint64_t dropped_not_for_us = 0;
  std::uint64_t dropped_malformed = 0;
  std::uint64_t dropped_checksum = 0;
};

}  // namespace canon::nic
