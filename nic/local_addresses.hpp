// The addresses the DPDK path answers for: DNS on `dns_port`, ARP / ICMP
// echo for each IPv4 address, neighbour advertisements / ICMPv6 echo for each
// IPv6 address. Fixed arrays, read-only once workers run.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace canon::nic {

// One `--address` as given: "198.18.0.2/24", "2001:db8::2/64", "198.18.0.2"
// (a host address: /32 or /128). The prefix is used only for the kernel side
// of the exception path (the TAP interface gets the address with it).
struct InterfaceAddress {
  bool ipv6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4
  unsigned prefix = 32;
  std::string text;
};

// Parses one address; on failure returns nullopt and says why in `error`.
[[nodiscard]] std::optional<InterfaceAddress> parse_interface_address(std::string_view text, std::string& error);

struct LocalAddresses {
  static constexpr std::size_t kMax = 16;
  std::array<std::uint8_t, 6> mac{};
  std::array<std::array<std::uint8_t, 4>, kMax> ipv4{};
  std::array<std::array<std::uint8_t, 16>, kMax> ipv6{};
  std::uint8_t ipv4_count = 0;
  std::uint8_t ipv6_count = 0;
  std::uint16_t dns_port = 53;

  [[nodiscard]] bool has_ipv4(const std::uint8_t* address) const noexcept {
    for (std::size_t i = 0; i < ipv4_count; ++i) {
      if (std::memcmp(ipv4[i].data(), address, 4) == 0) return true;
    }
    return false;
  }
  [[nodiscard]] bool has_ipv6(const std::uint8_t* address) const noexcept {
    for (std::size_t i = 0; i < ipv6_count; ++i) {
      if (std::memcmp(ipv6[i].data(), address, 16) == 0) return true;
    }
    return false;
  }
  // Adds an address; false when the table is full.
  bool add(const InterfaceAddress& a) noexcept {
    if (a.ipv6) {
      if (ipv6_count == kMax) return false;
      ipv6[ipv6_count++] = a.bytes;
    } else {
      if (ipv4_count == kMax) return false;
      std::memcpy(ipv4[ipv4_count++].data(), a.bytes.data(), 4);
    }
    return true;
  }
};

}  // namespace canon::nic
