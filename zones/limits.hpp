// What one zone may hold. A zone over a limit is refused whole, with the
// file and line of the record that crossed it, and the served snapshot stays:
// a runaway $GENERATE or a zone file written by a broken script must cost an
// operator a clear error, not the server's memory.
#pragma once

#include <cstddef>
#include <cstdint>

namespace canon::zones {

struct ZoneLimits {
  // Records in one zone, counting $INCLUDEd files and $GENERATE output.
  // 50M is five times the largest zone the benchmarks load (10M names).
  std::uint64_t max_records = 50'000'000;
  // Records in one RRset (owner and type). A set this large is a mistake
  // more often than a need (a $GENERATE with a fixed owner), and it never
  // fits in a UDP answer.
  std::uint32_t max_rrset_records = 4'096;
  // Not a limit, a check's horizon: an RRSIG expiring within this many days
  // is reported (signature-expiring); one already expired always is.
  std::uint32_t signature_warn_days = 7;
  // The time those checks compare with, in seconds since 1970; 0: now.
  std::int64_t check_time = 0;
};

// The most records an RRset can hold at all (its count is a 16-bit field).
inline constexpr std::uint32_t kMaxRrsetRecordsCeiling = 65'535;

// An RRset must fit in one DNS message beside the header (12), the longest
// question (255 + 4) and an OPT record (11); one that does not can never be
// answered, not even over TCP.
inline constexpr std::size_t kMaxRrsetWireBytes = 65'535 - 12 - 259 - 11;

}  // namespace canon::zones
