// What a run counted; filled by the traffic loop, printed by report.cpp.
#pragma once

#include <array>
#include <cstdint>

#include "response_check.hpp"

namespace canon::gen {

struct Counters {
  std::uint64_t sent = 0;        // accepted by the port's tx
  std::uint64_t received = 0;    // frames that were ours (DNS mode) / our echoed queries (echo)
  std::uint64_t answered = 0;    // valid DNS answers (0 in echo mode)
  std::uint64_t mismatched = 0;  // ours but wrong: sum of `mismatch`
  std::uint64_t ignored = 0;     // not ours (other addresses, ports, protocols)
  std::uint64_t arp_received = 0;
  std::uint64_t arp_answered = 0;
  std::uint64_t tx_bursts = 0;     // tx bursts offered to the port
  std::uint64_t tx_full = 0;       // tx bursts the port took only part of
  std::uint64_t alloc_failed = 0;  // mbuf allocations that failed (pool empty)
  std::array<std::uint64_t, 16> rcodes{};
  std::array<std::uint64_t, kMismatchKinds> mismatch{};
  double seconds = 0;  // of sending
};

}  // namespace canon::gen
