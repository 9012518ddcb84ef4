#include "options.hpp"

#include <cmath>
#include <cstdlib>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "commands.hpp"

namespace canon::ctl {

namespace {

// The value of "--name=VALUE" or "--name VALUE" (advancing i past it);
// nullopt when the command line ends first.
[[nodiscard]] std::optional<std::string> option_value(std::string_view arg, std::string_view name,
                                                      int argc, const char* const* argv, int& i) {
  if (arg.size() > name.size()) return std::string(arg.substr(name.size() + 1));
  if (i + 1 >= argc) return std::nullopt;
  return std::string(argv[++i]);
}

[[nodiscard]] bool is_option(std::string_view arg, std::string_view name) {
  return arg == name || (arg.size() > name.size() && arg.substr(0, name.size()) == name &&
                         arg[name.size()] == '=');
}

[[nodiscard]] bool parse_seconds(const std::string& text, std::chrono::milliseconds& out) {
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(seconds) || seconds <= 0 || seconds > 86400) {
    return false;
  }
  out = std::chrono::milliseconds(static_cast<long long>(std::ceil(seconds * 1000)));
  return true;
}

[[nodiscard]] bool parse_count(const std::string& text, long& out) {
  char* end = nullptr;
  const long n = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || n < 1) return false;
  out = n;
  return true;
}

}  // namespace

ParsedCommandLine parse_command_line(int argc, const char* const* argv, const char* env_socket) {
  ParsedCommandLine parsed;
  Invocation& inv = parsed.invocation;
  inv.socket_path = env_socket && *env_socket ? env_socket : kDefaultSocket;
  std::string& error = parsed.error;
  std::vector<std::string> words;
  std::vector<std::pair<std::string_view, std::string_view>> for_command;  // option, its command
  bool options_done = false;
  for (int i = 1; i < argc && error.empty(); ++i) {
    const std::string_view arg = argv[i];
    if (options_done || arg.empty() || arg[0] != '-' || arg == "-") {
      words.emplace_back(arg);
    } else if (arg == "--") {
      options_done = true;
    } else if (arg == "-h" || arg == "--help") {
      inv.help = true;
    } else if (arg == "--json") {
      inv.json = true;
    } else if (is_option(arg, "--socket")) {
      const auto value = option_value(arg, "--socket", argc, argv, i);
      if (!value || value->empty())
        error = "--socket needs a path";
      else
        inv.socket_path = *value;
    } else if (is_option(arg, "--timeout")) {
      const auto value = option_value(arg, "--timeout", argc, argv, i);
      if (!value || !parse_seconds(*value, inv.timeout)) {
        error = "--timeout takes seconds (a number above 0)";
      }
    } else if (arg == "--prometheus") {
      inv.prometheus = true;
      for_command.emplace_back("--prometheus", "stats");
    } else if (is_option(arg, "--interval")) {
      const auto value = option_value(arg, "--interval", argc, argv, i);
      if (!value || !parse_seconds(*value, inv.interval))
        error = "--interval takes seconds (a number above 0)";
      for_command.emplace_back("--interval", "top");
    } else if (is_option(arg, "--count")) {
      const auto value = option_value(arg, "--count", argc, argv, i);
      if (!value || !parse_count(*value, inv.count))
        error = "--count takes a number of frames (1 or more)";
      for_command.emplace_back("--count", "top");
    } else {
      error = "unknown option " + std::string(arg);
    }
  }
  if (!error.empty() || inv.help) return parsed;
  if (words.empty()) {
    error = "no command given";
    return parsed;
  }
  inv.command = words.front();
  inv.args.assign(words.begin() + 1, words.end());
  for (const auto& [option, command] : for_command) {
    if (inv.command != command) {
      error = std::string(option) + " goes with " + std::string(command) + ", not " + inv.command;
      return parsed;
    }
  }
  if (const CommandSpec* spec = find_command(inv.command)) {
    error = check_args(*spec, inv.args);
    if (spec->origin_file_args) {
      for (std::string& arg : inv.args) arg = absolute_origin_file(arg);
    }
  }
  return parsed;
}

std::string usage_line() {
  return "usage: canonctl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]\n";
}

std::string help_text() {
  std::string text = usage_line();
  text += "Talks to canond over its admin socket: --socket, else $CANONCTL_SOCKET, else\n";
  text += std::string(kDefaultSocket) + ".\n\ncommands:\n";
  for (const CommandSpec& spec : command_specs()) {
    std::string head = "  " + std::string(spec.name);
    if (!spec.args.empty()) head += " " + std::string(spec.args);
    // Help in one column; a long synopsis gets its own line.
    constexpr std::size_t kColumn = 28;
    if (head.size() < kColumn)
      head.resize(kColumn, ' ');
    else
      head += "\n" + std::string(kColumn, ' ');
    text += head + std::string(spec.help) + "\n";
  }
  text +=
      "\noptions:\n"
      "  --socket PATH             canond's admin socket\n"
      "  --json                    print canond's response line as it is\n"
      "  --timeout SECONDS         how long to wait for the answer (default 60)\n"
      "  --prometheus              stats: the Prometheus text exposition, as --metrics serves it\n"
      "  --interval SECONDS        top: time between frames (default 1)\n"
      "  --count N                 top: stop after N frames (default: until q or Ctrl-C)\n"
      "  -h, --help                this text\n"
      "\nexit status: 0 done, 1 canond refused or failed the command, 2 usage error,\n"
      "3 canond not reachable (not running, permission denied, broken reply)\n";
  return text;
}

}  // namespace canon::ctl
