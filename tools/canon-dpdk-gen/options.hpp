// canon-dpdk-gen's command line (no DPDK here: parsed before EAL starts).
//
//   canon-dpdk-gen --eal "EAL ARGS" --queries FILE [--src IP] [--dst IP]
//                  [--dst-port N] [--dst-mac MAC] [--duration S] [--count N]
//                  [--rate PPS] [--burst N] [--drain MS] [--echo] [--clean-exit]
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "wire.hpp"

namespace canon::gen {

inline constexpr double kDefaultDuration = 5;
// With --count and no --duration: a bound on the run all the same.
inline constexpr double kCountOnlyDurationLimit = 300;
inline constexpr std::uint32_t kMaxBurst = 512;

struct Options {
  std::vector<std::string> eal_args;  // split on whitespace
  std::string queries_path;
  Ipv4 src{0xc6120001};  // 198.18.0.1
  Ipv4 dst{0xc6120002};  // 198.18.0.2
  std::uint16_t dst_port = 53;
  std::optional<MacAddress> dst_mac;   // unset: ARP
  double duration = kDefaultDuration;  // seconds of sending
  std::uint64_t count = 0;             // 0: no limit
  std::uint64_t rate = 0;              // packets per second, 0: as fast as the port takes
  std::uint32_t burst = 32;
  double drain_ms = 200;
  bool echo = false;
  bool clean_exit = false;  // stop and close the port, clean up EAL (memif may crash)
  bool help = false;
};

struct ParsedOptions {
  Options options;
  std::string error;  // non-empty: a usage error, exit 2
};

[[nodiscard]] ParsedOptions parse_options(int argc, const char* const* argv);
[[nodiscard]] std::string help_text();

}  // namespace canon::gen
