#include "tools/canond/log.hpp"

#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace canon::daemon {

namespace {

using Clock = std::chrono::steady_clock;

std::atomic<LogLevel> g_level{LogLevel::kInfo};
std::atomic<LogTarget> g_target{LogTarget::kStderr};

const char* level_name(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return "error";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kInfo: return "info";
    case LogLevel::kDebug: return "debug";
  }
  return "?";
}

int syslog_priority(LogLevel level) {
  switch (level) {
    case LogLevel::kError: return LOG_ERR;
    case LogLevel::kWarning: return LOG_WARNING;
    case LogLevel::kInfo: return LOG_INFO;
    case LogLevel::kDebug: return LOG_DEBUG;
  }
  return LOG_INFO;
}

// systemd sets JOURNAL_STREAM=DEV:INODE for the stream it connected to
// stderr; only when stderr is still that stream does journald read it
// (a child whose stderr was redirected must keep timestamps).
bool stderr_is_journal() {
  const char* stream = std::getenv("JOURNAL_STREAM");
  if (stream == nullptr) return false;
  unsigned long long device = 0, inode = 0;
  if (std::sscanf(stream, "%llu:%llu", &device, &inode) != 2) return false;
  struct stat st{};
  if (::fstat(STDERR_FILENO, &st) != 0) return false;
  return st.st_dev == device && st.st_ino == inode;
}

void write_stderr(const std::string& line) {
  const char* at = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const ssize_t put = ::write(STDERR_FILENO, at, left);
    if (put <= 0) return;
    at += put;
    left -= static_cast<std::size_t>(put);
  }
}

std::string stamp() {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::snprintf(text, sizeof(text), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, static_cast<int>(millis));
  return text;
}

void emit(LogLevel level, std::string_view message) {
  const LogTarget target = g_target.load(std::memory_order_relaxed);
  if (target == LogTarget::kSyslog) {
    ::syslog(syslog_priority(level), "%.*s", static_cast<int>(message.size()), message.data());
    return;
  }
  std::string line;
  line.reserve(64 + message.size());
  if (target == LogTarget::kJournal) {
    line += '<' + std::to_string(syslog_priority(level)) + '>';
  } else {
    line += stamp();
    line += " canond[" + std::to_string(::getpid()) + "] ";
    line += level_name(level);
    line += ": ";
  }
  line += message;
  line += '\n';
  write_stderr(line);
}

// Messages seen in their current one-second window. A flood of one message
// (a client refused again and again) costs a map probe per line, and the
// map is emptied of quiet messages each second, so it stays small.
struct Window {
  Clock::time_point start;
  LogLevel level;
  unsigned seen = 0;  // in this window, written ones included
};
std::mutex g_repeats_mutex;
std::unordered_map<std::string, Window> g_repeats;

std::string summary(const std::string& message, unsigned held) {
  return message + " (repeated " + std::to_string(held) + " times in the last second)";
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
  if (text == "error") return LogLevel::kError;
  if (text == "warning" || text == "warn") return LogLevel::kWarning;
  if (text == "info") return LogLevel::kInfo;
  if (text == "debug") return LogLevel::kDebug;
  return std::nullopt;
}

void set_log_level(LogLevel level) { g_level.store(level, std::memory_order_relaxed); }

std::optional<LogTarget> parse_log_target(std::string_view text) {
  if (text.empty()) return stderr_is_journal() ? LogTarget::kJournal : LogTarget::kStderr;
  if (text == "stderr") return LogTarget::kStderr;
  if (text == "journal") return LogTarget::kJournal;
  if (text == "syslog") return LogTarget::kSyslog;
  return std::nullopt;
}

void set_log_target(LogTarget target) {
  // LOG_NDELAY: /dev/log is connected now, before privileges are dropped.
  if (target == LogTarget::kSyslog && g_target.load() != LogTarget::kSyslog) {
    ::openlog("canond", LOG_PID | LOG_NDELAY, LOG_DAEMON);
  }
  g_target.store(target, std::memory_order_relaxed);
}

LogTarget log_target() { return g_target.load(std::memory_order_relaxed); }

void log(LogLevel level, std::string_view message) {
  if (level > g_level.load(std::memory_order_relaxed)) return;
  const auto now = Clock::now();
  std::string held_summary;
  {
    std::lock_guard lock(g_repeats_mutex);
    auto [it, fresh] = g_repeats.try_emplace(std::string(message), Window{now, level, 0});
    Window& window = it->second;
    if (!fresh && now - window.start >= std::chrono::seconds(1)) {
      if (window.seen > kRepeatLimit) held_summary = summary(it->first, window.seen - kRepeatLimit);
      window = Window{now, level, 0};
    }
    if (++window.seen > kRepeatLimit) return;
  }
  if (!held_summary.empty()) emit(level, held_summary);
  emit(level, message);
}

void log_flush_repeats() {
  const auto now = Clock::now();
  std::vector<std::pair<LogLevel, std::string>> lines;
  {
    std::lock_guard lock(g_repeats_mutex);
    for (auto it = g_repeats.begin(); it != g_repeats.end();) {
      if (now - it->second.start < std::chrono::seconds(1)) {
        ++it;
        continue;
      }
      if (it->second.seen > kRepeatLimit) {
        lines.emplace_back(it->second.level, summary(it->first, it->second.seen - kRepeatLimit));
      }
      it = g_repeats.erase(it);
    }
  }
  for (const auto& [level, line] : lines) emit(level, line);
}

}  // namespace canon::daemon
