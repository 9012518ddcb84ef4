// What a received frame is, decided from its bytes alone (no DPDK types, so
// the decoder is unit-tested and fuzzed on plain buffers).
//
//   Ethernet [802.1Q] ─┬─ ARP request for one of ours ──────────▶ kArpRequest
//                      ├─ IPv4 (no options, not a fragment) to one of ours
//                      │    ├─ UDP to dns_port, checksum good ───▶ kDns
//                      │    └─ ICMP echo request ────────────────▶ kIcmpEcho
//                      ├─ IPv6 (next header UDP or ICMPv6 directly)
//                      │    ├─ UDP to one of ours : dns_port ───▶ kDns
//                      │    ├─ echo request to one of ours ─────▶ kIcmp6Echo
//                      │    └─ neighbour solicitation for ours ─▶ kNeighborSolicit
//                      └─ anything else for this host ──────────▶ kException (the kernel's)
//   a frame for another host's MAC, a bad checksum, a truncated header ─▶ kDrop
#pragma once

#include <cstddef>
#include <cstdint>

#include "nic/local_addresses.hpp"

namespace canon::nic {

enum class FrameKind : std::uint8_t {
  kDrop,
  kException,
  kDns,
  kArpRequest,
  kIcmpEcho,
  kIcmp6Echo,
  kNeighborSolicit,
};

// Why a frame was dropped (counted per queue).
enum class DropReason : std::uint8_t { kNone, kNotForUs, kMalformed, kBadChecksum };

struct DecodedFrame {
  FrameKind kind = FrameKind::kDrop;
  DropReason drop = DropReason::kNone;
  bool ipv6 = false;
  std::uint16_t l3 = 0;       // offset of the ARP / IP header
  std::uint16_t l4 = 0;       // offset of the UDP / ICMP header
  std::uint16_t payload = 0;  // offset of the DNS message (kDns)
  std::uint16_t payload_length = 0;
  std::uint16_t l4_length = 0;  // UDP length / ICMP message length
};

// `verify_udp_checksum`: false when the NIC already verified it.
[[nodiscard]] DecodedFrame decode_frame(const std::uint8_t* frame, std::size_t length,
                                        const LocalAddresses& local, bool verify_udp_checksum) noexcept;

}  // namespace canon::nic
