// Frames built byte by byte for the nic/ frame tests: every header written
// field by field from the layout in nic/frame_layout.hpp, checksums computed
// here (so a test can break exactly one thing and see the decoder notice).
//
//   auto f = udp4({}, {}, 40000, 53, payload);   // peer → us, valid checksums
//   f[kL3 + 10] ^= 1;                            // break the IPv4 checksum
//
// Addresses come from the benchmarking ranges: 198.18.0.0/15 and 2001:2::/48.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "nic/checksum.hpp"
#include "nic/frame_layout.hpp"
#include "nic/local_addresses.hpp"

namespace canon::nic::test {

using Bytes = std::vector<std::uint8_t>;
using Mac = std::array<std::uint8_t, 6>;
using Ip4 = std::array<std::uint8_t, 4>;
using Ip6 = std::array<std::uint8_t, 16>;

inline constexpr Mac kOurMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x53};
inline constexpr Mac kPeerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x07};
inline constexpr Mac kOtherMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
inline constexpr Mac kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

inline constexpr Ip4 kOur4 = {198, 18, 0, 2};
inline constexpr Ip4 kPeer4 = {198, 19, 1, 7};
inline constexpr Ip4 kOther4 = {198, 18, 0, 99};

inline constexpr Ip6 kOur6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53};
inline constexpr Ip6 kPeer6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x07};
inline constexpr Ip6 kOther6 = {0x20, 0x01, 0x00, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x99};
inline constexpr Ip6 kUnspecified6 = {};
// ff02::1:ff00:53, the solicited-node group of kOur6, and its MAC.
inline constexpr Ip6 kOurSolicited6 = {0xff, 0x02, 0, 0,    0,    0,    0,    0,
                                       0,    0,    0, 0x01, 0xff, 0x00, 0x00, 0x53};
inline constexpr Mac kOurSolicitedMac = {0x33, 0x33, 0xff, 0x00, 0x00, 0x53};

// Offsets in an untagged frame (add frame::kVlanTag for a tagged one).
inline constexpr std::size_t kL3 = frame::kEthernet;
inline constexpr std::size_t kL4v4 = kL3 + frame::kIpv4;
inline constexpr std::size_t kL4v6 = kL3 + frame::kIpv6;

inline LocalAddresses our_addresses() {
  LocalAddresses local;
  local.mac = kOurMac;
  InterfaceAddress four;
  std::copy(kOur4.begin(), kOur4.end(), four.bytes.begin());
  InterfaceAddress six;
  six.ipv6 = true;
  six.bytes = kOur6;
  local.add(four);
  local.add(six);
  return local;
}

inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
template <std::size_t N>
inline void put(Bytes& b, const std::array<std::uint8_t, N>& a) {
  b.insert(b.end(), a.begin(), a.end());
}
inline void put(Bytes& b, const Bytes& a) {
  b.insert(b.end(), a.begin(), a.end());
}

struct L2 {
  Mac dst = kOurMac;
  Mac src = kPeerMac;
  std::vector<std::uint16_t> vlans;  // 802.1Q tags (TCI), outermost first
};

struct Ipv4 {
  Ip4 src = kPeer4;
  Ip4 dst = kOur4;
  std::uint8_t protocol = frame::kProtoUdp;
  std::uint8_t ttl = 64;
  std::uint16_t fragment = 0;  // flags (0x2000 = MF) and offset
  Bytes options;               // a multiple of 4 bytes; IHL follows
};

struct Ipv6 {
  Ip6 src = kPeer6;
  Ip6 dst = kOur6;
  std::uint8_t next = frame::kProtoUdp;
  std::uint8_t hop_limit = 64;
  bool hop_by_hop = false;  // an 8-byte hop-by-hop options header before `next`
};

inline Bytes ethernet(const L2& l2, std::uint16_t type) {
  Bytes b;
  put(b, l2.dst);
  put(b, l2.src);
  for (const std::uint16_t tci : l2.vlans) {
    put16(b, frame::kTypeVlan);
    put16(b, tci);
  }
  put16(b, type);
  return b;
}

inline std::uint32_t pseudo4(const Ip4& src, const Ip4& dst, std::uint8_t protocol,
                             std::size_t length) {
  return checksum_add(src.data(), 4, checksum_add(dst.data(), 4)) + protocol +
         static_cast<std::uint32_t>(length);
}
inline std::uint32_t pseudo6(const Ip6& src, const Ip6& dst, std::uint8_t protocol,
                             std::size_t length) {
  return checksum_add(src.data(), 16, checksum_add(dst.data(), 16)) + protocol +
         static_cast<std::uint32_t>(length);
}

// The IPv4 header (checksum valid) followed by `l4`.
inline Bytes ipv4_packet(const Ipv4& ip, const Bytes& l4) {
  Bytes b;
  const std::size_t header = frame::kIpv4 + ip.options.size();
  b.push_back(static_cast<std::uint8_t>(0x40 | header / 4));
  b.push_back(0);
  put16(b, static_cast<std::uint16_t>(header + l4.size()));
  put16(b, 0x1234);  // id
  put16(b, ip.fragment);
  b.push_back(ip.ttl);
  b.push_back(ip.protocol);
  put16(b, 0);
  put(b, ip.src);
  put(b, ip.dst);
  put(b, ip.options);
  frame::store16(b.data() + 10, checksum_fold(checksum_add(b.data(), header)));
  put(b, l4);
  return b;
}

