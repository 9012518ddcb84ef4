// Counters of one (port, queue) of the DPDK path, written only by the
// worker that polls the queue; the control thread reads them for
// `canonctl stats` while it runs (engine/counter.hpp).
#pragma once

#include <cstdint>

#include "engine/counter.hpp"

namespace canon::nic {

struct alignas(64) QueueCounters {
  engine::Counter rx;                 // frames taken from the port
  engine::Counter tx;                 // frames the port took (answers, replies, the kernel's)
  engine::Counter tx_dropped;         // frames the port did not take (ring full)
  engine::Counter dns_queries;        // UDP frames to our DNS port
  engine::Counter dns_answers;        // answers sent (the rest: silence by the engine or dropped)
  engine::Counter neighbour;          // ARP replies and neighbour advertisements sent
  engine::Counter echo;               // ICMP / ICMPv6 echo replies sent
  engine::Counter exception_out;      // frames handed to the kernel (TAP)
  engine::Counter exception_in;       // frames from the kernel sent out of the port
  engine::Counter exception_dropped;  // frames for the kernel with no exception path, or TAP full
  engine::Counter dropped_not_for_us;
  engine::Counter dropped_malformed;
  engine::Counter dropped_checksum;
};

}  // namespace canon::nic
