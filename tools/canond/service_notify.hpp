// The service manager's notification protocol (sd_notify(3)) without
// libsystemd: one datagram per state change to the unix socket named in
// $NOTIFY_SOCKET (a path, or '@' for an abstract name).
//
//   READY=1            the first table is published and the sockets answer
//   RELOADING=1        a reload (SIGHUP, canonctl reload) begins ...
//   READY=1            ... and ends
//   STOPPING=1         draining for exit
//   WATCHDOG=1         from the control loop every half of $WATCHDOG_USEC
//
// The socket is connected once, at start-up, before privileges are dropped,
// so a notify socket only root may reach still works. Only the control
// thread sends; the workers never see this.
#pragma once

#include <chrono>
#include <string_view>

#include "nic/fd.hpp"

namespace canon::daemon {

class ServiceNotifier {
 public:
  // Reads NOTIFY_SOCKET, WATCHDOG_USEC and WATCHDOG_PID. Without
  // NOTIFY_SOCKET every call does nothing. A socket that cannot be reached
  // is logged once as a warning.
  ServiceNotifier();

  [[nodiscard]] bool enabled() const noexcept { return static_cast<bool>(socket_); }
  // Sends one state string ("READY=1", "STATUS=..."); false when not sent.
  bool send(std::string_view state) const;
  bool ready() const { return send("READY=1"); }
  bool reloading() const;  // RELOADING=1 with MONOTONIC_USEC (systemd 253 asks for it)
  bool stopping() const { return send("STOPPING=1"); }

  // Zero without a watchdog; else half of WATCHDOG_USEC.
  [[nodiscard]] std::chrono::microseconds watchdog_interval() const noexcept { return watchdog_interval_; }
  // WATCHDOG=1 when the interval has passed since the last one; returns the
  // time until the next one is due (the control loop's longest sleep).
  std::chrono::milliseconds tick_watchdog(std::chrono::steady_clock::time_point now);

 private:
  nic::Fd socket_;
  std::chrono::microseconds watchdog_interval_{0};
  std::chrono::steady_clock::time_point last_watchdog_{};
};

}  // namespace canon::daemon
