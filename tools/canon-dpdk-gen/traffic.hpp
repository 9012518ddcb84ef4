// The run: one loop on the main lcore that sends a burst of prebuilt queries
// (copy, patch port/id/checksum), then receives a burst and checks it, until
// the duration or the count is reached; then it only receives for the drain
// time. Nothing is allocated in the loop: mbufs come from the pool made at
// set-up, the flight table and the frames were sized before.
//
//   ┌──────────── send phase (duration / count) ────────────┐┌─ drain ─┐
//   build ≤ burst (rate budget) ─▶ tx_burst ─▶ rx_burst ─▶ check/count ─▶ free
#pragma once

#include <cstdint>

#include "counters.hpp"
#include "flight_table.hpp"
#include "port.hpp"
#include "query_frames.hpp"

namespace canon::gen {

struct TrafficPlan {
  double duration = 5;      // seconds of sending
  std::uint64_t count = 0;  // 0: no limit
  std::uint64_t rate = 0;   // packets per second, 0: no limit
  std::uint32_t burst = 32;
  double drain_ms = 200;
  bool echo = false;
  Ipv4 src;
  Ipv4 dst;
  std::uint16_t dst_port = 53;
};

void run_traffic(const Port& port, const TrafficPlan& plan, const FrameSet& frames,
                 FlightTable& flights, Counters& counters);

}  // namespace canon::gen
