// The IXFR journal: the diffs a primary keeps for its downstreams
// (transfer_out.hpp's ZoneDiff), on disk beside the zone state, so that
// after a restart a secondary one or more versions behind still gets an
// IXFR instead of the whole zone.
//
//   STATE_DIR/journal/ORIGIN.ixfr, big-endian:
//     "canon-ixfr-1\n"                              magic and format version
//     per diff, oldest first:
//       u32 from   u32 to
//       u32 n  from_soa[n]     u32 n  to_soa[n]     (one SOA RR each)
//       u32 count  u32 n  removed[n]                (count whole RRs)
//       u32 count  u32 n  added[n]
//
// RRs are as ZoneDiff holds them: owner uncompressed, type, class, TTL,
// RDLENGTH, RDATA. Written whole and atomically (replace_state_file), so a
// crash leaves the previous journal or the new one. A journal is read back
// only when every RR walks to its exact end, the SOAs are SOAs and each
// diff starts where the one before it ended; anything else is refused
// whole with the reason, never half used.
#pragma once

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "zones/transfer_out.hpp"

namespace canon::zones {

[[nodiscard]] std::string ixfr_journal_path(std::string_view state_dir, std::string_view origin);

// Replaces the journal at `path` with `diffs` (oldest first). Throws
// std::runtime_error naming the path and the system's reason.
void write_ixfr_journal(const std::string& path, std::span<const std::shared_ptr<const ZoneDiff>> diffs);

// The journal's diffs, oldest first: std::nullopt when there is no file;
// an empty vector and `error` set when the file is refused.
[[nodiscard]] std::optional<std::vector<std::shared_ptr<const ZoneDiff>>> read_ixfr_journal(
    const std::string& path, std::string& error);

}  // namespace canon::zones
