// The fixed frame layout the generator sends and expects back, and the small
// byte helpers shared by the frame builder, the ARP code and the response check.
//
//   offset  0  Ethernet: dst MAC, src MAC, type 0x0800        (14 bytes, no VLAN)
//   offset 14  IPv4: 0x45, len, id 0, DF, TTL 64, UDP, csum   (20 bytes, no options)
//   offset 34  UDP: sport (patched), dport, len, csum (patched)
//   offset 42  DNS: id (patched), flags, counts, question, OPT
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace canon::gen {

inline constexpr std::size_t kEthLen = 14;
inline constexpr std::size_t kIpOff = kEthLen;
inline constexpr std::size_t kIpLen = 20;
inline constexpr std::size_t kUdpOff = kIpOff + kIpLen;
inline constexpr std::size_t kUdpLen = 8;
inline constexpr std::size_t kDnsOff = kUdpOff + kUdpLen;
inline constexpr std::size_t kDnsHeaderLen = 12;
inline constexpr std::size_t kQuestionOff = kDnsOff + kDnsHeaderLen;
inline constexpr std::uint16_t kEtherIpv4 = 0x0800;
inline constexpr std::uint16_t kEtherArp = 0x0806;
inline constexpr std::uint8_t kProtoUdp = 17;

using MacAddress = std::array<std::uint8_t, 6>;
inline constexpr MacAddress kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

// An IPv4 address in host order (192.0.2.1 is 0xc0000201).
struct Ipv4 {
  std::uint32_t value = 0;
  friend bool operator==(Ipv4, Ipv4) = default;
};

[[nodiscard]] std::optional<Ipv4> parse_ipv4(std::string_view text);
[[nodiscard]] std::optional<MacAddress> parse_mac(std::string_view text);
[[nodiscard]] std::string to_string(Ipv4 address);
[[nodiscard]] std::string to_string(const MacAddress& mac);

[[nodiscard]] inline std::uint16_t load16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] << 8 | p[1]);
}
[[nodiscard]] inline std::uint32_t load32(const std::uint8_t* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}
inline void store16(std::uint8_t* p, std::uint16_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store32(std::uint8_t* p, std::uint32_t v) {
  store16(p, static_cast<std::uint16_t>(v >> 16));
  store16(p + 2, static_cast<std::uint16_t>(v));
}
[[nodiscard]] inline bool mac_equal(const std::uint8_t* p, const MacAddress& mac) {
  for (std::size_t i = 0; i < mac.size(); ++i)
    if (p[i] != mac[i]) return false;
  return true;
}

}  // namespace canon::gen
