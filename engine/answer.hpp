// Stage 2–3: answer one parsed IN query from the snapshot, writing the
// sections in place (RFC 1034 §4.3.2 with RFC 2308, 4592, 6604, 6672, 8482).
//
// The walk, for the name being answered (first the question name):
//
//   below a delegation ............. referral: NS in authority, glue, AA=0
//   below a DNAME .................. the DNAME, a synthesized CNAME, restart
//                                    with the new name (YXDOMAIN if > 255)
//   exists: delegation ............. referral, or the DS answer for QTYPE DS
//           CNAME, QTYPE ≠ CNAME/ANY  the compiler's prepared chain, then the
//                                    answer at its end
//           otherwise .............. the RRset of QTYPE (ANY: one RRset), or
//                                    NODATA with the zone's SOA
//   absent, wildcard at encloser ... as "exists", owned by the name asked
//   absent ......................... NXDOMAIN with the zone's SOA
//
// The RCODE is that of the last name in the chain (RFC 6604). Chains stop at
// 16 links and at a loop, with the records gathered so far and NOERROR.
#pragma once

#include <cstdint>

#include "engine/query.hpp"
#include "engine/response.hpp"
#include "engine/wire.hpp"
#include "zones/snapshot.hpp"
#include "zones/zone_table.hpp"

namespace canon::engine {

struct AnswerResult {
  Rcode rcode = Rcode::kNoError;
  bool authoritative = true;  // AA
  bool truncated = false;     // TC: a needed RRset did not fit
  std::uint8_t links = 0;     // CNAME/DNAME links followed
};

// A name looked up: the unit of the served zone above it (nullptr: none)
// and what that unit's lookup found.
struct Found {
  const zones::Snapshot* unit = nullptr;
  zones::TrieMatch match{};
};

// `first`: the question name looked up in `table`. `restart` (optional) is
// the lookup of the name a DNAME substitution of the question leads to, when
// the caller already looked it up in a batch. A chain that leaves a unit
// goes on in the unit the table gives for its next name.
[[nodiscard]] AnswerResult answer_query(const zones::ZoneTable& table, const Query& query, const Found& first,
                                        ResponseWriter& writer, const Found* restart = nullptr) noexcept;

// A negative answer to the question whatever the data holds (policy actions
// nxdomain and nodata): `rcode`, and the SOA of the served zone that holds the
// name in authority (RFC 2308); when none does, no SOA and AA clear.
[[nodiscard]] AnswerResult answer_negative(const zones::ZoneTable& table, const Query& query,
                                           const Found& found, ResponseWriter& writer, Rcode rcode) noexcept;

}  // namespace canon::engine
