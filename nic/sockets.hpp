// Opening the kernel sockets the backend serves on. Errors throw
// std::runtime_error with the address, the protocol and the kernel's reason.
#pragma once

#include "nic/listen_address.hpp"

namespace canon::nic {

// A UDP socket bound with SO_REUSEPORT (one per worker, the kernel spreads
// flows over them), IPV6_V6ONLY for IPv6, IP(V6)_PKTINFO when wildcard.
// `freebind`: as for open_tcp_listener.
[[nodiscard]] int open_udp_socket(const ListenAddress& where, bool freebind = false);

// A non-blocking TCP listener (SO_REUSEADDR, not SO_REUSEPORT: a second
// canond on the same port must fail here instead of sharing the traffic).
// `freebind`: the address may not be on an interface yet (the DPDK backend's
// TAP gets it a moment later).
[[nodiscard]] int open_tcp_listener(const ListenAddress& where, int backlog, bool freebind = false);

}  // namespace canon::nic
