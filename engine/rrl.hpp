// Response rate limiting, one table per worker (no sharing, no atomics).
//
// A token bucket per (source prefix, response class): the prefix is the
// client's /24 (IPv4) or /56 (IPv6) as RrlSpec says, the class what the
// answer is (BIND's and Knot's split: a flood of NXDOMAINs does not starve
// the same network's positive answers). A bucket holds up to one second of
// `rate` tokens in thousandths and refills with time; a response takes 1000.
//
//   table: 65,536 buckets × 8 B, indexed by a keyed hash of the key
//
//   | last refill, ms u32 | tokens spent × 1000, u32 |
//
// A bucket counts what was spent, not what is left, so the calloc'd zeros
// are a full bucket and no tag or "empty" mark is needed.
//
// Keys that hash to the same bucket share it, and with it one rate: a
// collision can only hold two prefixes to one rate between them, never let
// either through faster. (The previous rule, a new key taking a bucket over
// with a full set of tokens, let a spoofer lift a victim's limit by
// alternating with a colliding prefix: every takeover was a fresh second.)
// The hash is keyed by a secret each table draws from getrandom() when it is
// made, so an outsider cannot aim at a victim's bucket either: which
// prefixes share differs from process to process, worker to worker. The
// secret costs nothing per query: it stands where the hash's constants did.
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

  // A table keyed by a fresh random secret (getrandom); throws
  // std::system_error when the kernel gives none, std::bad_alloc without memory.
  RrlTable();
  // A table keyed by the secret given: for tests, which must know where
  // keys land.
  RrlTable(std::uint64_t secret_high, std::uint64_t secret_low);

  // True when a response of `cls` to `source` may go out at `now_ms`
  // (milliseconds on a steady clock) under `rate` per second for the
  // prefix `prefix_length` (mapped space, 0..128) of the source.
  [[nodiscard]] bool allow(const ClientAddress& source, unsigned prefix_length, RrlClass cls,
                           std::uint32_t rate, std::uint32_t now_ms) noexcept;

  // The bucket `allow` uses for this key (for tests).
  [[nodiscard]] std::uint32_t bucket_of(const ClientAddress& source, unsigned prefix_length,
                                        RrlClass cls) const noexcept;

 private:
  struct Bucket {  // all zero: full
    std::uint32_t last_ms;
    std::uint32_t spent;  // thousandths of a token, ≤ rate × 1000
  };
  struct Free {
    void operator()(Bucket* b) const noexcept { std::free(b); }
  };
  // calloc: the table is 512 KiB of zeros, and calloc's fresh pages stay
  // untouched (not resident) until a bucket is first written; a worker
  // whose policy never turns RRL on costs no memory for it.
  std::unique_ptr<Bucket[], Free> buckets_;
  std::uint64_t secret_high_;
  std::uint64_t secret_low_;
};

}  // namespace canon::engine
