#include "tools/canond/process_stats.hpp"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace canon::daemon {

namespace {

std::optional<std::string> read_file(const char* path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// /proc/self/stat is "PID (COMM) STATE PPID ...". COMM is the thread name,
// which may hold spaces and parentheses ("a) b"), so the fields are counted
// from the LAST ')': the word after it is field 3 (state). Returns fields
// 3.. so that field N of proc(5) is at index N - 3.
std::vector<std::string> stat_fields(const std::string& text) {
  const auto close = text.rfind(')');
  if (close == std::string::npos) return {};
  std::istringstream words(text.substr(close + 1));
  return {std::istream_iterator<std::string>(words), std::istream_iterator<std::string>()};
}

std::uint64_t field(const std::vector<std::string>& fields, std::size_t number) {
  return std::stoull(fields.at(number - 3));
}

// Boot time in seconds since the epoch: the "btime" line of /proc/stat. The
// process start time in /proc/self/stat counts clock ticks after boot.
std::optional<std::uint64_t> boot_time() {
  const std::optional<std::string> text = read_file("/proc/stat");
  if (!text) return std::nullopt;
  std::istringstream lines(*text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("btime ", 0) == 0) return std::stoull(line.substr(6));
  }
  return std::nullopt;
}

// Entries of /proc/self/fd, less the one the listing itself holds open.
std::optional<std::uint64_t> open_fds() {
  DIR* dir = ::opendir("/proc/self/fd");
  if (dir == nullptr) return std::nullopt;
  const std::string own = std::to_string(::dirfd(dir));
  std::uint64_t count = 0;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name != "." && name != ".." && name != own) ++count;
  }
  ::closedir(dir);
  return count;
}

void add_stat(nlohmann::json& out) {
  const std::optional<std::string> text = read_file("/proc/self/stat");
  if (!text) return;
  try {
    const std::vector<std::string> fields = stat_fields(*text);
    const auto ticks = static_cast<double>(::sysconf(_SC_CLK_TCK));
    const auto page = static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    // proc(5): 14 utime, 15 stime, 20 num_threads, 22 starttime, 23 vsize, 24 rss.
    out["cpu_seconds_total"] = static_cast<double>(field(fields, 14) + field(fields, 15)) / ticks;
    out["resident_memory_bytes"] = field(fields, 24) * page;
    out["virtual_memory_bytes"] = field(fields, 23);
    if (const std::optional<std::uint64_t> boot = boot_time()) {
      out["start_time_seconds"] =
          static_cast<double>(*boot) + static_cast<double>(field(fields, 22)) / ticks;
    }
    out["threads"] = field(fields, 20);
  } catch (const std::exception&) {
    // A kernel with another layout: leave the figures out.
  }
}

}  // namespace

nlohmann::json process_json() {
  nlohmann::json out = nlohmann::json::object();
  add_stat(out);
  if (const std::optional<std::uint64_t> fds = open_fds()) out["open_fds"] = *fds;
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0)
    out["max_fds"] = static_cast<std::uint64_t>(limit.rlim_cur);
  return out;
}

}  // namespace canon::daemon
