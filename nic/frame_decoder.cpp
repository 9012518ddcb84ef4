#include "nic/frame_decoder.hpp"

#include <cstring>

#include "nic/checksum.hpp"
#include "nic/frame_layout.hpp"

namespace canon::nic {

using namespace frame;

namespace {

DecodedFrame dropped(DropReason why) noexcept {
  DecodedFrame d;
  d.kind = FrameKind::kDrop;
  d.drop = why;
  return d;
}

DecodedFrame exception(const DecodedFrame& so_far) noexcept {
  DecodedFrame d = so_far;
  d.kind = FrameKind::kException;
  return d;
}

// Unicast to our MAC, broadcast, or multicast (bit 0 of the first byte).
bool addressed_to_us(const std::uint8_t* dst, const LocalAddresses& local) noexcept {
  return (dst[0] & 1) != 0 || std::memcmp(dst, local.mac.data(), kMacBytes) == 0;
}

DecodedFrame decode_arp(const std::uint8_t* f, std::size_t length, DecodedFrame d,
                        const LocalAddresses& local) noexcept {
  if (length < d.l3 + kArp) return dropped(DropReason::kMalformed);
  const std::uint8_t* arp = f + d.l3;
  const bool ethernet_ipv4 = load16(arp) == 1 && load16(arp + 2) == kTypeIpv4 && arp[4] == 6 && arp[5] == 4;
  if (ethernet_ipv4 && load16(arp + 6) == 1 && local.has_ipv4(arp + 24)) {
    d.kind = FrameKind::kArpRequest;
    return d;
  }
  return exception(d);  // replies and other hosts' requests: the kernel learns from them
}

DecodedFrame decode_ipv4(const std::uint8_t* f, std::size_t length, DecodedFrame d, const LocalAddresses& local,
                         bool verify_udp_checksum) noexcept {
  if (length < d.l3 + kIpv4) return dropped(DropReason::kMalformed);
  const std::uint8_t* ip = f + d.l3;
  if ((ip[0] >> 4) != 4) return dropped(DropReason::kMalformed);
  const std::size_t header = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
  const std::size_t total = load16(ip + 2);
  if (header < kIpv4 || total < header || d.l3 + total > length) return dropped(DropReason::kMalformed);
  if (!local.has_ipv4(ip + 16)) return exception(d);
  const bool fragment = (load16(ip + 6) & 0x3fff) != 0;  // MF or an offset
  if (header != kIpv4 || fragment) return exception(d);   // options and fragments: the kernel's
  if (checksum_fold(checksum_add(ip, kIpv4)) != 0) return dropped(DropReason::kBadChecksum);
  d.l4 = static_cast<std::uint16_t>(d.l3 + kIpv4);
  const std::size_t l4_room = total - kIpv4;
  const std::uint8_t* l4 = f + d.l4;
  if (ip[9] == kProtoIcmp) {
    if (l4_room < 8 || l4[0] != kIcmpEchoRequest || l4[1] != 0) return exception(d);
    if (checksum_fold(checksum_add(l4, l4_room)) != 0) return dropped(DropReason::kBadChecksum);
    d.kind = FrameKind::kIcmpEcho;
    d.l4_length = static_cast<std::uint16_t>(l4_room);
    return d;
  }
  if (ip[9] != kProtoUdp) return exception(d);
  if (l4_room < kUdp) return dropped(DropReason::kMalformed);
  const std::size_t udp_length = load16(l4 + 4);
  if (udp_length < kUdp || udp_length > l4_room) return dropped(DropReason::kMalformed);
  if (load16(l4 + 2) != local.dns_port) return exception(d);
  if (verify_udp_checksum && load16(l4 + 6) != 0) {  // 0: the sender computed none (RFC 768)
    std::uint32_t sum = checksum_add(ip + 12, 8);
    sum += kProtoUdp + static_cast<std::uint32_t>(udp_length);
    if (checksum_fold(checksum_add(l4, udp_length, sum)) != 0) return dropped(DropReason::kBadChecksum);
  }
  d.kind = FrameKind::kDns;
  d.l4_length = static_cast<std::uint16_t>(udp_length);
  d.payload = static_cast<std::uint16_t>(d.l4 + kUdp);
  d.payload_length = static_cast<std::uint16_t>(udp_length - kUdp);
  return d;
}

bool solicited_node_multicast(const std::uint8_t* address) noexcept {
  static constexpr std::uint8_t kPrefix[13] = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
  return std::memcmp(address, kPrefix, sizeof(kPrefix)) == 0;
}

DecodedFrame decode_ipv6(const std::uint8_t* f, std::size_t length, DecodedFrame d, const LocalAddresses& local,
                         bool verify_udp_checksum) noexcept {
  d.ipv6 = true;
  if (length < d.l3 + kIpv6) return dropped(DropReason::kMalformed);
  const std::uint8_t* ip = f + d.l3;
  if ((ip[0] >> 4) != 6) return dropped(DropReason::kMalformed);
  const std::size_t upper = load16(ip + 4);
  if (d.l3 + kIpv6 + upper > length) return dropped(DropReason::kMalformed);
  const std::uint8_t next = ip[6];
  const std::uint8_t* dst = ip + 24;
  const bool to_us = local.has_ipv6(dst);
  d.l4 = static_cast<std::uint16_t>(d.l3 + kIpv6);
  d.l4_length = static_cast<std::uint16_t>(upper);
  const std::uint8_t* l4 = f + d.l4;
  // One sum serves UDP and ICMPv6: the pseudo-header, then the segment.
  const auto upper_sum = [&](std::uint8_t protocol, std::size_t bytes) {
    std::uint32_t sum = checksum_add(ip + 8, 32);
    sum += static_cast<std::uint32_t>(bytes) + protocol;
    return checksum_fold(checksum_add(l4, bytes, sum));
  };
  if (next == kProtoIcmp6) {
    if (upper < 8) return dropped(DropReason::kMalformed);
    if (l4[0] == kIcmp6NeighborSolicit && (to_us || solicited_node_multicast(dst))) {
      // RFC 4861 §7.1.1: hop limit 255, code 0, at least 24 bytes; the target ours.
      if (upper < 24 || ip[7] != 255 || l4[1] != 0 || !local.has_ipv6(l4 + 8)) return exception(d);
      if (upper_sum(kProtoIcmp6, upper) != 0) return dropped(DropReason::kBadChecksum);
      d.kind = FrameKind::kNeighborSolicit;
      return d;
    }
    if (to_us && l4[0] == kIcmp6EchoRequest && l4[1] == 0) {
      if (upper_sum(kProtoIcmp6, upper) != 0) return dropped(DropReason::kBadChecksum);
      d.kind = FrameKind::kIcmp6Echo;
      return d;
    }
    return exception(d);
  }
  if (!to_us || next != kProtoUdp) return exception(d);  // extension headers: the kernel's
  if (upper < kUdp) return dropped(DropReason::kMalformed);
  const std::size_t udp_length = load16(l4 + 4);
  if (udp_length < kUdp || udp_length > upper) return dropped(DropReason::kMalformed);
  if (load16(l4 + 2) != local.dns_port) return exception(d);
  if (verify_udp_checksum && upper_sum(kProtoUdp, udp_length) != 0) return dropped(DropReason::kBadChecksum);
  d.kind = FrameKind::kDns;
  d.l4_length = static_cast<std::uint16_t>(udp_length);
  d.payload = static_cast<std::uint16_t>(d.l4 + kUdp);
  d.payload_length = static_cast<std::uint16_t>(udp_length - kUdp);
  return d;
}

}  // namespace

DecodedFrame decode_frame(const std::uint8_t* frame, std::size_t length, const LocalAddresses& local,
                          bool verify_udp_checksum) noexcept {
  if (length < kEthernet) return dropped(DropReason::kMalformed);
  if (!addressed_to_us(frame, local)) return dropped(DropReason::kNotForUs);
  DecodedFrame d;
  std::size_t type_at = 12;
  std::uint16_t type = load16(frame + type_at);
  if (type == kTypeVlan) {
    if (length < kEthernet + kVlanTag) return dropped(DropReason::kMalformed);
    type_at += kVlanTag;
    type = load16(frame + type_at);
    if (type == kTypeVlan) return exception(d);  // QinQ: not ours to parse
  }
  d.l3 = static_cast<std::uint16_t>(type_at + 2);
  switch (type) {
    case kTypeArp:
      return decode_arp(frame, length, d, local);
    case kTypeIpv4:
      return decode_ipv4(frame, length, d, local, verify_udp_checksum);
    case kTypeIpv6:
      return decode_ipv6(frame, length, d, local, verify_udp_checksum);
    default:
      return exception(d);
  }
}

}  // namespace canon::nic
