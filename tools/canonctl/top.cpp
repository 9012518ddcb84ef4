#include "top.hpp"

#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string>

#include "client.hpp"
#include "format.hpp"
#include "top_view.hpp"

namespace canon::ctl {

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kUnreachable = 3;
// `stats` is answered at once; a canond silent this long is as good as gone,
// and SIGINT waits while a request is out.
constexpr std::chrono::milliseconds kTopTimeout{10'000};

// SIGINT and SIGTERM arrive on a descriptor the wait polls, so the terminal
// is restored on the way out without a handler or a global flag.
class Signals {
 public:
  Signals() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGTERM);
    sigprocmask(SIG_BLOCK, &set_, &old_);
    fd_ = ::signalfd(-1, &set_, SFD_CLOEXEC | SFD_NONBLOCK);
  }
  // The signal that ended top is taken off the pending set first: unblocked
  // while pending, it would still kill the process (exit 130, not 0).
  ~Signals() {
    signalfd_siginfo info{};
    while (fd_ >= 0 && ::read(fd_, &info, sizeof(info)) == sizeof(info)) {
    }
    if (fd_ >= 0) ::close(fd_);
    sigprocmask(SIG_SETMASK, &old_, nullptr);
  }
  Signals(const Signals&) = delete;
  Signals& operator=(const Signals&) = delete;
  [[nodiscard]] int fd() const { return fd_; }

 private:
  sigset_t set_{};
  sigset_t old_{};
  int fd_ = -1;
};

// On a terminal: keys without Enter and without echo, cursor hidden; all
// undone when top ends.
class Terminal {
 public:
  Terminal() : keys_(::isatty(STDIN_FILENO) == 1), screen_(::isatty(STDOUT_FILENO) == 1) {
    if (keys_ && ::tcgetattr(STDIN_FILENO, &saved_) == 0) {
      termios raw = saved_;
      raw.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO);
      raw.c_cc[VMIN] = 0;
      raw.c_cc[VTIME] = 0;
      ::tcsetattr(STDIN_FILENO, TCSANOW, &raw);
    } else {
      keys_ = false;
    }
    if (screen_) std::fputs("\x1b[?25l", stdout);
  }
  ~Terminal() {
    if (keys_) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved_);
    if (screen_) std::fputs("\x1b[?25h", stdout);
    std::fflush(stdout);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  [[nodiscard]] bool keys() const { return keys_; }

  void show(const std::string& frame, bool first) const {
    if (screen_)
      std::fputs(("\x1b[H\x1b[2J" + frame).c_str(), stdout);  // home, clear, draw
    else
      std::fputs(((first ? "" : "\n") + frame).c_str(), stdout);
    std::fflush(stdout);
  }

 private:
  bool keys_;
  bool screen_;
  termios saved_{};
};

// Waits until `deadline`; false when the user asked to quit.
[[nodiscard]] bool wait_until(Clock::time_point deadline, const Signals& signals,
                              Terminal& terminal) {
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return true;
    pollfd fds[2] = {{signals.fd(), POLLIN, 0}, {STDIN_FILENO, POLLIN, 0}};
    const int ready = ::poll(fds, terminal.keys() ? 2 : 1, static_cast<int>(left.count()));
    if (ready <= 0) continue;  // timeout (checked above) or EINTR
    if (fds[0].revents) return false;
    char key = 0;
    while (::read(STDIN_FILENO, &key, 1) == 1) {
      if (key == 'q' || key == 'Q') return false;
    }
  }
}

struct Sample {
  Json stats;
  Clock::time_point at;
  int failure = 0;  // non-zero: the exit status, the reason already on stderr
};

[[nodiscard]] Sample take_sample(const Invocation& inv) {
  Sample sample;
  const Reply reply =
      exchange(inv.socket_path, request_line("stats", {}), std::min(inv.timeout, kTopTimeout));
  sample.at = Clock::now();
  if (!reply.error.empty()) {
    std::fprintf(stderr, "canonctl: %s\n", reply.error.c_str());
    sample.failure = kUnreachable;
    return sample;
  }
  sample.stats = Json::parse(reply.line, nullptr, false);
  if (sample.stats.is_discarded() || !sample.stats.is_object() || !sample.stats.contains("ok") ||
      !sample.stats["ok"].is_boolean()) {
    std::fprintf(stderr, "canonctl: canond's answer is not a response canonctl understands: %s\n",
                 reply.line.substr(0, 200).c_str());
    sample.failure = kUnreachable;
  } else if (!sample.stats["ok"].get<bool>()) {
    const Rendered rendered = render("stats", sample.stats);
    std::fputs(rendered.err.c_str(), stderr);
    sample.failure = rendered.exit_code;
  }
  return sample;
}

}  // namespace

int run_top(const Invocation& inv) {
  const Signals signals;
  Terminal terminal;
  Sample before = take_sample(inv);
  if (before.failure) return before.failure;
  for (long frame = 0; inv.count == 0 || frame < inv.count; ++frame) {
    if (!wait_until(before.at + inv.interval, signals, terminal)) return 0;
    Sample after = take_sample(inv);
    if (after.failure) return after.failure;
    const double elapsed = std::chrono::duration<double>(after.at - before.at).count();
    terminal.show(top_frame(before.stats, after.stats, elapsed), frame == 0);
    before = std::move(after);
  }
  return 0;
}

}  // namespace canon::ctl
