// canond's log: one line per event on stderr, written with one write(2) so
// lines from different threads never interleave.
//
//   2026-11-22T10:04:05.123Z canond[812] info: published generation 2: 2 zones, 17 records
#pragma once

#include <optional>
#include <string_view>

namespace canon::daemon {

enum class LogLevel { kError, kWarning, kInfo, kDebug };

[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);
void set_log_level(LogLevel level);

void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view m) { log(LogLevel::kError, m); }
inline void log_warning(std::string_view m) { log(LogLevel::kWarning, m); }
inline void log_info(std::string_view m) { log(LogLevel::kInfo, m); }
inline void log_debug(std::string_view m) { log(LogLevel::kDebug, m); }

}  // namespace canon::daemon
