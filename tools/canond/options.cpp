#include "tools/canond/options.hpp"

#include <charconv>
#include <map>
#include <stdexcept>
#include <string_view>

namespace canon::daemon {

namespace {

unsigned parse_unsigned(std::string_view name, std::string_view text) {
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc{} || end != text.data() + text.size()) {
    throw std::runtime_error("--" + std::string(name) + " wants a number, not '" + std::string(text) + "'");
  }
  return value;
}

// The command line as name → values, in order, so that it can be applied
// after the config file is read.
using CommandLine = std::vector<std::pair<std::string, std::string>>;

bool takes_value(std::string_view name) {
  static const char* const kWithValue[] = {"config", "zone",    "listen",  "workers", "cpus",
                                           "backend", "admin-socket", "policy", "metrics", "eal",
                                           "address", "log-level", "dns-port", "exception-iface",
                                           "log-target", "user",   "group"};
  for (const char* n : kWithValue) {
    if (name == n) return true;
  }
  return false;
}

}  // namespace

const char* usage_text() {
  return "usage: canond [--config FILE] [--zone ORIGIN=FILE]... [--listen ADDR:PORT]...\n"
         "              [--workers N] [--cpus LIST] [--backend socket|dpdk]\n"
         "              [--admin-socket PATH] [--policy FILE] [--metrics ADDR:PORT]\n"
         "              [--eal \"EAL ARGS\"] [--address IP[/PREFIX]]... [--dns-port N]\n"
         "              [--exception-iface NAME|none] [--log-level LEVEL]\n"
         "              [--log-target stderr|journal|syslog] [--user NAME] [--group NAME]\n"
         "              [--check-config] [--help] [--version]\n"
         "\n"
         "Serves the zones over UDP and TCP on every --listen address (default\n"
         "127.0.0.1:5353) and takes commands on the admin socket (default\n"
         "/run/canond/admin.sock; see canonctl --help). Log levels: error, warning,\n"
         "info, debug. --check-config loads the config and compiles the zones, prints\n"
         "what is wrong and exits 0 or 1 without serving.\n"
         "\n"
         "--user NAME (config: user = \"canon\"): started as root, canond opens its\n"
         "sockets, the admin socket (mode 0660, group --group or the user's group, so\n"
         "canonctl works for that group) and the metrics port, then runs as NAME with\n"
         "no capability left. Logs go to stderr; under systemd (JOURNAL_STREAM) or\n"
         "with --log-target journal each line starts with its syslog priority (<3>\n"
         "error .. <7> debug); --log-target syslog sends them to syslog(3). A line\n"
         "repeated more than 10 times in a second is counted, not repeated. Under\n"
         "systemd (NOTIFY_SOCKET) canond reports READY=1, RELOADING=1, STOPPING=1 and\n"
         "WATCHDOG=1 (Type=notify).\n"
         "\n"
         "--backend dpdk answers from poll-mode workers on DPDK ports instead: every\n"
         "port the EAL finds (--eal \"--vdev net_af_packet0,iface=eth1\", or NICs bound\n"
         "to vfio-pci) answers DNS on UDP --dns-port (53) of each --address, ARP, NDP\n"
         "and ping; all other traffic goes through a kernel TAP (--exception-iface,\n"
         "default canon0; it gets the --addresses with their prefixes), and TCP DNS\n"
         "reaches canond through it. Worker lcores come from --cpus unless --eal\n"
         "names them (-l/--lcores).\n"
         "\n"
         "--policy FILE filters query names with Hyperscan rules and sets response\n"
         "rate limiting (TOML; see tools/canond/policy_file.hpp; canonctl\n"
         "policy-reload re-reads it). --metrics ADDR:PORT serves Prometheus text at\n"
         "http://ADDR:PORT/metrics (also: canonctl stats --prometheus).\n"
         "\n"
         "Query logs (config file only): dnstap = { file = \"/var/log/canon/dnstap.fstrm\" }\n"
         "or { socket = \"/run/canond/dnstap.sock\" } (a Frame Streams listener), with\n"
         "sample = N (log 1 query in N, default 1) and messages = [\"auth-query\",\n"
         "\"auth-response\"] (the default). Workers copy the sampled queries and answers\n"
         "into rings of their own; a writer thread encodes them (dnstap protobuf) and\n"
         "writes Frame Streams. A full ring drops the sample and counts it\n"
         "(canon_dnstap_dropped_total). Read the file with dnstap-read or kdig -G.\n";
}

ParsedOptions parse_options(int argc, char** argv) {
  ParsedOptions parsed;
  CommandLine given;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      parsed.outcome = OptionsOutcome::kHelp;
      return parsed;
    }
    if (arg == "--version") {
      parsed.outcome = OptionsOutcome::kVersion;
      return parsed;
    }
    if (arg == "--check-config") {
      given.emplace_back("check-config", "");
      continue;
    }
    if (arg.substr(0, 2) != "--") throw std::runtime_error("unexpected argument '" + std::string(arg) + "'");
    std::string name(arg.substr(2));
    std::string value;
    if (const auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (takes_value(name)) {
      if (i + 1 >= argc) throw std::runtime_error("--" + name + " needs a value");
      value = argv[++i];
    }
    if (!takes_value(name)) throw std::runtime_error("unknown option --" + name);
    given.emplace_back(name, value);
  }

  DaemonOptions& o = parsed.options;
  for (const auto& [name, value] : given) {
    if (name == "config") o.config_file = value;
  }
  if (!o.config_file.empty()) apply_config_file(o.config_file, o);

  std::map<std::string, bool> list_replaced;
  auto add_to = [&](std::vector<std::string>& list, const std::string& name, const std::string& value) {
    if (!list_replaced[name]) list.clear();
    list_replaced[name] = true;
    list.push_back(value);
  };
  for (const auto& [name, value] : given) {
    if (name == "zone") add_to(o.zones, name, value);
    else if (name == "listen") add_to(o.listen, name, value);
    else if (name == "address") add_to(o.addresses, name, value);
    else if (name == "workers") o.workers = parse_unsigned(name, value);
    else if (name == "cpus") o.cpus = value;
    else if (name == "backend") o.backend = value;
    else if (name == "admin-socket") o.admin_socket = value;
    else if (name == "policy") o.policy = value;
    else if (name == "metrics") o.metrics = value;
    else if (name == "eal") o.eal = value;
    else if (name == "log-level") o.log_level = value;
    else if (name == "dns-port") o.dns_port = parse_unsigned(name, value);
    else if (name == "exception-iface") o.exception_interface = value;
    else if (name == "log-target") o.log_target = value;
    else if (name == "user") o.user = value;
    else if (name == "group") o.group = value;
    else if (name == "check-config") o.check_config = true;
  }
  return parsed;
}

}  // namespace canon::daemon
