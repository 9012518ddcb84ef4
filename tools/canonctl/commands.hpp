// The commands canonctl knows (tools/canond/ADMIN-PROTOCOL.md): their
// arguments, one help line each, and the checks canonctl makes before it
// bothers the daemon. A name not in this table is still sent to canond, which
// answers with the list it accepts: a newer daemon may know more commands.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace canon::ctl {

struct CommandSpec {
  std::string_view name;
  std::string_view args;  // for usage lines, e.g. "ORIGIN=FILE [ORIGIN=FILE ...]"
  std::string_view help;
  int min_args = 0;
  int max_args = 0;               // -1: no limit
  bool origin_file_args = false;  // every argument is ORIGIN=FILE
};

[[nodiscard]] std::span<const CommandSpec> command_specs();
[[nodiscard]] const CommandSpec* find_command(std::string_view name);

// Checks the arguments of a known command; an empty string when they fit,
// otherwise a sentence saying what is missing or extra.
[[nodiscard]] std::string check_args(const CommandSpec& spec, const std::vector<std::string>& args);

// canond's working directory is not the caller's, so a relative FILE in
// ORIGIN=FILE is made absolute here, against the directory canonctl runs in.
[[nodiscard]] std::string absolute_origin_file(const std::string& arg);

}  // namespace canon::ctl
