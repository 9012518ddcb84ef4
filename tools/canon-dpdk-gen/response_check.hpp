// What a received frame is, for the counters: a DNS answer to one of our
// queries (with its rcode), one of our own queries echoed back with the MACs
// swapped (--echo), ARP, someone else's frame, or ours but wrong (mismatched,
// with the first thing found wrong).
//
// A frame is "ours" when it is IPv4/UDP to our MAC and address with a
// destination port in our source-port range (echo mode: from our address to
// the server's port, as we sent it). Everything after that must hold:
//   lengths consistent, IPv4 and UDP checksums right, from the server's
//   address and port, QR=1, (port, id) of a packet in flight and not yet
//   answered, one question equal to the query's (name compared ignoring case).
// Pure bytes, no DPDK: the unit tests call it on hand-made frames.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "flight_table.hpp"
#include "query_frames.hpp"

namespace canon::gen {

enum class Verdict : std::uint8_t { kNotOurs, kArp, kAnswered, kEchoed, kMismatched };

enum class Mismatch : std::uint8_t {
  kMalformed,    // lengths, IP version/header, fragments, DNS header too short
  kChecksum,     // IPv4 header or UDP checksum wrong
  kAddress,      // not from the server's address and port
  kNotResponse,  // QR=0
  kUnknownId,    // (port, id) of no packet in flight
  kDuplicate,    // a second answer to the same packet
  kQuestion,     // question section differs from the query's
};
inline constexpr std::size_t kMismatchKinds = 7;
[[nodiscard]] std::string_view mismatch_name(Mismatch m);

struct CheckResult {
  Verdict verdict = Verdict::kNotOurs;
  std::uint8_t detail = 0;  // kAnswered: the rcode; kMismatched: the Mismatch
  friend bool operator==(const CheckResult&, const CheckResult&) = default;
};

struct CheckContext {
  MacAddress our_mac{};
  Ipv4 src;  // ours
  Ipv4 dst;  // the server's
  std::uint16_t dst_port = 53;
  const FrameSet* frames = nullptr;
  FlightTable* flights = nullptr;
};

// Checks a frame; on kAnswered and kEchoed, marks the packet answered.
[[nodiscard]] CheckResult check_response(const std::uint8_t* frame, std::size_t length,
                                         const CheckContext& context);
[[nodiscard]] CheckResult check_echo(const std::uint8_t* frame, std::size_t length,
                                     const CheckContext& context);

}  // namespace canon::gen
