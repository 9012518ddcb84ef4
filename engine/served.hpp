// What a worker answers from: the table of compiled zone units and the
// compiled policy, published together as one pointer (zones/publication.hpp),
// so a zone change or a policy reload is one atomic swap and one grace
// period, and a burst never sees zones from one generation with a policy of
// another. A new table shares every unit it did not replace.
#pragma once

#include <memory>

#include "engine/config.hpp"
#include "engine/policy.hpp"
#include "zones/publication.hpp"
#include "zones/zone_table.hpp"

namespace canon::engine {

struct Served {
  std::shared_ptr<const zones::ZoneTable> zones;    // never null
  std::shared_ptr<const Policy> policy;             // null: no policy file
  // What answers say about the server (NSID, CHAOS identity and version, the
  // UDP payload limit), reloaded with the config; null: each Engine's own.
  std::shared_ptr<const EngineConfig> answers;
};

using ServedPublisher = zones::Publisher<Served>;
using ServedReader = zones::Reader<Served>;

}  // namespace canon::engine
