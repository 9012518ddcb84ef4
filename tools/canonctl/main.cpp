// canonctl: the admin client of canond. Sends one command over the admin
// socket and prints the answer for a person (or verbatim with --json); `top`
// sends `stats` again and again and prints rates (top.hpp).
// Exit status: 0 done; 1 canond refused or failed the command; 2 usage
// error; 3 canond not reachable (not running, permission denied, a broken
// reply). See tools/canond/ADMIN-PROTOCOL.md.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "client.hpp"
#include "format.hpp"
#include "options.hpp"
#include "top.hpp"

namespace {

constexpr int kUsageError = 2;
constexpr int kUnreachable = 3;

// A reply canonctl can act on: a JSON object with a boolean "ok".
[[nodiscard]] bool is_response(const canon::ctl::Json& reply) {
  return reply.is_object() && reply.contains("ok") && reply["ok"].is_boolean();
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canon::ctl;
  const ParsedCommandLine parsed = parse_command_line(argc, argv, std::getenv("CANONCTL_SOCKET"));
  const Invocation& inv = parsed.invocation;
  if (!parsed.error.empty()) {
    std::fprintf(stderr, "canonctl: %s\n%s(canonctl --help lists the commands)\n",
                 parsed.error.c_str(), usage_line().c_str());
    return kUsageError;
  }
  if (inv.help) {
    std::fputs(help_text().c_str(), stdout);
    return 0;
  }

  if (inv.command == "top") return run_top(inv);

  // `stats --prometheus` is canond's `metrics` command.
  const std::string command = inv.prometheus ? "metrics" : inv.command;
  const Reply reply = exchange(inv.socket_path, request_line(command, inv.args), inv.timeout);
  if (!reply.error.empty()) {
    std::fprintf(stderr, "canonctl: %s\n", reply.error.c_str());
    return kUnreachable;
  }
  const Json response = Json::parse(reply.line, nullptr, false);
  if (response.is_discarded() || !is_response(response)) {
    std::fprintf(stderr, "canonctl: canond's answer is not a response canonctl understands: %s\n",
                 reply.line.substr(0, 200).c_str());
    return kUnreachable;
  }
  if (inv.json) {
    std::fputs((reply.line + "\n").c_str(), stdout);
    return exit_code_of(response);
  }
  const Rendered rendered = render(command, response);
  std::fputs(rendered.out.c_str(), stdout);
  std::fputs(rendered.err.c_str(), stderr);
  return rendered.exit_code;
}
