// One frame of `canonctl top`: what changed between two `stats` samples,
// per second. A pure function of its inputs so that it is tested without a
// daemon or a terminal (top.cpp samples, waits and prints).
//
//   canond 0.1.0, socket backend, generation 3, 2 zones, up 4m 03s; rates over 2.0 s
//
//   queries/s:     500.0
//   answered/s:    490.0
//   dropped/s:     10.0
//   truncated/s:   0.0
//   rrl limited/s: 0.0
//
//   rcodes/s: NOERROR 400.0, NXDOMAIN 80.0, REFUSED 10.0, SERVFAIL 0.0, FORMERR 0.0
//   qtypes/s: A 300.0, AAAA 150.0, MX 40.0
//
//   policy rules, busiest first:
//     rule        action  matches/s  total
//     block-evil  drop         10.0    117
//
//   workers:
//     worker  cpu  queries/s
//          0    1      250.0
//
// A counter lower in `after` than in `before` was reset (canond restarted,
// a policy reloaded): its rate counts from zero, as Prometheus' rate() does.
#pragma once

#include <string>

#include "format_text.hpp"

namespace canon::ctl {

inline constexpr std::size_t kTopQtypes = 6;
inline constexpr std::size_t kTopRules = 10;

[[nodiscard]] std::string top_frame(const Json& before, const Json& after, double elapsed_seconds);

}  // namespace canon::ctl
