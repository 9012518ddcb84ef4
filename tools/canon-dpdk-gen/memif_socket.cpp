#include "memif_socket.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string_view>

namespace canon::gen {

namespace {

// "net_memif0,role=server,socket=/tmp/x.sock,socket-abstract=no" → the path,
// or "" when it is not a server with a socket file.
[[nodiscard]] std::string server_socket_of(std::string_view vdev) {
  if (vdev.substr(0, 9) != "net_memif") return {};
  std::string role = "server";
  std::string socket = "/run/memif.sock";
  std::string abstract = "yes";
  std::size_t start = vdev.find(',');
  while (start != std::string_view::npos) {
    const std::size_t end = vdev.find(',', start + 1);
    const std::string_view pair = vdev.substr(
        start + 1, end == std::string_view::npos ? std::string_view::npos : end - start - 1);
    const std::size_t eq = pair.find('=');
    if (eq != std::string_view::npos) {
      const std::string_view key = pair.substr(0, eq);
      const std::string value(pair.substr(eq + 1));
      if (key == "role")
        role = value;
      else if (key == "socket")
        socket = value;
      else if (key == "socket-abstract")
        abstract = value;
    }
    start = end;
  }
  return role == "server" && abstract == "no" ? socket : std::string();
}

}  // namespace

std::vector<std::string> memif_server_sockets(const std::vector<std::string>& eal_args) {
  std::vector<std::string> paths;
  for (std::size_t i = 0; i < eal_args.size(); ++i) {
    std::string_view word = eal_args[i];
    std::string_view vdev;
    if (word == "--vdev" && i + 1 < eal_args.size())
      vdev = eal_args[++i];
    else if (word.substr(0, 7) == "--vdev=")
      vdev = word.substr(7);
    else
      continue;
    if (std::string path = server_socket_of(vdev); !path.empty()) paths.push_back(std::move(path));
  }
  return paths;
}

std::string clear_stale_socket(const std::string& path, std::string& note) {
  struct stat st;
  if (lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) return {};
  // A listener shows in /proc/net/unix with its path and __SO_ACCEPTCON
  // (0x10000) in Flags. Looking there, not connecting: a memif server takes a
  // connection that closes at once for a client leaving, which 22.11 may not
  // survive.
  std::ifstream unix_sockets("/proc/net/unix");
  std::string line;
  std::getline(unix_sockets, line);  // header
  while (std::getline(unix_sockets, line)) {
    std::istringstream fields(line);
    std::string num, refs, protocol, flags, type, state, inode, socket_path;
    fields >> num >> refs >> protocol >> flags >> type >> state >> inode >> socket_path;
    if (socket_path != path) continue;
    if (std::strtoul(flags.c_str(), nullptr, 16) & 0x10000) {
      return "memif socket " + path + " is in use by a running memif server";
    }
  }
  if (unlink(path.c_str()) == 0) note = "removed the stale memif socket " + path;
  return {};
}

}  // namespace canon::gen
