// `canonctl top [--interval SECONDS] [--count N]`: a live view of canond.
//
// Takes a `stats` sample, waits the interval, takes another and prints the
// rates between the two (top_view.hpp), and so on. On a terminal each frame
// replaces the last (ANSI clear) and `q` quits; otherwise frames follow each
// other, a blank line apart, so that a script or a test can read them.
// Exit status: 0 after --count frames, SIGINT, SIGTERM or `q`; 3 when canond
// is not reachable or goes away; 1 when it refuses `stats`.
#pragma once

#include "options.hpp"

namespace canon::ctl {

[[nodiscard]] int run_top(const Invocation& inv);

}  // namespace canon::ctl
