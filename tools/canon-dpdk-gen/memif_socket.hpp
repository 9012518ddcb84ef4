// The memif server's socket file, when --eal asks for one (net_memif with
// role=server, the default, and socket-abstract=no).
//
// DPDK 22.11 refuses to probe a memif server whose socket file exists
// ("Bus (vdev) probe failed"), and the generator leaves through _exit(),
// which skips memif's own unlink. So: a stale file (nobody accepts on it) is
// removed before EAL starts, and the file is removed again before _exit().
#pragma once

#include <string>
#include <vector>

namespace canon::gen {

// The socket paths of the memif server vdevs in the EAL words.
[[nodiscard]] std::vector<std::string> memif_server_sockets(
    const std::vector<std::string>& eal_args);

// Removes `path` when it is a socket nobody listens on. Returns an error when
// a live server holds it, empty otherwise; `note` says what was done.
[[nodiscard]] std::string clear_stale_socket(const std::string& path, std::string& note);

}  // namespace canon::gen
