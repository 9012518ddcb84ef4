// process_json() on the test process itself: plausible figures, fds that
// follow open/close, and a thread name that would fool a naive split of
// /proc/self/stat ("PID (COMM) ..." where COMM holds ") ").
#include "tools/canond/process_stats.hpp"

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <gtest/gtest.h>
#include <chrono>
#include <thread>

namespace canon::daemon {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

TEST(ProcessStats, EveryFigureIsThereAndPlausible) {
  const nlohmann::json p = process_json();
  for (const char* key : {"cpu_seconds_total", "resident_memory_bytes", "virtual_memory_bytes",
                          "open_fds", "max_fds", "start_time_seconds", "threads"}) {
    ASSERT_TRUE(p.contains(key)) << key << " in " << p.dump();
  }
  EXPECT_TRUE(p["cpu_seconds_total"].is_number_float());
  EXPECT_GE(p["cpu_seconds_total"].get<double>(), 0.0);
  EXPECT_GT(p["resident_memory_bytes"].get<std::uint64_t>(), 100'000u);
  EXPECT_GE(p["virtual_memory_bytes"].get<std::uint64_t>(),
            p["resident_memory_bytes"].get<std::uint64_t>());
  EXPECT_GE(p["open_fds"].get<std::uint64_t>(), 3u);  // stdin, stdout, stderr
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  EXPECT_EQ(p["max_fds"].get<std::uint64_t>(), limit.rlim_cur);
  // Started in the last hour (a test run), not in the future; ticks are 10 ms.
  const double start = p["start_time_seconds"].get<double>();
  EXPECT_LE(start, now_seconds() + 1.0);
  EXPECT_GT(start, now_seconds() - 3600.0);
  EXPECT_GE(p["threads"].get<std::uint64_t>(), 1u);
}

TEST(ProcessStats, OpenFdsFollowsTheProcess) {
  const auto before = process_json()["open_fds"].get<std::uint64_t>();
  const int a = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const int b = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  EXPECT_EQ(process_json()["open_fds"].get<std::uint64_t>(), before + 2);
  ::close(a);
  ::close(b);
  EXPECT_EQ(process_json()["open_fds"].get<std::uint64_t>(), before);
}

TEST(ProcessStats, ThreadsFollowTheProcess) {
  const auto before = process_json()["threads"].get<std::uint64_t>();
  std::uint64_t during = 0;
  std::thread t([&] { during = process_json()["threads"].get<std::uint64_t>(); });
  t.join();
  EXPECT_EQ(during, before + 1);
}

TEST(ProcessStats, ThreadNameWithParenthesesAndSpaces) {
  char old_name[16] = {};
  ::prctl(PR_GET_NAME, old_name);
  ::prctl(PR_SET_NAME, "x) y (z) 1 2");
  const nlohmann::json p = process_json();
  ::prctl(PR_SET_NAME, old_name);
  ASSERT_TRUE(p.contains("threads")) << p.dump();
  EXPECT_GE(p["threads"].get<std::uint64_t>(), 1u);
  EXPECT_GT(p["resident_memory_bytes"].get<std::uint64_t>(), 100'000u);
  EXPECT_GT(p["start_time_seconds"].get<double>(), now_seconds() - 3600.0);
}

}  // namespace
}  // namespace canon::daemon
