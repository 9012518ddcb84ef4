// Answers written over the frame that asked, in place: the Ethernet and IP
// addresses swapped (ours as the source), lengths set, checksums written in
// software or left to the NIC. Each returns the new frame length. The 802.1Q
// tag, when there was one, stays: the answer goes back on the query's VLAN.
#pragma once

#include <cstddef>
#include <cstdint>

#include "nic/frame_decoder.hpp"
#include "nic/local_addresses.hpp"

namespace canon::nic {

// What the port computes on transmit. With `ipv4_header` the IPv4 checksum
// is left 0; with `udp` the UDP checksum holds the pseudo-header sum, as
// DPDK's offload expects (rte_ipv4_phdr_cksum / rte_ipv6_phdr_cksum).
struct TxOffload {
  bool ipv4_header = false;
  bool udp = false;
};

// The engine wrote `answer_length` bytes at d.payload.
[[nodiscard]] std::size_t finish_dns_answer(std::uint8_t* frame, const DecodedFrame& d, std::size_t answer_length,
                                            const LocalAddresses& local, TxOffload offload) noexcept;

// How many DNS bytes fit in an answer to `d` within `frame_room` and the
// link's MTU (IP packet ≤ `mtu`).
[[nodiscard]] std::size_t dns_answer_room(const DecodedFrame& d, std::size_t frame_room, std::size_t mtu) noexcept;

[[nodiscard]] std::size_t reply_arp(std::uint8_t* frame, const DecodedFrame& d, const LocalAddresses& local) noexcept;
[[nodiscard]] std::size_t reply_icmp_echo(std::uint8_t* frame, const DecodedFrame& d,
                                          const LocalAddresses& local) noexcept;
[[nodiscard]] std::size_t reply_icmp6_echo(std::uint8_t* frame, const DecodedFrame& d,
                                           const LocalAddresses& local) noexcept;
// Needs 32 bytes after the IPv6 header (the solicitation may have only 24).
[[nodiscard]] std::size_t reply_neighbor_advert(std::uint8_t* frame, const DecodedFrame& d,
                                                const LocalAddresses& local) noexcept;

}  // namespace canon::nic
