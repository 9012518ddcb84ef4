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

#include "engine/wire.hpp"

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

// Big-endian fields: the one set of helpers, engine/wire.hpp's.
using engine::load16;
using engine::load32;
using engine::store16;
using engine::store32;
[[nodiscard]] inline bool mac_equal(const std::uint8_t* p, const MacAddress& mac) {
  for (std::size_t i = 0; i < mac.size(); ++i)
    if (p[i] != mac[i]) return false;
  return true;
}

}  // namespace canon::gen
