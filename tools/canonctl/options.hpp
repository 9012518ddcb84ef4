// canonctl's command line:
//   canonctl [--socket PATH] [--json] [--timeout SECONDS] COMMAND [ARGS]
// Options may stand before or after the command; `--` ends them. A few
// belong to one command: stats --prometheus, top --interval/--count. The socket
// comes from --socket, else $CANONCTL_SOCKET, else /run/canond/admin.sock.
#pragma once

#include <chrono>
#include <string>
#include <vector>

namespace canon::ctl {

inline constexpr const char* kDefaultSocket = "/run/canond/admin.sock";
// Loading or checking a big zone takes canond seconds before it answers.
inline constexpr std::chrono::milliseconds kDefaultTimeout{60'000};

struct Invocation {
  std::string socket_path;
  bool json = false;
  bool help = false;
  std::chrono::milliseconds timeout = kDefaultTimeout;
  std::string command;
  std::vector<std::string> args;
  // stats --prometheus: ask for `metrics` and print its text as it is.
  bool prometheus = false;
  // top: seconds between frames, and how many frames (0: until q or SIGINT).
  std::chrono::milliseconds interval{1000};
  long count = 0;
};

struct ParsedCommandLine {
  Invocation invocation;
  std::string error;  // non-empty: a usage error, say it and exit 2
};

// env_socket is $CANONCTL_SOCKET (nullptr when unset).
[[nodiscard]] ParsedCommandLine parse_command_line(int argc, const char* const* argv,
                                                   const char* env_socket);

[[nodiscard]] std::string usage_line();
[[nodiscard]] std::string help_text();

}  // namespace canon::ctl
