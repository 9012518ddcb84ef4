// Where the socket backend listens: "127.0.0.1:5353", "[::1]:53", "0.0.0.0:53".
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace canon::nic {

struct ListenAddress {
  sockaddr_storage address{};
  socklen_t length = 0;
  std::string text;  // as the operator wrote it, normalised: "[::1]:5353"

  [[nodiscard]] int family() const noexcept { return address.ss_family; }
  // 0.0.0.0 or ::, where the reply's source must be taken from IP_PKTINFO.
  [[nodiscard]] bool is_wildcard() const noexcept;
};

// Parses ADDR:PORT (IPv6 in brackets). nullopt with `error` set when bad.
[[nodiscard]] std::optional<ListenAddress> parse_listen_address(std::string_view text,
                                                                std::string& error);

}  // namespace canon::nic
