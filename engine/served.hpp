// What a worker answers from: the compiled zones and the compiled policy,
// published together as one pointer (zones/publication.hpp), so a zone
// change or a policy reload is one atomic swap and one grace period, and a
// burst never sees a snapshot from one generation with a policy of another.
#pragma once

#include <memory>

#include "engine/policy.hpp"
#include "zones/publication.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

struct Served {
  std::shared_ptr<const zones::Snapshot> snapshot;  // never null
  std::shared_ptr<const Policy> policy;             // null: no policy file
};

using ServedPublisher = zones::Publisher<Served>;
using ServedReader = zones::Reader<Served>;

}  // namespace canon::engine
