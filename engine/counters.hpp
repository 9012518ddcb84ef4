// Per-worker counters: one cache-aligned struct per worker, written only by
// that worker; the control thread sums them while it runs (counter.hpp).
#pragma once

#include <array>
#include <cstdint>

#include "engine/counter.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

// Query types counted by name; everything else is kOther.
enum class QtypeBucket : std::uint8_t { kA, kAaaa, kCname, kMx, kNs, kSoa, kSrv, kTxt, kPtr, kDs, kAny, kOther, kCount };

namespace detail {
// QtypeBucket by QTYPE for the types below 256 (all the named ones).
inline constexpr auto kQtypeBuckets = [] {
  std::array<QtypeBucket, 256> table{};
  table.fill(QtypeBucket::kOther);
  table[1] = QtypeBucket::kA;
  table[28] = QtypeBucket::kAaaa;
  table[5] = QtypeBucket::kCname;
  table[15] = QtypeBucket::kMx;
  table[2] = QtypeBucket::kNs;
  table[6] = QtypeBucket::kSoa;
  table[33] = QtypeBucket::kSrv;
  table[16] = QtypeBucket::kTxt;
  table[12] = QtypeBucket::kPtr;
  table[43] = QtypeBucket::kDs;
  table[255] = QtypeBucket::kAny;
  return table;
}();
}  // namespace detail

[[nodiscard]] constexpr QtypeBucket qtype_bucket(std::uint16_t qtype) noexcept {
  return qtype < 256 ? detail::kQtypeBuckets[qtype] : QtypeBucket::kOther;
}
[[nodiscard]] const char* qtype_bucket_name(QtypeBucket b) noexcept;

struct alignas(64) WorkerCounters {
  Counter queries = 0;      // packets given to the engine
  Counter responses = 0;    // answers written
  Counter dropped = 0;      // no answer (QR=1, too short; policy drop; rate-limited)
  Counter to_control = 0;   // NOTIFYs left for the control side (EngineConfig::notify_to_control)
  Counter truncated = 0;    // TC=1 answers
  std::array<Counter, 17> rcodes{};   // by RCODE, BADVERS at 16
  std::array<Counter, static_cast<std::size_t>(QtypeBucket::kCount)> qtypes{};
  std::array<Counter, zones::kMaxChainLinks + 1> chain_links{};  // answers by links followed
  std::array<Counter, 6> policy_actions{};  // queries a policy rule decided, by PolicyAction
  Counter rrl_limited = 0;  // UDP answers over the rate: dropped, or slipped
  Counter rrl_slipped = 0;  // of those, sent truncated (TC=1) so real clients retry over TCP

  void add(const WorkerCounters& other) noexcept;
};

}  // namespace canon::engine
