// The transfer settings checked and resolved: [[key]]; each [[secondary]]
// zone with its primaries' addresses, its TSIG key and who may NOTIFY it;
// and for outgoing transfers, who may ask them (allow-transfer) and who is
// told of new versions (notify), globally and per zone. Every problem is a
// std::runtime_error naming the config line and the fix.
#pragma once

#include <map>
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
  bool catalog = false;   // a [[catalog]]: its members become secondary zones (RFC 9432)
  std::string member_of;  // a catalog's member: that catalog's origin
};

// Every [[secondary]] and [[catalog]] zone.
[[nodiscard]] std::vector<SecondaryZone> resolve_secondaries(const DaemonOptions& options);

// "198.18.0.0/15" or "198.18.0.0/15 key edge-key": the request must come
// from the prefix and, with a key, be signed with it.
struct TransferAcl {
  engine::AddressPrefix prefix;
  std::optional<zones::TsigKey> key;
};

// "127.0.0.1:53002" or "127.0.0.1:53002 key edge-key".
struct NotifyTarget {
  nic::ListenAddress address;
  std::optional<zones::TsigKey> key;
};

struct OutgoingSettings {
  std::vector<zones::TsigKey> keys;  // every [[key]]: a signed request names one
  std::vector<TransferAcl> allow;    // every zone
  std::vector<NotifyTarget> notify;
  std::map<std::string, std::vector<TransferAcl>> zone_allow;  // canonical origin → its own
  std::map<std::string, std::vector<NotifyTarget>> zone_notify;
  std::string state_dir;  // the IXFR journals (zones/ixfr_journal.hpp); empty: kept in memory only

  [[nodiscard]] bool any() const noexcept {
    return !allow.empty() || !notify.empty() || !zone_allow.empty() || !zone_notify.empty();
  }
};

[[nodiscard]] OutgoingSettings resolve_outgoing(const DaemonOptions& options);

}  // namespace canon::daemon
