// canond asking a primary, over TCP: the zone's SOA (is there a newer
// version?), then IXFR or AXFR. Blocking, with a deadline on every wait;
// runs on the secondaries' thread, never on a worker. With a key, every
// request is signed and every answer must verify (TSIG, RFC 8945), the
// whole stream included, before anything of it is taken.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "nic/listen_address.hpp"
#include "tools/canond/transfer_config.hpp"
#include "zones/limits.hpp"
#include "zones/transfer.hpp"

namespace canon::daemon {

// How long one connect, send or read may wait.
inline constexpr std::chrono::milliseconds kTransferWait{10'000};

struct SoaAnswer {
  bool ok = false;
  std::uint32_t serial = 0;
  unsigned rcode = 0;  // the primary's RCODE when it answered with an error
  std::string error;   // why not, when !ok
};

[[nodiscard]] SoaAnswer ask_soa(const SecondaryZone& zone, const nic::ListenAddress& primary,
                                std::chrono::milliseconds wait = kTransferWait);

// What to ask for: rr::AXFR, or rr::IXFR from `current` (its serial and
// its SOA's RDATA, which the request carries).
struct TransferAsk {
  std::uint16_t type;
  std::shared_ptr<const zones::LoadedZone> current;
  std::uint32_t current_serial = 0;
  std::span<const std::uint8_t> current_soa;
};

[[nodiscard]] zones::TransferOutcome request_transfer(const SecondaryZone& zone, const nic::ListenAddress& primary,
                                                      const TransferAsk& ask, const zones::ZoneLimits& limits,
                                                      std::chrono::milliseconds wait = kTransferWait);

}  // namespace canon::daemon
