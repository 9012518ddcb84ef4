// Byte offsets and constants of the headers the DPDK path reads and writes.
// Frames are handled as bytes (no packed structs): loads and stores are
// big-endian helpers over a pointer, so the code is alignment-safe and the
// same on every host.
//
//   Ethernet  dst[6] src[6] type[2]            (802.1Q: type 0x8100, tci[2], type[2])
//   ARP       htype[2] ptype[2] hlen plen op[2] sha[6] spa[4] tha[6] tpa[4]
//   IPv4      ver/ihl tos len[2] id[2] frag[2] ttl proto csum[2] src[4] dst[4]
//   IPv6      ver/tc/flow[4] plen[2] next hop src[16] dst[16]
//   UDP       sport[2] dport[2] len[2] csum[2]
//   ICMP(v6)  type code csum[2] ...
#pragma once

#include <cstdint>
#include <cstring>

#include "engine/wire.hpp"

namespace canon::nic::frame {

inline constexpr std::size_t kEthernet = 14;
inline constexpr std::size_t kVlanTag = 4;
inline constexpr std::size_t kIpv4 = 20;
inline constexpr std::size_t kIpv6 = 40;
inline constexpr std::size_t kUdp = 8;
inline constexpr std::size_t kArp = 28;
inline constexpr std::size_t kMacBytes = 6;
// Where the source address lies in an IP header.
inline constexpr std::size_t kIpv4Source = 12;
inline constexpr std::size_t kIpv6Source = 8;

inline constexpr std::uint16_t kTypeIpv4 = 0x0800;
inline constexpr std::uint16_t kTypeArp = 0x0806;
inline constexpr std::uint16_t kTypeVlan = 0x8100;
inline constexpr std::uint16_t kTypeIpv6 = 0x86dd;

inline constexpr std::uint8_t kProtoIcmp = 1;
inline constexpr std::uint8_t kProtoUdp = 17;
inline constexpr std::uint8_t kProtoIcmp6 = 58;

inline constexpr std::uint8_t kIcmpEchoReply = 0;
inline constexpr std::uint8_t kIcmpEchoRequest = 8;
inline constexpr std::uint8_t kIcmp6EchoRequest = 128;
inline constexpr std::uint8_t kIcmp6EchoReply = 129;
inline constexpr std::uint8_t kIcmp6NeighborSolicit = 135;
inline constexpr std::uint8_t kIcmp6NeighborAdvert = 136;

// The TTL / hop limit of what we send.
inline constexpr std::uint8_t kTtl = 64;

// Big-endian fields: the one set of helpers, engine/wire.hpp's.
using engine::load16;
using engine::load32;
using engine::store16;
using engine::store32;
// Swaps two equal-sized fields (addresses, ports) in place.
template <std::size_t N>
inline void swap_bytes(std::uint8_t* a, std::uint8_t* b) noexcept {
  std::uint8_t t[N];
  std::memcpy(t, a, N);
  std::memcpy(a, b, N);
  std::memcpy(b, t, N);
}

}  // namespace canon::nic::frame
