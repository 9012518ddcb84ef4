#include "nic/cpu_affinity.hpp"

#include <pthread.h>
#include <sched.h>

#include <charconv>
#include <cstring>

namespace canon::nic {

namespace {

bool parse_int(std::string_view s, int& out) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc{} && end == s.data() + s.size() && out >= 0 && out < CPU_SETSIZE;
}

}  // namespace

std::optional<std::vector<int>> parse_cpu_list(std::string_view text, std::string& error) {
  std::vector<int> cpus;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
    const auto dash = item.find('-');
    int first = 0;
    int last = 0;
    const bool ok = dash == std::string_view::npos
                        ? parse_int(item, first) && parse_int(item, last)
                        : parse_int(item.substr(0, dash), first) && parse_int(item.substr(dash + 1), last);
    if (!ok || last < first) {
      error = "'" + std::string(item) + "' is not a CPU number or range (like 1 or 2-3)";
      return std::nullopt;
    }
    for (int c = first; c <= last; ++c) cpus.push_back(c);
  }
  if (cpus.empty()) {
    error = "the CPU list is empty";
    return std::nullopt;
  }
  return cpus;
}

std::string pin_thread(std::thread& thread, int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  const int rc = pthread_setaffinity_np(thread.native_handle(), sizeof(set), &set);
  if (rc != 0) return "cannot pin to CPU " + std::to_string(cpu) + ": " + std::strerror(rc);
  return {};
}

}  // namespace canon::nic
