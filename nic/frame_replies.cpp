#include "nic/frame_replies.hpp"

#include <algorithm>
#include <cstring>

#include "nic/checksum.hpp"
#include "nic/frame_layout.hpp"

namespace canon::nic {

using namespace frame;

namespace {

// Back to the sender, from our MAC (the query may have come to broadcast).
void answer_ethernet(std::uint8_t* f, const LocalAddresses& local) noexcept {
  std::memcpy(f, f + kMacBytes, kMacBytes);
  std::memcpy(f + kMacBytes, local.mac.data(), kMacBytes);
}

void finish_ipv4_header(std::uint8_t* ip, std::size_t total, bool offload) noexcept {
  store16(ip + 2, static_cast<std::uint16_t>(total));
  store16(ip + 6, 0x4000);  // DF, no fragment offset
  ip[8] = kTtl;
  store16(ip + 10, 0);
  if (!offload) store16(ip + 10, checksum_fold(checksum_add(ip, kIpv4)));
}

// The IPv6 pseudo-header sum of a `bytes`-long upper-layer message.
std::uint32_t ipv6_pseudo_sum(const std::uint8_t* ip, std::size_t bytes, std::uint8_t protocol) noexcept {
  return checksum_add(ip + 8, 32) + static_cast<std::uint32_t>(bytes) + protocol;
}

std::uint16_t fold_without_complement(std::uint32_t sum) noexcept {
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  return static_cast<std::uint16_t>(sum);
}

}  // namespace

std::size_t dns_answer_room(const DecodedFrame& d, std::size_t frame_room, std::size_t mtu) noexcept {
  const std::size_t ip_header = d.ipv6 ? kIpv6 : kIpv4;
  const std::size_t by_buffer = frame_room > d.payload ? frame_room - d.payload : 0;
  const std::size_t by_mtu = mtu > ip_header + kUdp ? mtu - ip_header - kUdp : 0;
  return std::min(by_buffer, by_mtu);
}

std::size_t finish_dns_answer(std::uint8_t* f, const DecodedFrame& d, std::size_t answer_length,
                              const LocalAddresses& local, TxOffload offload) noexcept {
  answer_ethernet(f, local);
  std::uint8_t* ip = f + d.l3;
  std::uint8_t* udp = f + d.l4;
  const std::size_t udp_length = kUdp + answer_length;
  swap_bytes<2>(udp, udp + 2);
  store16(udp + 4, static_cast<std::uint16_t>(udp_length));
  store16(udp + 6, 0);
  std::uint32_t pseudo = 0;
  if (d.ipv6) {
    swap_bytes<16>(ip + 8, ip + 24);
    store16(ip + 4, static_cast<std::uint16_t>(udp_length));
    ip[7] = kTtl;
    pseudo = ipv6_pseudo_sum(ip, udp_length, kProtoUdp);
  } else {
    swap_bytes<4>(ip + 12, ip + 16);
    finish_ipv4_header(ip, kIpv4 + udp_length, offload.ipv4_header);
    pseudo = checksum_add(ip + 12, 8) + kProtoUdp + static_cast<std::uint32_t>(udp_length);
  }
  if (offload.udp) {
    store16(udp + 6, fold_without_complement(pseudo));
  } else {
    std::uint16_t sum = checksum_fold(checksum_add(udp, udp_length, pseudo));
    store16(udp + 6, sum == 0 ? 0xffff : sum);  // 0 means "no checksum" (RFC 768)
  }
  return d.payload + answer_length;
}

std::size_t reply_arp(std::uint8_t* f, const DecodedFrame& d, const LocalAddresses& local) noexcept {
  answer_ethernet(f, local);
  std::uint8_t* arp = f + d.l3;
  store16(arp + 6, 2);  // reply
  std::uint8_t our_ip[4];
  std::memcpy(our_ip, arp + 24, 4);                   // the address asked for (one of ours)
  std::memcpy(arp + 18, arp + 8, kMacBytes + 4);      // target ← sender (MAC and IP)
  std::memcpy(arp + 8, local.mac.data(), kMacBytes);  // sender ← us
  std::memcpy(arp + 14, our_ip, 4);
  return d.l3 + kArp;
}

std::size_t reply_icmp_echo(std::uint8_t* f, const DecodedFrame& d, const LocalAddresses& local) noexcept {
  answer_ethernet(f, local);
  std::uint8_t* ip = f + d.l3;
  std::uint8_t* icmp = f + d.l4;
  swap_bytes<4>(ip + 12, ip + 16);
  finish_ipv4_header(ip, kIpv4 + d.l4_length, false);
  icmp[0] = kIcmpEchoReply;
  store16(icmp + 2, 0);
  store16(icmp + 2, checksum_fold(checksum_add(icmp, d.l4_length)));
  return d.l4 + d.l4_length;
}

std::size_t reply_icmp6_echo(std::uint8_t* f, const DecodedFrame& d, const LocalAddresses& local) noexcept {
  answer_ethernet(f, local);
  std::uint8_t* ip = f + d.l3;
  std::uint8_t* icmp = f + d.l4;
  swap_bytes<16>(ip + 8, ip + 24);
  ip[7] = kTtl;
  icmp[0] = kIcmp6EchoReply;
  store16(icmp + 2, 0);
  store16(icmp + 2, checksum_fold(checksum_add(icmp, d.l4_length, ipv6_pseudo_sum(ip, d.l4_length, kProtoIcmp6))));
  return d.l4 + d.l4_length;
}

std::size_t reply_neighbor_advert(std::uint8_t* f, const DecodedFrame& d, const LocalAddresses& local) noexcept {
  // RFC 4861 §7.2.4: to the solicitation's source, or to all-nodes when it
  // came from the unspecified address (duplicate address detection).
  static constexpr std::uint8_t kAllNodes[16] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static constexpr std::uint8_t kUnspecified[16] = {};
  constexpr std::size_t kAdvert = 32;  // header 4, flags 4, target 16, target link-layer option 8
  std::uint8_t* ip = f + d.l3;
  std::uint8_t* icmp = f + d.l4;
  const bool from_unspecified = std::memcmp(ip + 8, kUnspecified, 16) == 0;
  std::uint8_t target[16];
  std::memcpy(target, icmp + 8, 16);

  if (from_unspecified) {
    static constexpr std::uint8_t kAllNodesMac[6] = {0x33, 0x33, 0, 0, 0, 1};
    std::memcpy(f, kAllNodesMac, kMacBytes);
    std::memcpy(f + kMacBytes, local.mac.data(), kMacBytes);
    std::memcpy(ip + 24, kAllNodes, 16);
  } else {
    answer_ethernet(f, local);
    std::memcpy(ip + 24, ip + 8, 16);
  }
  std::memcpy(ip + 8, target, 16);
  store16(ip + 4, kAdvert);
  ip[7] = 255;  // required for neighbour discovery
  icmp[0] = kIcmp6NeighborAdvert;
  icmp[1] = 0;
  store16(icmp + 2, 0);
  icmp[4] = static_cast<std::uint8_t>(from_unspecified ? 0x20 : 0x60);  // (S)olicited unless DAD, (O)verride
  icmp[5] = icmp[6] = icmp[7] = 0;
  std::memcpy(icmp + 8, target, 16);
  icmp[24] = 2;  // target link-layer address option, 1 × 8 bytes
  icmp[25] = 1;
  std::memcpy(icmp + 26, local.mac.data(), kMacBytes);
  store16(icmp + 2, checksum_fold(checksum_add(icmp, kAdvert, ipv6_pseudo_sum(ip, kAdvert, kProtoIcmp6))));
  return d.l4 + kAdvert;
}

}  // namespace canon::nic
