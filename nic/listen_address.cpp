#include "nic/listen_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

namespace canon::nic {

bool ListenAddress::is_wildcard() const noexcept {
  if (family() == AF_INET) {
    return reinterpret_cast<const sockaddr_in&>(address).sin_addr.s_addr == htonl(INADDR_ANY);
  }
  const auto& six = reinterpret_cast<const sockaddr_in6&>(address);
  return std::memcmp(&six.sin6_addr, &in6addr_any, sizeof(in6_addr)) == 0;
}

std::optional<ListenAddress> parse_listen_address(std::string_view text, std::string& error) {
  std::string_view host;
  std::string_view port_text;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      error = "'" + std::string(text) + "' is not [IPv6]:PORT";
      return std::nullopt;
    }
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
  } else {
    const auto colon = text.rfind(':');
    if (colon == std::string_view::npos || text.find(':') != colon) {
      error = "'" + std::string(text) + "' is not ADDR:PORT (write IPv6 as [ADDR]:PORT)";
      return std::nullopt;
    }
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  const auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
    error = "'" + std::string(text) + "': port must be 1-65535";
    return std::nullopt;
  }
  ListenAddress out;
  const std::string host_z(host);
  auto& four = reinterpret_cast<sockaddr_in&>(out.address);
  auto& six = reinterpret_cast<sockaddr_in6&>(out.address);
  if (inet_pton(AF_INET, host_z.c_str(), &four.sin_addr) == 1) {
    four.sin_family = AF_INET;
    four.sin_port = htons(static_cast<std::uint16_t>(port));
    out.length = sizeof(sockaddr_in);
    out.text = host_z + ":" + std::to_string(port);
  } else if (inet_pton(AF_INET6, host_z.c_str(), &six.sin6_addr) == 1) {
    six.sin6_family = AF_INET6;
    six.sin6_port = htons(static_cast<std::uint16_t>(port));
    out.length = sizeof(sockaddr_in6);
    out.text = "[" + host_z + "]:" + std::to_string(port);
  } else {
    error = "'" + std::string(text) + "': '" + host_z + "' is not an IPv4 or IPv6 address";
    return std::nullopt;
  }
  return out;
}

}  // namespace canon::nic
