// DaemonOptions checked and turned into what the parts take: parsed
// addresses, CPU numbers, zone sources, the log level. Every problem is a
// std::runtime_error naming the option and what would be right.
#pragma once

#include <vector>

#include "nic/dpdk_backend.hpp"
#include "nic/socket_backend.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/options.hpp"
#include "tools/canond/privileges.hpp"
#include "zones/zone_source.hpp"

namespace canon::daemon {

struct Settings {
  std::vector<zones::ZoneSource> zones;
  bool dpdk = false;                 // which backend serves
  nic::SocketBackendConfig backend;  // --backend socket
  nic::DpdkBackendConfig dpdk_backend;
  LogLevel log_level = LogLevel::kInfo;
  LogTarget log_target = LogTarget::kStderr;
  std::optional<RunAs> run_as;  // user = "...": drop to it once the sockets are open
};

[[nodiscard]] Settings make_settings(const DaemonOptions& options);

}  // namespace canon::daemon
