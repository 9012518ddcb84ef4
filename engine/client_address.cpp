#include "engine/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace canon::engine {

ClientAddress masked(const ClientAddress& a, unsigned length) noexcept {
  ClientAddress out = a;
  if (length >= 128) return out;
  const unsigned whole = length / 8;
  out.bytes[whole] = static_cast<std::uint8_t>(out.bytes[whole] & (0xff00u >> (length % 8)));
  std::memset(out.bytes.data() + whole + 1, 0, 15 - whole);
  return out;
}

std::optional<AddressPrefix> parse_prefix(std::string_view text, std::string& error) {
  const auto slash = text.find('/');
  const std::string host(text.substr(0, slash));
  AddressPrefix prefix;
  unsigned max_length = 0;
  std::uint8_t raw[16];
  if (::inet_pton(AF_INET, host.c_str(), raw) == 1) {
    prefix.address = ClientAddress::v4(raw);
    max_length = 32;
  } else if (::inet_pton(AF_INET6, host.c_str(), raw) == 1) {
    prefix.address = ClientAddress::v6(raw);
    max_length = 128;
  } else {
    error = "'" + std::string(text) + "' is not an IPv4 or IPv6 prefix (e.g. 198.18.0.0/24, 2001:db8::/56)";
    return std::nullopt;
  }
  unsigned length = max_length;
  if (slash != std::string_view::npos) {
    const std::string_view digits = text.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), length);
    if (ec != std::errc{} || end != digits.data() + digits.size() || digits.empty() || length > max_length) {
      error = "'" + std::string(text) + "': the prefix length must be 0.." + std::to_string(max_length);
      return std::nullopt;
    }
  }
  prefix.length = static_cast<std::uint8_t>(max_length == 32 ? 96 + length : length);
  if (masked(prefix.address, prefix.length).bytes != prefix.address.bytes) {
    error = "'" + std::string(text) + "' has host bits set after /" + std::to_string(length);
    return std::nullopt;
  }
  return prefix;
}

std::string address_text(const ClientAddress& address) {
  const std::string text = prefix_text(AddressPrefix{address, 128});
  return text.substr(0, text.find('/'));
}

std::string prefix_text(const AddressPrefix& prefix) {
  char buffer[INET6_ADDRSTRLEN] = {};
  if (prefix.address.is_v4() && prefix.length >= 96) {
    ::inet_ntop(AF_INET, prefix.address.bytes.data() + 12, buffer, sizeof(buffer));
    return std::string(buffer) + "/" + std::to_string(prefix.length - 96);
  }
  ::inet_ntop(AF_INET6, prefix.address.bytes.data(), buffer, sizeof(buffer));
  return std::string(buffer) + "/" + std::to_string(prefix.length);
}

}  // namespace canon::engine
