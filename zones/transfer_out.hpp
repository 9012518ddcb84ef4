// Zone transfers out (RFC 5936 AXFR, RFC 1995 IXFR): a served version, or
// the diffs between versions, as a stream of answer messages for a
// downstream secondary. Control side only.
//
//   AXFR                 SOA  records...  SOA
//   IXFR from serial s   SOA(n)  SOA(s) removed... SOA(t) added...  ...  SOA(n)
//                        (diffs kept back to s; else AXFR-style, or one SOA
//                        when s is not older than n)
//
// Each message holds as many whole RRs as fit in kTransferMessageBytes;
// owner names are written whole (no compression), which every client reads.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "zones/compiler.hpp"

namespace canon::zones {

inline constexpr std::size_t kTransferMessageBytes = 16 * 1024;

// RRs in wire form, back to back (owner uncompressed, type, class, TTL,
// RDLENGTH, RDATA), with their count.
struct WireRrs {
  std::vector<std::uint8_t> bytes;
  std::size_t count = 0;
};

// What changed from one version to the next, apex SOAs included (the old
// one removed, the new one added).
struct ZoneDiff {
  std::uint32_t from = 0;
  std::uint32_t to = 0;
  std::vector<std::uint8_t> from_soa;  // the apex SOA RR of each side, wire form
  std::vector<std::uint8_t> to_soa;
  WireRrs removed;  // the SOA left out
  WireRrs added;
};

// The apex SOA record of `zone` (well-formed), or nullptr.
[[nodiscard]] const Record* apex_soa(const LoadedZone& zone);

// The apex SOA of `zone` as one wire RR (empty when it has none), and its serial.
[[nodiscard]] std::vector<std::uint8_t> apex_soa_rr(const LoadedZone& zone, std::uint32_t* serial = nullptr);

// The records of `next` that `previous` lacks and those it loses
// (byte-exact RRs, TTL included: a changed TTL is one removed, one added).
[[nodiscard]] ZoneDiff diff_versions(const LoadedZone& previous, const LoadedZone& next);

// Receives each message as it is full (the header's counts set): sign it
// and send it; false stops the stream.
using EmitMessage = std::function<bool(std::vector<std::uint8_t>& message)>;

// `question` is the request's question section as received (name, type,
// class); `id` its ID. Return false when emit did.
bool write_axfr(const LoadedZone& zone, std::uint16_t id, std::span<const std::uint8_t> question,
                const EmitMessage& emit);
// `diffs` in order, each one's `from` the previous one's `to`, the first
// from the serial asked, the last to `zone`'s serial.
bool write_ixfr(const LoadedZone& zone, std::span<const ZoneDiff* const> diffs, std::uint16_t id,
                std::span<const std::uint8_t> question, const EmitMessage& emit);
// The one-SOA answer: the client is up to date.
bool write_soa_only(const LoadedZone& zone, std::uint16_t id, std::span<const std::uint8_t> question,
                    const EmitMessage& emit);

}  // namespace canon::zones
