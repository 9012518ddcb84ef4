// [[key]] and [[secondary]] checked and resolved: each secondary zone with
// its primaries' addresses, its TSIG key and who may NOTIFY it. Every
// problem is a std::runtime_error naming the config line and the fix.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/client_address.hpp"
#include "nic/listen_address.hpp"
#include "tools/canond/options.hpp"
#include "zones/tsig.hpp"
#include "zones/zone_source.hpp"

namespace canon::daemon {

struct SecondaryZone {
  std::string origin;                          // absolute, as configured ("example.com.")
  zones::ZoneSource source;                    // the state file it is served from
  std::vector<nic::ListenAddress> primaries;   // tried in order
  std::optional<zones::TsigKey> key;           // set: every request signed, every answer and NOTIFY must be
  std::vector<engine::AddressPrefix> notify_from;
};

[[nodiscard]] std::vector<SecondaryZone> resolve_secondaries(const DaemonOptions& options);

}  // namespace canon::daemon
