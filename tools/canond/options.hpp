// canond's settings: built-in defaults, then the TOML file (--config), then
// the command line. A list given on the command line (--zone, --listen,
// --address) replaces the file's list instead of adding to it.
//
// The TOML file uses the long option names as keys:
//
//   zone = ["example.com=/etc/canon/example.com.zone"]
//   listen = ["127.0.0.1:53", "[::1]:53"]
//   workers = 2
//   cpus = "1-2"
//   admin-socket = "/run/canond/admin.sock"
//   log-level = "info"
//   # the DPDK backend
//   backend = "dpdk"           eal = "-l 0-2 -a 0000:3b:00.0"
//   address = ["198.18.0.2/24", "2001:db8::2/64"]
//   dns-port = 53              exception-iface = "canon0"
//   # answers and TCP (file only)
//   nsid = "edge-7"            identity = "edge-7"     version = "canon"
//   chaos = true               max-udp-payload = 1232
//   tcp-idle-timeout = 10      tcp-max-connections = 256
//   # what one zone may hold (file only; zones/limits.hpp)
//   max-zone-records = 50000000  max-rrset-records = 4096
//   # RRSIGs expiring within this many days are warned of (zones/check_dnssec.cpp)
//   signature-warn-days = 7
//   # relative $INCLUDE paths from this folder, not the including file's (file only)
//   include-base = "/etc/bind"
//   # secondary zones (file only; tools/canond/secondaries.hpp)
//   state-dir = "/var/lib/canon"
//   [[key]]        name = "edge-key"  algorithm = "hmac-sha256"  secret = "BASE64"  # or secret-file
//   [[secondary]]  zone = "example.com"  primaries = ["127.0.0.1:53001"]  key = "edge-key"
//                  notify-from = ["127.0.0.0/8"]
//   [[catalog]]    zone = "catalog.example"  primaries = [...]  key = "edge-key"  (RFC 9432)
//   # outgoing transfers (file only; tools/canond/outgoing.hpp); also per [[secondary]]
//   allow-transfer = ["127.0.0.1/32", "198.18.0.0/15 key edge-key"]
//   notify = ["127.0.0.1:53002"]
//   # running as a service (privileges.hpp, log.hpp)
//   user = "canon"             group = "canon"       log-target = "journal"
//   # query logs (file only; tools/canond/dnstap_writer.hpp)
//   dnstap = { file = "/var/log/canon/dnstap.fstrm", sample = 100, messages = ["auth-query"] }
//   dnstap = { socket = "/run/canond/dnstap.sock" }
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/config.hpp"
#include "zones/limits.hpp"

namespace canon::daemon {

// A TSIG key as the config names it ([[key]]).
struct KeyOptions {
  std::string name;
  std::string algorithm = "hmac-sha256";
  std::string secret;       // base64
  std::string secret_file;  // or the base64 secret in this file
  std::string where;        // "canond.toml:12", for messages

  bool operator==(const KeyOptions&) const = default;
};

// A zone canond takes from primaries ([[secondary]]).
struct SecondaryOptions {
  std::string zone;
  std::vector<std::string> primaries;    // ADDR:PORT, tried in order
  std::string key;                       // a [[key]] name; empty: no TSIG
  std::vector<std::string> notify_from;  // prefixes; empty: the primaries' addresses
  std::vector<std::string> allow_transfer;  // adds to the global list for this zone
  std::vector<std::string> notify;          // adds to the global list for this zone
  std::string where;

  bool operator==(const SecondaryOptions&) const = default;
};

// Query logs in dnstap format (the `dnstap` table): one of file and socket;
// one query in `sample`; which messages ("auth-query", "auth-response").
struct DnstapOptions {
  std::string file;    // written anew at each start
  std::string socket;  // a Frame Streams listener's unix socket (fstrm_capture, a collector)
  unsigned sample = 1;
  std::vector<std::string> messages = {"auth-query", "auth-response"};
  std::string where;  // "canond.toml:12", for messages

  [[nodiscard]] bool enabled() const { return !file.empty() || !socket.empty(); }
  bool operator==(const DnstapOptions& o) const {
    return file == o.file && socket == o.socket && sample == o.sample && messages == o.messages;
  }
};

struct DaemonOptions {
  std::string config_file;
  std::vector<std::string> zones = {};  // ORIGIN=FILE
  std::vector<std::string> listen = {"127.0.0.1:5353"};
  unsigned workers = 1;
  std::string cpus;  // empty: workers are not pinned
  std::string backend = "socket";
  std::string admin_socket = "/run/canond/admin.sock";
  std::string policy;
  std::string metrics;
  std::string eal;
  std::vector<std::string> addresses;  // DPDK: served addresses, IP[/PREFIX]
  unsigned dns_port = 53;              // DPDK: the UDP (and TCP) port answered
  std::string exception_interface = "canon0";  // DPDK: kernel TAP name, "none": no exception path
  std::string log_level = "info";
  std::string log_target;  // stderr | journal | syslog; empty: journal under systemd, else stderr
  std::string user;        // after the sockets are open, run as this user (and no capability)
  std::string group;       // empty: the user's primary group
  bool check_config = false;

  engine::EngineConfig engine;
  unsigned tcp_idle_timeout_seconds = 10;
  unsigned tcp_max_connections = 256;
  zones::ZoneLimits zone_limits;
  std::string include_base;  // zones::ZoneSource::include_base of every zone

  std::string state_dir = "/var/lib/canon";  // received zones (secondaries)
  std::vector<KeyOptions> keys;
  std::vector<SecondaryOptions> secondaries;
  std::vector<SecondaryOptions> catalogs;  // [[catalog]]: its members become secondaries
  // Outgoing transfers: who may ask AXFR/IXFR ("PREFIX" or "PREFIX key NAME"),
  // and who is told of each new version ("ADDR:PORT" or "ADDR:PORT key NAME").
  std::vector<std::string> allow_transfer;
  std::vector<std::string> notify;
  DnstapOptions dnstap;  // off unless it names a file or a socket
};

// What the command line asked for besides running.
enum class OptionsOutcome { kRun, kHelp, kVersion };

struct ParsedOptions {
  OptionsOutcome outcome = OptionsOutcome::kRun;
  DaemonOptions options;
};

// Parses argv (and the file it names). Throws std::runtime_error with a
// message a person can act on ("config canond.toml:4: unknown key 'listne'").
[[nodiscard]] ParsedOptions parse_options(int argc, char** argv);

// Reads a TOML config file over `options`.
void apply_config_file(const std::string& path, DaemonOptions& options);

[[nodiscard]] const char* usage_text();

}  // namespace canon::daemon
