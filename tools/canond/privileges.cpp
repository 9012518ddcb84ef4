#include "tools/canond/privileges.hpp"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace canon::daemon {

namespace {

[[noreturn]] void fail(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// capset(2) without libcap: all three sets empty for this thread; glibc
// has no wrapper. Called before the workers start, so no thread keeps any.
void clear_capabilities() {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
  if (::syscall(SYS_capset, &header, data) != 0) fail("cannot clear the capabilities (capset)");
  // The ambient set would give exec'ed programs the capabilities back.
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) {
    fail("cannot clear the ambient capabilities");
  }
}

}  // namespace

std::optional<RunAs> resolve_run_as(const std::string& user, const std::string& group_name) {
  if (user.empty()) {
    if (!group_name.empty()) {
      throw std::runtime_error("group = \"" + group_name + "\" needs user = \"...\" too");
    }
    return std::nullopt;
  }
  RunAs who;
  who.user = user;
  std::vector<char> buffer(16384);
  passwd pw{};
  passwd* found_user = nullptr;
  ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found_user);
  if (found_user == nullptr) {
    throw std::runtime_error("user '" + user + "' does not exist (create it: useradd --system --user-group " +
                             "--no-create-home --shell /usr/sbin/nologin " + user + ")");
  }
  who.uid = pw.pw_uid;
  who.gid = pw.pw_gid;
  struct group gr{};
  struct group* found_group = nullptr;
  if (!group_name.empty()) {
    ::getgrnam_r(group_name.c_str(), &gr, buffer.data(), buffer.size(), &found_group);
    if (found_group == nullptr) {
      throw std::runtime_error("group '" + group_name + "' does not exist (create it: groupadd --system " +
                               group_name + ")");
    }
    who.gid = gr.gr_gid;
    who.group = group_name;
  } else {
    ::getgrgid_r(who.gid, &gr, buffer.data(), buffer.size(), &found_group);
    who.group = found_group ? found_group->gr_name : std::to_string(who.gid);
  }
  if (who.uid == 0) throw std::runtime_error("user '" + user + "' is root: name an unprivileged user");
  return who;
}

void drop_privileges(const RunAs& who) {
  // Already that user (systemd User=, setpriv): only the capabilities go.
  if (::geteuid() != who.uid || ::getegid() != who.gid) {
    // While CAP_SETPCAP is held: empty the bounding set too, so not even an
    // exec'ed file capability could bring one back.
    for (int cap = 0; cap <= CAP_LAST_CAP; ++cap) (void)::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0);
    if (::setgroups(1, &who.gid) != 0) fail("cannot set the groups of user " + who.user + " (setgroups)");
    if (::setresgid(who.gid, who.gid, who.gid) != 0) fail("cannot become group " + who.group + " (setgid)");
    if (::setresuid(who.uid, who.uid, who.uid) != 0) fail("cannot become user " + who.user + " (setuid)");
  }
  clear_capabilities();
  // No way back: exec'ed setuid programs gain nothing either.
  ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
  if (::getuid() != who.uid || ::geteuid() != who.uid || ::getgid() != who.gid) {
    throw std::runtime_error("still not user " + who.user + " after dropping privileges");
  }
  if (const unsigned long long caps = effective_capabilities(); caps != 0) {
    throw std::runtime_error("capabilities left after dropping privileges: CapEff " + std::to_string(caps));
  }
}

unsigned long long effective_capabilities() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("CapEff:", 0) == 0) return std::stoull(line.substr(7), nullptr, 16);
  }
  return ~0ull;
}

}  // namespace canon::daemon
