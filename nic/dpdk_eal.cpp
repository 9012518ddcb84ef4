#include "nic/dpdk_eal.hpp"

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <sched.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace canon::nic {

namespace {

std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::istringstream in{std::string(text)};
  for (std::string word; in >> word;) words.push_back(word);
  return words;
}

bool has_any(const std::vector<std::string>& args, std::initializer_list<std::string_view> options) {
  return std::any_of(args.begin(), args.end(), [&](const std::string& a) {
    return std::any_of(options.begin(), options.end(), [&](std::string_view o) {
      return a == o || (a.size() > o.size() && a.compare(0, o.size(), o) == 0 && a[o.size()] == '=');
    });
  });
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> cpus;
  if (::sched_getaffinity(0, sizeof(set), &set) == 0) {
    for (int c = 0; c < CPU_SETSIZE; ++c) {
      if (CPU_ISSET(c, &set)) cpus.push_back(c);
    }
  }
  if (cpus.empty()) cpus.push_back(0);
  return cpus;
}

}  // namespace

std::vector<std::string> eal_arguments(std::string_view operator_args, unsigned workers,
                                       std::span<const int> worker_cpus, bool hugepages) {
  std::vector<std::string> args = split_words(operator_args);
  std::vector<std::string> added;
  if (!has_any(args, {"-l", "-c", "--lcores"}) &&
      std::none_of(args.begin(), args.end(), [](const std::string& a) {
        return a.rfind("-l", 0) == 0 && a.size() > 2 && a[2] != '-';  // "-l0-1"
      })) {
    const std::vector<int> cpus = allowed_cpus();
    std::vector<int> chosen;
    for (unsigned w = 0; w < workers; ++w) {
      chosen.push_back(worker_cpus.empty() ? cpus[(w + 1) % cpus.size()] : worker_cpus[w % worker_cpus.size()]);
    }
    int main_cpu = cpus.front();
    for (int c : cpus) {
      if (std::find(chosen.begin(), chosen.end(), c) == chosen.end()) {
        main_cpu = c;
        break;
      }
    }
    std::string map = "0@" + std::to_string(main_cpu);
    for (unsigned w = 0; w < workers; ++w) map += "," + std::to_string(w + 1) + "@" + std::to_string(chosen[w]);
    added.insert(added.end(), {"--lcores", map});
  }
  if (!has_any(args, {"-m", "--socket-mem", "--no-huge", "--in-memory"})) {
    if (hugepages) {
      added.emplace_back("--in-memory");
    } else {
      added.insert(added.end(), {"--no-huge", "-m", "512", "--no-shconf"});
    }
  }
  std::vector<std::string> out{"canond"};
  out.insert(out.end(), added.begin(), added.end());
  out.insert(out.end(), args.begin(), args.end());
  return out;
}

void init_eal(const std::vector<std::string>& arguments) {
  std::vector<char*> argv;
  // rte_eal_init may permute argv; it gets its own copies, kept for the process.
  static std::vector<std::string> kept;
  kept = arguments;
  for (std::string& a : kept) argv.push_back(a.data());
  argv.push_back(nullptr);
  if (rte_eal_init(static_cast<int>(kept.size()), argv.data()) < 0) {
    throw std::runtime_error(std::string("DPDK EAL initialisation failed: ") + rte_strerror(rte_errno) +
                             " (EAL arguments: " + join_arguments(arguments) + ")");
  }
}

std::vector<unsigned> worker_lcores() {
  std::vector<unsigned> out;
  unsigned lcore = 0;
  RTE_LCORE_FOREACH_WORKER(lcore) { out.push_back(lcore); }
  return out;
}

bool hugepages_reserved() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  long value = 0;
  while (in >> key >> value) {
    if (key == "HugePages_Free:") return value > 0;
    in.ignore(256, '\n');
  }
  return false;
}

std::string join_arguments(const std::vector<std::string>& arguments) {
  std::string out;
  for (std::size_t i = 1; i < arguments.size(); ++i) out += (i > 1 ? " " : "") + arguments[i];
  return out;
}

}  // namespace canon::nic
