#include "tools/canond/transfer_config.hpp"

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

std::map<std::string, zones::TsigKey> resolve_keys(const DaemonOptions& options) {
  std::map<std::string, zones::TsigKey> keys;
  for (const KeyOptions& k : options.keys) {
    if (!keys.emplace(k.name, resolve_key(k)).second) refuse(k.where, "[[key]] " + k.name + " is defined twice");
  }
  return keys;
}

// "WHAT" or "WHAT key NAME": the two words, the key looked up.
std::pair<std::string, std::optional<zones::TsigKey>> with_key(const std::string& text, const std::string& option,
                                                              const std::map<std::string, zones::TsigKey>& keys) {
  const std::size_t space = text.find(' ');
  if (space == std::string::npos) return {text, std::nullopt};
  const std::string rest = text.substr(space + 1);
  if (rest.rfind("key ", 0) != 0) {
    throw std::runtime_error(option + " '" + text + "': write ADDRESS or ADDRESS key NAME");
  }
  const std::string name = rest.substr(4);
  auto it = keys.find(name);
  if (it == keys.end()) throw std::runtime_error(option + " '" + text + "': no [[key]] is named " + name);
  return {text.substr(0, space), it->second};
}

std::vector<TransferAcl> acls(const std::vector<std::string>& texts, const std::map<std::string, zones::TsigKey>& keys) {
  std::vector<TransferAcl> out;
  for (const std::string& text : texts) {
    auto [what, key] = with_key(text, "allow-transfer", keys);
    std::string error;
    auto prefix = engine::parse_prefix(what, error);
    if (!prefix) throw std::runtime_error("allow-transfer '" + text + "': " + error);
    out.push_back(TransferAcl{*prefix, std::move(key)});
  }
  return out;
}

std::vector<NotifyTarget> targets(const std::vector<std::string>& texts, const std::map<std::string, zones::TsigKey>& keys) {
  std::vector<NotifyTarget> out;
  for (const std::string& text : texts) {
    auto [what, key] = with_key(text, "notify", keys);
    std::string error;
    auto address = nic::parse_listen_address(what, error);
    if (!address || address->is_wildcard()) {
      throw std::runtime_error("notify '" + text + "': " + (address ? "a target needs its own address" : error));
    }
    out.push_back(NotifyTarget{std::move(*address), std::move(key)});
  }
  return out;
}

}  // namespace

OutgoingSettings resolve_outgoing(const DaemonOptions& options) {
  const std::map<std::string, zones::TsigKey> keys = resolve_keys(options);
  OutgoingSettings out;
  for (const auto& [name, key] : keys) out.keys.push_back(key);
  out.allow = acls(options.allow_transfer, keys);
  out.notify = targets(options.notify, keys);
  out.state_dir = options.state_dir;
  for (const SecondaryOptions& s : options.secondaries) {
    const std::string origin = ZoneSet::canonical(s.zone);
    if (!s.allow_transfer.empty()) out.zone_allow[origin] = acls(s.allow_transfer, keys);
    if (!s.notify.empty()) out.zone_notify[origin] = targets(s.notify, keys);
  }
  return out;
}

std::vector<SecondaryZone> resolve_secondaries(const DaemonOptions& options) {
  const std::map<std::string, zones::TsigKey> keys = resolve_keys(options);
  std::vector<SecondaryZone> out;
  std::map<std::string, bool> seen;
  std::vector<std::pair<const SecondaryOptions*, bool>> listed;
  for (const SecondaryOptions& s : options.secondaries) listed.emplace_back(&s, false);
  for (const SecondaryOptions& s : options.catalogs) listed.emplace_back(&s, true);
  for (const auto& [entry, catalog] : listed) {
    const SecondaryOptions& s = *entry;
    SecondaryZone zone;
    zone.catalog = catalog;
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
