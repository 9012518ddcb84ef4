// ARP for IPv4 over Ethernet (RFC 826), as much as a traffic generator needs:
// ask for the server's MAC, and answer the server when it asks for ours.
//
//   request:  dst ff:ff:ff:ff:ff:ff  op 1  sender (our MAC, our IP)  target (0, their IP)
//   reply:    dst their MAC          op 2  sender (our MAC, our IP)  target (their MAC, IP)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "wire.hpp"

namespace canon::gen {

inline constexpr std::size_t kArpFrameLen = 60;  // 42 bytes padded to the Ethernet minimum

// Writes a request for `target` into frame (kArpFrameLen bytes); returns the length.
std::size_t build_arp_request(std::uint8_t* frame, const MacAddress& our_mac, Ipv4 our_ip,
                              Ipv4 target);

// When frame is a request for our_ip, rewrites it in place into our reply and
// returns true; otherwise leaves it as it is and returns false.
[[nodiscard]] bool answer_arp_request(std::uint8_t* frame, std::size_t length,
                                      const MacAddress& our_mac, Ipv4 our_ip);

// The sender's MAC when frame is a reply from `peer` to us (our MAC, our IP).
[[nodiscard]] std::optional<MacAddress> arp_reply_from(const std::uint8_t* frame,
                                                       std::size_t length,
                                                       const MacAddress& our_mac, Ipv4 our_ip,
                                                       Ipv4 peer);

}  // namespace canon::gen
