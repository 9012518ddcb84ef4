// The answer to an AXFR (RFC 5936) or IXFR (RFC 1995) request, message by
// message, into the zone's next version: a whole LoadedZone the compiler
// checks like a zone file. Nothing is applied until the closing SOA has
// arrived, so a transfer cut, refused or malformed leaves nothing behind.
//
// The shapes an answer may take (each SOA is the zone's apex SOA record):
//
//   AXFR                 SOA(n)  records...  SOA(n)
//   IXFR, up to date     SOA(n)                         n not newer than ours
//   IXFR, AXFR-style     SOA(n)  records...  SOA(n)     (no journal for our serial)
//   IXFR, diffs          SOA(n)  SOA(a) deleted... SOA(b) added...  SOA(b) deleted... SOA(n) added...  SOA(n)
//                                └──── one diff, a → b ───────────┘
//
// A diff's deletions must be records the version it starts from holds (a
// primary that disagrees about our zone is refused, and we ask AXFR).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/dns_message.hpp"
#include "zones/limits.hpp"

namespace canon::zones {

enum class TransferKind : std::uint8_t { kNothing, kUpToDate, kAxfr, kIxfr };
[[nodiscard]] const char* transfer_kind_text(TransferKind kind) noexcept;

struct TransferOutcome {
  TransferKind kind = TransferKind::kNothing;
  std::shared_ptr<LoadedZone> zone;  // the new version (kAxfr, kIxfr)
  std::uint32_t serial_from = 0;     // the version asked from (IXFR)
  std::uint32_t serial_to = 0;       // the primary's serial
  std::uint64_t rrs = 0;             // records in the answer
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;           // of the messages, TSIG included
  std::uint64_t deleted = 0;         // IXFR: records the diffs removed, net
  std::uint64_t added = 0;           // IXFR: records the diffs added, net
  unsigned rcode = 0;                // the primary's RCODE when it was not NOERROR
  std::string error;                 // why the answer was refused; empty when taken
};

class TransferReader {
 public:
  // `asked` is rr::AXFR or rr::IXFR; for IXFR, `current` is the served
  // version (serial `current_serial`) the diffs apply to. `origin` is the
  // zone's absolute presentation name; `description` names the transfer in
  // findings ("AXFR from 127.0.0.1:53001").
  TransferReader(const ZoneSource& source, std::shared_ptr<const LoadedZone> current,
                 std::uint32_t current_serial, std::uint16_t asked, std::uint16_t request_id,
                 const ZoneLimits& limits, std::string description);
  ~TransferReader();

  enum class Progress : std::uint8_t { kMore, kDone, kFailed };
  // One message of the answer, its TSIG (if any) checked and removed by the caller.
  Progress feed(std::span<const std::uint8_t> message);
  // The result once feed() returned kDone or kFailed.
  [[nodiscard]] TransferOutcome take();

 private:
  struct Diffs;
  Progress fail(std::string why);
  Progress on_rr(const MessageRr& rr);
  bool accept(const MessageRr& rr);  // the checks every received record passes
  void add_to_zone(const MessageRr& rr);
  bool finish_ixfr();

  enum class State : std::uint8_t { kFirst, kSecond, kAxfr, kDeleting, kAdding, kEnd };
  ZoneSource source_;
  std::shared_ptr<const LoadedZone> current_;
  std::uint32_t current_serial_;
  std::uint16_t asked_;
  std::uint16_t request_id_;
  ZoneLimits limits_;
  std::string description_;
  WireName origin_;
  LookupKey origin_key_{};  // origin_'s, for the in-zone test of every record
  State state_ = State::kFirst;
  MessageRr first_soa_;
  std::uint32_t version_ = 0;  // IXFR: the version the diff being read goes to / comes from
  std::unique_ptr<Diffs> diffs_;
  TransferOutcome outcome_;
};

}  // namespace canon::zones
