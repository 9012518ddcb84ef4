// DPDK set-up for the generator: EAL from the --eal words, port 0 with one rx
// and one tx queue, one mbuf pool made once, and a wait for the link (memif
// connects asynchronously: the server's link comes up when the client attaches).
// Errors are messages a person can act on, with rte_strerror's text.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wire.hpp"

struct rte_mempool;

namespace canon::gen {

struct Port {
  std::uint16_t id = 0;
  rte_mempool* pool = nullptr;
  MacAddress mac{};
};

// Returns an error message, empty on success.
[[nodiscard]] std::string start_eal(const std::vector<std::string>& eal_args);
[[nodiscard]] std::string open_port(Port& port);
[[nodiscard]] std::string wait_for_link(const Port& port, double seconds);
// Stops and closes the port and cleans up EAL (--clean-exit only).
void close_port(Port& port);

}  // namespace canon::gen
