// A socket peer as the engine's ClientAddress (IPv4 mapped; a v4-mapped
// IPv6 peer of a dual-stack socket is the same bytes already), and its port.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include "engine/client_address.hpp"

namespace canon::nic {

[[nodiscard]] inline engine::ClientAddress peer_address(const sockaddr_storage& peer) noexcept {
  if (peer.ss_family == AF_INET) {
    const auto& v4 = reinterpret_cast<const sockaddr_in&>(peer);
    return engine::ClientAddress::v4(reinterpret_cast<const std::uint8_t*>(&v4.sin_addr));
  }
  if (peer.ss_family == AF_INET6) {
    const auto& v6 = reinterpret_cast<const sockaddr_in6&>(peer);
    return engine::ClientAddress::v6(v6.sin6_addr.s6_addr);
  }
  return {};
}

// The peer's port (0 for another family).
[[nodiscard]] inline std::uint16_t peer_port(const sockaddr_storage& peer) noexcept {
  if (peer.ss_family == AF_INET) return ntohs(reinterpret_cast<const sockaddr_in&>(peer).sin_port);
  if (peer.ss_family == AF_INET6) return ntohs(reinterpret_cast<const sockaddr_in6&>(peer).sin6_port);
  return 0;
}

}  // namespace canon::nic
