#include "arp.hpp"

#include <algorithm>
#include <cstring>

namespace canon::gen {

namespace {

// Offsets inside the frame (ARP body starts after the Ethernet header).
constexpr std::size_t kArpOff = kEthLen;
constexpr std::size_t kOp = kArpOff + 6;
constexpr std::size_t kSenderMac = kArpOff + 8;
constexpr std::size_t kSenderIp = kArpOff + 14;
constexpr std::size_t kTargetMac = kArpOff + 18;
constexpr std::size_t kTargetIp = kArpOff + 24;
constexpr std::size_t kArpEnd = kArpOff + 28;

// Ethernet/IPv4 ARP with the given opcode?
[[nodiscard]] bool is_arp(const std::uint8_t* frame, std::size_t length, std::uint16_t op) {
  return length >= kArpEnd && load16(frame + 12) == kEtherArp && load16(frame + kArpOff) == 1 &&
         load16(frame + kArpOff + 2) == kEtherIpv4 && frame[kArpOff + 4] == 6 &&
         frame[kArpOff + 5] == 4 && load16(frame + kOp) == op;
}

void write_body(std::uint8_t* frame, std::uint16_t op, const MacAddress& our_mac, Ipv4 our_ip) {
  store16(frame + 12, kEtherArp);
  store16(frame + kArpOff, 1);
  store16(frame + kArpOff + 2, kEtherIpv4);
  frame[kArpOff + 4] = 6;
  frame[kArpOff + 5] = 4;
  store16(frame + kOp, op);
  std::copy(our_mac.begin(), our_mac.end(), frame + kSenderMac);
  store32(frame + kSenderIp, our_ip.value);
}

}  // namespace

std::size_t build_arp_request(std::uint8_t* frame, const MacAddress& our_mac, Ipv4 our_ip,
                              Ipv4 target) {
  std::memset(frame, 0, kArpFrameLen);
  std::copy(kBroadcastMac.begin(), kBroadcastMac.end(), frame);
  std::copy(our_mac.begin(), our_mac.end(), frame + 6);
  write_body(frame, 1, our_mac, our_ip);
  store32(frame + kTargetIp, target.value);
  return kArpFrameLen;
}

bool answer_arp_request(std::uint8_t* frame, std::size_t length, const MacAddress& our_mac,
                        Ipv4 our_ip) {
  if (!is_arp(frame, length, 1) || load32(frame + kTargetIp) != our_ip.value) return false;
  std::uint8_t asker_mac[6];
  std::uint8_t asker_ip[4];
  std::memcpy(asker_mac, frame + kSenderMac, 6);
  std::memcpy(asker_ip, frame + kSenderIp, 4);
  std::memcpy(frame, asker_mac, 6);
  std::copy(our_mac.begin(), our_mac.end(), frame + 6);
  write_body(frame, 2, our_mac, our_ip);
  std::memcpy(frame + kTargetMac, asker_mac, 6);
  std::memcpy(frame + kTargetIp, asker_ip, 4);
  return true;
}

std::optional<MacAddress> arp_reply_from(const std::uint8_t* frame, std::size_t length,
                                         const MacAddress& our_mac, Ipv4 our_ip, Ipv4 peer) {
  if (!is_arp(frame, length, 2) || !mac_equal(frame, our_mac) ||
      load32(frame + kSenderIp) != peer.value || load32(frame + kTargetIp) != our_ip.value) {
    return std::nullopt;
  }
  MacAddress mac;
  std::memcpy(mac.data(), frame + kSenderMac, 6);
  return mac;
}

}  // namespace canon::gen
