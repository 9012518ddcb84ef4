#include "nic/local_addresses.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace canon::nic {

std::optional<InterfaceAddress> parse_interface_address(std::string_view text, std::string& error) {
  InterfaceAddress out;
  out.text = std::string(text);
  std::string_view host = text;
  std::optional<unsigned> prefix;
  if (const auto slash = text.find('/'); slash != std::string_view::npos) {
    host = text.substr(0, slash);
    const std::string_view digits = text.substr(slash + 1);
    unsigned value = 0;
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty()) {
      error = "'" + std::string(text) + "': the prefix length after '/' is not a number";
      return std::nullopt;
    }
    prefix = value;
  }
  const std::string host_text(host);
  if (::inet_pton(AF_INET, host_text.c_str(), out.bytes.data()) == 1) {
    out.ipv6 = false;
    out.prefix = prefix.value_or(32);
    if (out.prefix > 32) {
      error = "'" + std::string(text) + "': an IPv4 prefix is 0-32";
      return std::nullopt;
    }
  } else if (::inet_pton(AF_INET6, host_text.c_str(), out.bytes.data()) == 1) {
    out.ipv6 = true;
    out.prefix = prefix.value_or(128);
    if (out.prefix > 128) {
      error = "'" + std::string(text) + "': an IPv6 prefix is 0-128";
      return std::nullopt;
    }
  } else {
    error = "'" + std::string(text) + "' is not an IPv4 or IPv6 address (ADDRESS[/PREFIX])";
    return std::nullopt;
  }
  return out;
}

}  // namespace canon::nic
