#include "tools/canond/secondary_config.hpp"

#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>

#include "nic/peer_address.hpp"
#include "tools/canond/zone_set.hpp"
#include "zones/name.hpp"
#include "zones/zone_state_file.hpp"

namespace canon::daemon {

namespace {

[[noreturn]] void refuse(const std::string& where, const std::string& message) {
  throw std::runtime_error("config " + where + ": " + message);
}

zones::TsigKey resolve_key(const KeyOptions& k) {
  std::string secret = k.secret;
  if (!k.secret_file.empty()) {
    std::ifstream in(k.secret_file);
    if (!in) refuse(k.where, "[[key]] " + k.name + ": cannot read secret-file " + k.secret_file);
    secret.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  std::string error;
  auto key = zones::make_tsig_key(k.name, k.algorithm, secret, error);
  if (!key) refuse(k.where, "[[key]] " + k.name + ": " + error);
  return std::move(*key);
}

}  // namespace

std::vector<SecondaryZone> resolve_secondaries(const DaemonOptions& options) {
  std::map<std::string, zones::TsigKey> keys;
  for (const KeyOptions& k : options.keys) {
    if (!keys.emplace(k.name, resolve_key(k)).second) refuse(k.where, "[[key]] " + k.name + " is defined twice");
  }
  std::vector<SecondaryZone> out;
  std::map<std::string, bool> seen;
  for (const SecondaryOptions& s : options.secondaries) {
    SecondaryZone zone;
    std::string wire;
    if (!zones::text_to_wire(s.zone, wire)) refuse(s.where, "[[secondary]] zone '" + s.zone + "' is not a domain name");
    zone.origin = ZoneSet::canonical(s.zone);
    if (!seen.emplace(zone.origin, true).second) refuse(s.where, "[[secondary]] " + zone.origin + " is listed twice");
    zone.source = zones::ZoneSource{zone.origin, zones::zone_state_path(options.state_dir, zone.origin)};
    for (const std::string& text : s.primaries) {
      std::string error;
      auto address = nic::parse_listen_address(text, error);
      if (!address || address->is_wildcard()) {
        refuse(s.where, "[[secondary]] " + zone.origin + " primary '" + text + "': " +
                            (address ? "a primary needs its own address, not a wildcard" : error));
      }
      zone.primaries.push_back(std::move(*address));
    }
    if (!s.key.empty()) {
      auto it = keys.find(s.key);
      if (it == keys.end()) refuse(s.where, "[[secondary]] " + zone.origin + " names key '" + s.key + "', which no [[key]] defines");
      zone.key = it->second;
    }
    for (const std::string& text : s.notify_from) {
      std::string error;
      auto prefix = engine::parse_prefix(text, error);
      if (!prefix) refuse(s.where, "[[secondary]] " + zone.origin + " notify-from '" + text + "': " + error);
      zone.notify_from.push_back(*prefix);
    }
    if (s.notify_from.empty()) {  // default: the primaries, each as a host
      for (const nic::ListenAddress& primary : zone.primaries) {
        zone.notify_from.push_back(engine::AddressPrefix{nic::peer_address(primary.address), 128});
      }
    }
    out.push_back(std::move(zone));
  }
  return out;
}

}  // namespace canon::daemon
