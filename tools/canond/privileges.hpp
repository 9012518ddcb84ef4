// Running as an unprivileged user after start-up (config: user = "canon").
//
// canond starts as root (or with CAP_NET_BIND_SERVICE), opens what needs
// privileges (the DNS sockets, the admin socket, the metrics port), then
// drops_privileges(): supplementary groups set to the one group, gid, uid,
// and every capability cleared (effective, permitted, inheritable, ambient).
// Sockets opened before stay usable; new ones on ports below 1024 do not,
// which is why a reload that changes them asks for a restart.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

namespace canon::daemon {

struct RunAs {
  std::string user;
  std::string group;
  uid_t uid = 0;
  gid_t gid = 0;
};

// Looks up `user` (and `group`, empty: the user's primary group) in the
// passwd and group databases. Throws std::runtime_error naming what is
// missing and how to create it. Empty user: nullopt (no change of user).
[[nodiscard]] std::optional<RunAs> resolve_run_as(const std::string& user, const std::string& group);

// Becomes `who` with no capability left; checks /proc/self/status says so.
// Throws std::runtime_error (canond must not serve with more than asked).
void drop_privileges(const RunAs& who);

// The CapEff line of /proc/self/status as a number (~0 when unreadable).
[[nodiscard]] unsigned long long effective_capabilities();

}  // namespace canon::daemon
