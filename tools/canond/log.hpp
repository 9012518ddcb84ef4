// canond's log: one line per event, written with one write(2) so lines from
// different threads never interleave. Three targets:
//
//   stderr   2026-11-22T10:04:05.123Z canond[812] info: published generation 2: 2 zones, 17 records
//   journal  <6>published generation 2: 2 zones, 17 records
//            (stderr under systemd: journald reads the sd-daemon(3) priority
//            prefix, <3> error, <4> warning, <6> info, <7> debug, and stamps
//            the time itself)
//   syslog   syslog(3), facility daemon, ident canond, with the pid
//
// The same message more than kRepeatLimit times within a second is counted
// instead of written; the count is written as one line ("... repeated 532
// times in the last second") when the second ends (log_flush_repeats, called
// by the control loop, or the message's next appearance).
#pragma once

#include <optional>
#include <string_view>

namespace canon::daemon {

enum class LogLevel { kError, kWarning, kInfo, kDebug };
enum class LogTarget { kStderr, kJournal, kSyslog };

inline constexpr unsigned kRepeatLimit = 10;

[[nodiscard]] std::optional<LogLevel> parse_log_level(std::string_view text);
void set_log_level(LogLevel level);

// "stderr", "journal", "syslog"; empty: journal when stderr is the stream
// systemd named in JOURNAL_STREAM, else stderr.
[[nodiscard]] std::optional<LogTarget> parse_log_target(std::string_view text);
void set_log_target(LogTarget target);
[[nodiscard]] LogTarget log_target();

void log(LogLevel level, std::string_view message);
inline void log_error(std::string_view m) { log(LogLevel::kError, m); }
inline void log_warning(std::string_view m) { log(LogLevel::kWarning, m); }
inline void log_info(std::string_view m) { log(LogLevel::kInfo, m); }
inline void log_debug(std::string_view m) { log(LogLevel::kDebug, m); }

// Writes the summaries of messages held back in a second that has ended.
void log_flush_repeats();

}  // namespace canon::daemon
