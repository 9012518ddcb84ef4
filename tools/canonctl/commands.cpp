#include "commands.hpp"

#include <array>
#include <filesystem>
#include <system_error>

namespace canon::ctl {

namespace {

constexpr std::array kCommands = {
    CommandSpec{"status", "", "version, uptime, workers, listen, zones and serials"},
    CommandSpec{"stats", "[--prometheus]", "counters: rcodes, qtypes, alias chains, UDP, TCP"},
    CommandSpec{"top", "[--interval SECONDS] [--count N]",
                "live view: queries, rcodes, qtypes, policy rules, workers per second"},
    CommandSpec{"metrics", "", "the Prometheus text exposition (as stats --prometheus)"},
    CommandSpec{"zone-list", "", "zones served: origin, serial, records, state, file, last error"},
    CommandSpec{"zone-status", "[ORIGIN]",
                "one zone's state: serial, loaded at, stale, last error, load failures", 0, 1},
    CommandSpec{"zone-load", "ORIGIN=FILE [ORIGIN=FILE ...]",
                "add or replace zones, recompile and publish", 1, -1, true},
    CommandSpec{"zone-reload", "[ORIGIN]", "re-read every zone's file (or one's), publish", 0, 1},
    CommandSpec{"zone-drop", "ORIGIN", "stop serving a zone and publish", 1, 1},
    CommandSpec{"zone-check", "ORIGIN=FILE", "dry run: check a zone against the served set", 1, 1,
                true},
    CommandSpec{"policy-reload", "", "re-read canond's --policy file"},
    CommandSpec{"reload", "", "read the config file again (zones, log level, policy) and every zone (as SIGHUP)"},
    CommandSpec{"stop", "", "drain and stop canond"},
};

}  // namespace

std::span<const CommandSpec> command_specs() {
  return kCommands;
}

const CommandSpec* find_command(std::string_view name) {
  for (const CommandSpec& spec : kCommands) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

std::string check_args(const CommandSpec& spec, const std::vector<std::string>& args) {
  const std::string name(spec.name);
  const auto count = static_cast<int>(args.size());
  if (count < spec.min_args) return name + " needs " + std::string(spec.args);
  if (spec.max_args >= 0 && count > spec.max_args) {
    return spec.max_args == 0 ? name + " takes no arguments"
                              : name + " takes " + std::string(spec.args);
  }
  if (spec.origin_file_args) {
    for (const std::string& arg : args) {
      const auto eq = arg.find('=');
      if (eq == std::string::npos || eq == 0 || eq + 1 == arg.size()) {
        return "'" + arg + "' is not ORIGIN=FILE (e.g. example.com=/etc/canon/example.com.zone)";
      }
    }
  }
  return {};
}

std::string absolute_origin_file(const std::string& arg) {
  const auto eq = arg.find('=');
  const std::filesystem::path file = arg.substr(eq + 1);
  if (file.is_absolute()) return arg;
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(file, ec);
  if (ec) return arg;  // no working directory: let canond say what it cannot open
  return arg.substr(0, eq + 1) + absolute.lexically_normal().string();
}

}  // namespace canon::ctl
