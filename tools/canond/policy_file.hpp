// The policy file (TOML), read on the control thread at start-up and on
// `policy-reload`:
//
//   [[rule]]                                  # in order; the first match wins
//   name     = "parked"                       # unique; the metrics' rule label
//   match    = '^[a-z0-9-]+\.parked\.example$'  # Hyperscan regex over the
//                                             # lower-cased name, no final dot
//   action   = "answer"   # drop | refuse | nxdomain | nodata | truncate | answer
//   qtypes   = ["A", "AAAA"]                  # optional: only these QTYPEs
//   prefixes = ["198.18.0.0/15"]              # optional: only these sources
//   records  = ["A 198.18.0.10"]              # answer: local data (owner: the question)
//   ttl      = 60                             # answer: the records' TTL
//
//   [rrl]                                     # response rate limiting
//   rate        = 100     # responses/s per source prefix and response class
//   slip        = 2       # every 2nd limited answer goes out truncated (0: never)
//   ipv4-prefix = 24      ipv6-prefix = 56
//   exempt      = ["127.0.0.0/8"]
//
// Every problem is a std::runtime_error "policy FILE:LINE: ..." naming the
// rule; compiling (regexes) is engine::Policy::compile's.
#pragma once

#include <memory>
#include <string>

#include "engine/policy.hpp"

namespace canon::daemon {

[[nodiscard]] engine::PolicySpec read_policy_file(const std::string& path);
// The same from text (`path` only names it in messages); for tests and fuzzing.
[[nodiscard]] engine::PolicySpec parse_policy(const std::string& text, const std::string& path);

// Reads and compiles the file for `slots` readers, `workers` of them UDP
// workers (engine::Policy::compile); throws with the message to show.
[[nodiscard]] std::shared_ptr<const engine::Policy> load_policy(const std::string& path, unsigned slots,
                                                                unsigned workers);

}  // namespace canon::daemon
