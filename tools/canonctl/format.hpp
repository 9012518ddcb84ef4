// canonctl's readable output of each response kind. Output of a command
// that worked goes to stdout; canond's error and findings of one that did
// not go to stderr. A response of a shape canonctl does not know (a newer
// canond, an unknown command) is printed as indented JSON.
#pragma once

#include <string>
#include <string_view>

#include "format_text.hpp"

namespace canon::ctl {

struct Rendered {
  std::string out;  // for stdout
  std::string err;  // for stderr
  int exit_code = 0;
};

// 0 when "ok" is true; 3 when canond turned the connection away (permission
// denied: the command never ran); 1 when it refused or failed the command.
[[nodiscard]] int exit_code_of(const Json& reply);

// `reply` is an object with a boolean "ok" (the caller checked).
[[nodiscard]] Rendered render(std::string_view command, const Json& reply);

}  // namespace canon::ctl
