// The `stats` admin response (tools/canond/ADMIN-PROTOCOL.md) as Prometheus
// text exposition format 0.0.4, for `--metrics` scrapes and `canonctl stats
// --prometheus`.
//
// One family per metric name, announced by `# HELP` and `# TYPE` and
// followed by all its samples (the format wants a family's samples together,
// so per-port and per-queue metrics are written family by family, not port by
// port). Counters end in _total; the alias-chain histogram is cumulative:
//
//   chain_links = [5, 2, 0, 1, 0...]  →  canon_chain_links_bucket{le="0"} 5
//                                         canon_chain_links_bucket{le="1"} 7
//                                         canon_chain_links_bucket{le="2"} 7
//                                         canon_chain_links_bucket{le="3"} 8 ... {le="+Inf"} 8
//                                         canon_chain_links_sum 5   (0·5 + 1·2 + 3·1)
//                                         canon_chain_links_count 8
//
// A section the daemon did not send (policy, rrl, ports, zones, dnstap, process)
// gives no lines, except canon_rrl_limited_total and canon_policy_rules,
// which are always there (0) so that dashboards and alerts need no `or`.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace canon::daemon {

[[nodiscard]] std::string prometheus_text(const nlohmann::json& stats);

}  // namespace canon::daemon
