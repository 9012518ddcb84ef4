#include "zones/catalog.hpp"

#include <algorithm>
#include <set>

#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

// `key` minus `suffix` when it lies below it: its own labels, as a key.
bool below(std::span<const std::uint8_t> key, std::span<const std::uint8_t> suffix,
           std::span<const std::uint8_t>& rest) {
  if (key.size() <= suffix.size() || !std::equal(suffix.begin(), suffix.end(), key.begin())) return false;
  rest = key.subspan(suffix.size());
  return true;
}

}  // namespace

CatalogMembers catalog_members(const LoadedZone& catalog) {
  CatalogMembers out;
  LookupKey origin;
  if (!text_to_key(catalog.source.origin, origin)) {
    out.error = "the catalog's origin is not a name";
    return out;
  }
  // version.CATALOG and zones.CATALOG as keys: the origin's key, then the label.
  auto child = [&origin](std::string_view label) {
    std::vector<std::uint8_t> key(origin.view().begin(), origin.view().end());
    key.push_back(static_cast<std::uint8_t>(label.size()));
    key.insert(key.end(), label.begin(), label.end());
    return key;
  };
  const std::vector<std::uint8_t> version_key = child("version");
  const std::vector<std::uint8_t> zones_key = child("zones");
  bool version_2 = false;
  std::set<std::string> seen;
  const RecordStore& store = catalog.store;
  for (const Record& r : store.records) {
    const auto key = store.key(r);
    if (r.type == rr::TXT && std::equal(key.begin(), key.end(), version_key.begin(), version_key.end())) {
      const auto rdata = store.rdata(r);
      version_2 = rdata.size() == 2 && rdata[0] == 1 && rdata[1] == '2';
      continue;
    }
    std::span<const std::uint8_t> rest;
    if (r.type != rr::PTR || !below(key, zones_key, rest)) continue;
    if (rest.empty() || rest[0] + 1u != rest.size()) continue;  // ID.zones only: properties lie deeper
    const auto rdata = store.rdata(r);
    if (wire_name_length(rdata) != rdata.size()) continue;
    LookupKey member;
    make_key(rdata.data(), member);
    std::string name = key_to_text(member.view());
    if (seen.insert(name).second) out.zones.push_back(std::move(name));
  }
  if (!version_2) {
    out.zones.clear();
    out.error = "version." + catalog.source.origin + " TXT is not \"2\" (RFC 9432 schema version 2)";
  }
  return out;
}

}  // namespace canon::zones
