// canond as a service, without a service manager: the notify datagrams
// (a socket of the test's in NOTIFY_SOCKET) and what the log writes on
// stderr (a pipe the test reads) per target, with repeats held back.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>

#include "tools/canond/log.hpp"
#include "tools/canond/service_notify.hpp"

namespace canon::daemon {
namespace {

// A datagram socket bound to `name` (a leading '@': abstract).
class NotifyListener {
 public:
  explicit NotifyListener(std::string name) : name_(std::move(name)) {
    fd_ = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::memcpy(address.sun_path, name_.data(), name_.size());
    if (name_[0] == '@') address.sun_path[0] = '\0';
    else ::unlink(name_.c_str());
    const auto length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name_.size());
    EXPECT_EQ(::bind(fd_, reinterpret_cast<const sockaddr*>(&address), length), 0) << std::strerror(errno);
    const timeval timeout{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
  }
  ~NotifyListener() {
    ::close(fd_);
    if (name_[0] != '@') ::unlink(name_.c_str());
  }
  std::string next() {
    char buffer[512];
    const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
    return got > 0 ? std::string(buffer, static_cast<std::size_t>(got)) : std::string("(nothing)");
  }

 private:
  std::string name_;
  int fd_ = -1;
};

TEST(ServiceNotifier, WithoutNotifySocketDoesNothing) {
  ::unsetenv("NOTIFY_SOCKET");
  ServiceNotifier notifier;
  EXPECT_FALSE(notifier.enabled());
  EXPECT_FALSE(notifier.ready());
  EXPECT_EQ(notifier.watchdog_interval().count(), 0);
}

TEST(ServiceNotifier, PathSocket) {
  const std::string path = "/tmp/canon-service-test-" + std::to_string(::getpid()) + ".sock";
  NotifyListener listener(path);
  ::setenv("NOTIFY_SOCKET", path.c_str(), 1);
  ::unsetenv("WATCHDOG_USEC");
  ServiceNotifier notifier;
  ASSERT_TRUE(notifier.enabled());
  EXPECT_TRUE(notifier.ready());
  EXPECT_EQ(listener.next(), "READY=1");
  EXPECT_TRUE(notifier.reloading());
  EXPECT_EQ(listener.next().rfind("RELOADING=1\nMONOTONIC_USEC=", 0), 0u);
  EXPECT_TRUE(notifier.stopping());
  EXPECT_EQ(listener.next(), "STOPPING=1");
  ::unsetenv("NOTIFY_SOCKET");
}

TEST(ServiceNotifier, AbstractSocketAndWatchdog) {
  const std::string name = "@canon-service-test-" + std::to_string(::getpid());
  NotifyListener listener(name);
  ::setenv("NOTIFY_SOCKET", name.c_str(), 1);
  ::setenv("WATCHDOG_USEC", "2000000", 1);
  ::setenv("WATCHDOG_PID", std::to_string(::getpid()).c_str(), 1);
  ServiceNotifier notifier;
  EXPECT_EQ(notifier.watchdog_interval(), std::chrono::seconds(1));  // half of it
  const auto start = std::chrono::steady_clock::now();
  const auto wait = notifier.tick_watchdog(start);  // the first one is due at once
  EXPECT_EQ(listener.next(), "WATCHDOG=1");
  EXPECT_GT(wait.count(), 900);
  EXPECT_LE(wait.count(), 1001);
  EXPECT_LT(notifier.tick_watchdog(start + std::chrono::milliseconds(500)).count(), 510);
  notifier.tick_watchdog(start + std::chrono::milliseconds(1000));
  EXPECT_EQ(listener.next(), "WATCHDOG=1");

  // Variables inherited from a parent the watchdog was meant for.
  ::setenv("WATCHDOG_PID", "1", 1);
  ServiceNotifier child;
  EXPECT_EQ(child.watchdog_interval().count(), 0);
  for (const char* v : {"NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID"}) ::unsetenv(v);
}

// stderr redirected into a pipe for the test's span.
class CapturedStderr {
 public:
  CapturedStderr() {
    EXPECT_EQ(::pipe2(pipe_, O_NONBLOCK), 0);
    saved_ = ::dup(STDERR_FILENO);
    ::dup2(pipe_[1], STDERR_FILENO);
  }
  ~CapturedStderr() {
    ::dup2(saved_, STDERR_FILENO);
    ::close(saved_);
    ::close(pipe_[0]);
    ::close(pipe_[1]);
  }
  std::string take() {
    std::string out;
    char buffer[4096];
    ssize_t got;
    while ((got = ::read(pipe_[0], buffer, sizeof(buffer))) > 0) out.append(buffer, static_cast<std::size_t>(got));
    return out;
  }

 private:
  int pipe_[2] = {-1, -1};
  int saved_ = -1;
};

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(Log, JournalPriorities) {
  CapturedStderr err;
  set_log_level(LogLevel::kDebug);
  set_log_target(LogTarget::kJournal);
  log_error("e1");
  log_warning("w1");
  log_info("i1");
  log_debug("d1");
  set_log_target(LogTarget::kStderr);
  set_log_level(LogLevel::kInfo);
  EXPECT_EQ(err.take(), "<3>e1\n<4>w1\n<6>i1\n<7>d1\n");
}

TEST(Log, RepeatsAreCountedNotWritten) {
  CapturedStderr err;
  set_log_target(LogTarget::kJournal);
  for (int i = 0; i < 25; ++i) log_warning("refused a client");
  log_warning("another message");
  std::string text = err.take();
  EXPECT_EQ(count(text, "<4>refused a client\n"), kRepeatLimit) << text;
  EXPECT_EQ(count(text, "another message"), 1u);
  log_flush_repeats();  // the second has not ended: nothing yet
  EXPECT_EQ(err.take(), "");
  std::this_thread::sleep_for(std::chrono::milliseconds(1050));
  log_flush_repeats();
  EXPECT_EQ(err.take(), "<4>refused a client (repeated 15 times in the last second)\n");
  log_warning("refused a client");  // a new second: written again
  EXPECT_EQ(err.take(), "<4>refused a client\n");
  set_log_target(LogTarget::kStderr);
}

TEST(Log, Targets) {
  EXPECT_EQ(parse_log_target("syslog"), LogTarget::kSyslog);
  EXPECT_EQ(parse_log_target("journal"), LogTarget::kJournal);
  EXPECT_EQ(parse_log_target("stderr"), LogTarget::kStderr);
  EXPECT_FALSE(parse_log_target("file"));
  // Empty: journal only when stderr is the stream JOURNAL_STREAM names.
  ::setenv("JOURNAL_STREAM", "1:1", 1);
  EXPECT_EQ(parse_log_target(""), LogTarget::kStderr);
  struct stat st{};
  ASSERT_EQ(::fstat(STDERR_FILENO, &st), 0);
  ::setenv("JOURNAL_STREAM", (std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino)).c_str(), 1);
  EXPECT_EQ(parse_log_target(""), LogTarget::kJournal);
  ::unsetenv("JOURNAL_STREAM");
}

}  // namespace
}  // namespace canon::daemon