inline Bytes ipv6_packet(const Ipv6& ip, const Bytes& upper) {
  Bytes b;
  put16(b, 0x6000);
  put16(b, 0);
  put16(b, static_cast<std::uint16_t>(upper.size() + (ip.hop_by_hop ? 8 : 0)));
  b.push_back(ip.hop_by_hop ? 0 : ip.next);
  b.push_back(ip.hop_limit);
  put(b, ip.src);
  put(b, ip.dst);
  if (ip.hop_by_hop) put(b, Bytes{ip.next, 0, 1, 4, 0, 0, 0, 0});  // PadN to 8 bytes
  put(b, upper);
  return b;
}

inline Bytes udp_segment(std::uint16_t sport, std::uint16_t dport, const Bytes& payload,
                         std::uint32_t pseudo) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<std::uint16_t>(frame::kUdp + payload.size()));
  put16(b, 0);
  put(b, payload);
  const std::uint16_t sum = checksum_fold(checksum_add(b.data(), b.size(), pseudo));
  frame::store16(b.data() + 6, sum == 0 ? 0xffff : sum);
  return b;
}

inline Bytes udp4(const L2& l2, const Ipv4& ip, std::uint16_t sport, std::uint16_t dport,
                  const Bytes& payload) {
  const auto udp =
      udp_segment(sport, dport, payload,
                  pseudo4(ip.src, ip.dst, frame::kProtoUdp, frame::kUdp + payload.size()));
  Bytes f = ethernet(l2, frame::kTypeIpv4);
  put(f, ipv4_packet(ip, udp));
  return f;
}

inline Bytes udp6(const L2& l2, const Ipv6& ip, std::uint16_t sport, std::uint16_t dport,
                  const Bytes& payload) {
  const auto udp =
      udp_segment(sport, dport, payload,
                  pseudo6(ip.src, ip.dst, frame::kProtoUdp, frame::kUdp + payload.size()));
  Bytes f = ethernet(l2, frame::kTypeIpv6);
  put(f, ipv6_packet(ip, udp));
  return f;
}

// An ICMP message (type, code, checksum filled in, then `body`) over IPv4.
inline Bytes icmp4(const L2& l2, Ipv4 ip, std::uint8_t type, const Bytes& body) {
  Bytes m = {type, 0, 0, 0};
  put(m, body);
  frame::store16(m.data() + 2, checksum_fold(checksum_add(m.data(), m.size())));
  ip.protocol = frame::kProtoIcmp;
  Bytes f = ethernet(l2, frame::kTypeIpv4);
  put(f, ipv4_packet(ip, m));
  return f;
}

inline Bytes icmp6(const L2& l2, Ipv6 ip, std::uint8_t type, const Bytes& body) {
  Bytes m = {type, 0, 0, 0};
  put(m, body);
  const std::uint32_t pseudo = pseudo6(ip.src, ip.dst, frame::kProtoIcmp6, m.size());
  frame::store16(m.data() + 2, checksum_fold(checksum_add(m.data(), m.size(), pseudo)));
  ip.next = frame::kProtoIcmp6;
  Bytes f = ethernet(l2, frame::kTypeIpv6);
  put(f, ipv6_packet(ip, m));
  return f;
}

// Echo identifier 0x4242, sequence 7, then `data`.
inline Bytes echo_body(const Bytes& data) {
  Bytes b = {0x42, 0x42, 0x00, 0x07};
  put(b, data);
  return b;
}

// A neighbour solicitation body: reserved, target, and (unless DAD) the
// source link-layer address option.
inline Bytes solicitation_body(const Ip6& target, bool source_link_layer_option = true) {
  Bytes b = {0, 0, 0, 0};
  put(b, target);
  if (source_link_layer_option) {
    put(b, Bytes{1, 1});
    put(b, kPeerMac);
  }
  return b;
}

// ARP for Ethernet/IPv4: op 1 request, 2 reply.
inline Bytes arp(const L2& l2, std::uint16_t op, const Mac& sha, const Ip4& spa, const Mac& tha,
                 const Ip4& tpa) {
  Bytes f = ethernet(l2, frame::kTypeArp);
  put16(f, 1);
  put16(f, frame::kTypeIpv4);
  f.push_back(6);
  f.push_back(4);
  put16(f, op);
  put(f, sha);
  put(f, spa);
  put(f, tha);
  put(f, tpa);
  return f;
}

// Recomputes the IPv4 header checksum after a test changed a field.
inline void fix_ipv4_checksum(Bytes& f, std::size_t l3 = kL3) {
  const std::size_t header = static_cast<std::size_t>(f[l3] & 0x0f) * 4;
  frame::store16(f.data() + l3 + 10, 0);
  frame::store16(f.data() + l3 + 10, checksum_fold(checksum_add(f.data() + l3, header)));
}

}  // namespace canon::nic::test
