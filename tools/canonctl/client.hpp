// One request, one answer over canond's admin socket (JSON lines over a UNIX
// stream socket, tools/canond/ADMIN-PROTOCOL.md).
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace canon::ctl {

struct Reply {
  std::string line;   // canond's response line, without the newline
  std::string error;  // non-empty: canond was not reachable or broke off (exit 3)
};

// {"command":"NAME","args":[...]} followed by a newline; args left out when empty.
[[nodiscard]] std::string request_line(std::string_view command,
                                       const std::vector<std::string>& args);

// Connects, sends `request` (one line, newline included), reads one line.
// The timeout bounds the connect, the send and the wait for the answer.
[[nodiscard]] Reply exchange(const std::string& socket_path, std::string_view request,
                             std::chrono::milliseconds timeout);

}  // namespace canon::ctl
