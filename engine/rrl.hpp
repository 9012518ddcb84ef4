// Response rate limiting, one table per worker (no sharing, no atomics).
//
// A token bucket per (source prefix, response class): the prefix is the
// client's /24 (IPv4) or /56 (IPv6) as RrlSpec says, the class what the
// answer is (BIND's and Knot's split: a flood of NXDOMAINs does not starve
// the same network's positive answers). A bucket holds up to one second of
// `rate` tokens in thousandths and refills with time; a response takes 1000.
//
//   table: 65,536 buckets × 12 B, indexed by the key's hash; a bucket keeps
//   the hash's upper 32 bits as its tag, and a different key landing on it
//   takes it over with a full bucket (an attacker cannot drain a victim's
//   bucket without hitting its tag, and a collision only ever lets more
//   through, never blocks a real client).
//
//   | tag u32 | last refill, ms u32 | tokens × 1000, i32 |
//
// The configured rate is a total over the workers: each enforces its share
// (Policy::rrl_worker_rate), so a source is held to the rate however the
// NIC or the kernel spreads it.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <new>

#include "engine/client_address.hpp"

namespace canon::engine {

enum class RrlClass : std::uint8_t { kPositive, kNodata, kNxdomain, kReferral, kError };

class RrlTable {
 public:
  static constexpr std::uint32_t kBuckets = 1u << 16;

  // calloc: the table is 768 KiB of zeros, and calloc's fresh pages stay
  // untouched (not resident) until a bucket is first written; a worker
  // whose policy never turns RRL on costs no memory for it.
  RrlTable() : buckets_(static_cast<Bucket*>(std::calloc(kBuckets, sizeof(Bucket)))) {
    if (!buckets_) throw std::bad_alloc();
  }

  // True when a response of `cls` to `source` may go out at `now_ms`
  // (milliseconds on a steady clock) under `rate` per second for the
  // prefix `prefix_length` (mapped space, 0..128) of the source.
  [[nodiscard]] bool allow(const ClientAddress& source, unsigned prefix_length, RrlClass cls,
                           std::uint32_t rate, std::uint32_t now_ms) noexcept;

 private:
  struct Bucket {  // all zero: never seen
    std::uint32_t tag;
    std::uint32_t last_ms;
    std::int32_t tokens;
  };
  struct Free {
    void operator()(Bucket* b) const noexcept { std::free(b); }
  };
  std::unique_ptr<Bucket[], Free> buckets_;
};

}  // namespace canon::engine
