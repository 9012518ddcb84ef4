// One admin request line → one response line: what the admin socket does
// with each complete line it reads (tools/canond/ADMIN-PROTOCOL.md), apart
// from the socket. A library function so that the fuzz target
// (tests/fuzz/fuzz_admin.cpp) answers lines exactly as canond does.
//
//   {"command":"zone-list"}  →  {"generation":3,"ok":true,"zones":[...]}
//   not JSON                 →  {"error":"the request is not JSON; ...","ok":false}
//   Control throws           →  {"error":"internal error: ...","ok":false} (and a log line)
#pragma once

#include <string>
#include <string_view>

#include "tools/canond/control.hpp"

namespace canon::daemon {

// `line` without its newline. The response is one JSON object on one line
// (no newline), invalid UTF-8 in echoed strings replaced by U+FFFD.
[[nodiscard]] std::string answer_line(std::string_view line, Control& control);

}  // namespace canon::daemon
