// Zone files to records, through libzscanner.
//
// libzscanner does RFC 1035 master files: $ORIGIN, $TTL, relative names,
// every RR type it knows and RFC 3597 `TYPEnnn \# len hex` for the rest.
// The loader adds what it lacks or what canon wants to own:
//   - $GENERATE, expanded here (see generate.hpp);
//   - $INCLUDE, handled here so included files get $GENERATE too and their
//     findings name the included file;
//   - record-level checks that need only one record: class, out-of-zone
//     owners, alias targets that look like IP addresses.
#pragma once

#include <cstdint>

#include "zones/finding.hpp"
#include "zones/limits.hpp"
#include "zones/record_store.hpp"
#include "zones/zone_source.hpp"

namespace canon::zones {

inline constexpr unsigned kMaxIncludeDepth = 8;

// Appends the zone's records to `store`, tagged with `zone_index`. Returns
// false when the file could not be read, had a syntax error or held more
// than `limits.max_records` records (all reported in `findings`; loading
// stops at the record over the limit); the records read so far stay, so the
// checks can still run.
bool load_zone(const ZoneSource& source, std::uint32_t zone_index, RecordStore& store,
               Findings& findings, const ZoneLimits& limits = {});

}  // namespace canon::zones
