// canond's own process figures from /proc, for `stats` (its "process"
// member) and so for the Prometheus process_* metrics:
//
//   {"cpu_seconds_total": 1.25, "resident_memory_bytes": N, "virtual_memory_bytes": N,
//    "open_fds": N, "max_fds": N, "start_time_seconds": 1767225600.5, "threads": N}
//
// Control plane: reads files and allocates. A figure that cannot be read
// (no /proc in a container, say) is left out rather than reported as 0.
#pragma once

#include <nlohmann/json.hpp>

namespace canon::daemon {

[[nodiscard]] nlohmann::json process_json();

}  // namespace canon::daemon
