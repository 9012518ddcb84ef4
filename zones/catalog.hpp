// Catalog zones (RFC 9432, schema version 2): the member zones a catalog
// lists, so a fleet's secondaries add and drop zones as the primary's
// catalog changes.
//
//   version.CATALOG           TXT "2"                 required
//   ID.zones.CATALOG          PTR member.example.     one per member (ID: any one label)
//   group.ID.zones.CATALOG    TXT ...                 a property: read past, not honoured
//   coo.ID.zones.CATALOG      PTR ...                 likewise (change of ownership)
#pragma once

#include <string>
#include <vector>

#include "zones/compiler.hpp"

namespace canon::zones {

struct CatalogMembers {
  std::vector<std::string> zones;  // absolute, lower-cased, in the catalog's record order
  std::string error;               // not a version 2 catalog: why (then `zones` is empty)
};

[[nodiscard]] CatalogMembers catalog_members(const LoadedZone& catalog);

}  // namespace canon::zones
