// A dnsperf query file turned into ready-to-send frames, once, before the run.
//
//   # comment                      www.example.com A
//   www.example.com A        ──▶   [Ethernet|IPv4|UDP|DNS id=0 RD=0 QD=1 AR=1 (OPT 1232)]
//   example.com MX                 + the UDP checksum sum with sport = id = 0
//
// The send loop copies a frame into an mbuf and calls patch_frame() with the
// (source port, DNS id) of that packet: three 16-bit stores, the UDP checksum
// finished from the precomputed sum. The IPv4 header never changes per packet,
// so its checksum is computed here once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "checksum.hpp"
#include "wire.hpp"

namespace canon::gen {

inline constexpr std::uint16_t kEdnsPayload = 1232;

// One query of the file as a DNS message (id 0), and where it came from.
struct Query {
  std::vector<std::uint8_t> message;
  std::size_t line = 0;
};

struct QueryFileResult {
  std::vector<Query> queries;
  std::string error;  // non-empty: "FILE:LINE: what is wrong"
};

// Parses the text of a query file: "NAME TYPE" per line, blank lines and lines
// starting with '#' or ';' ignored. `file` names the source in error messages.
[[nodiscard]] QueryFileResult parse_queries(std::string_view text, std::string_view file);
// Reads and parses a file.
[[nodiscard]] QueryFileResult read_query_file(const std::string& path);

struct Endpoints {
  MacAddress src_mac{};
  MacAddress dst_mac = kBroadcastMac;
  Ipv4 src;
  Ipv4 dst;
  std::uint16_t dst_port = 53;
};

struct QueryFrame {
  std::uint32_t offset = 0;           // into FrameSet::bytes
  std::uint16_t length = 0;           // the whole frame
  std::uint16_t question_length = 0;  // qname + qtype + qclass, at kQuestionOff
  std::uint32_t partial_sum = 0;      // UDP checksum sum with sport = 0 and id = 0
};

// Every frame back to back in one buffer (good locality when cycling through).
struct FrameSet {
  std::vector<std::uint8_t> bytes;
  std::vector<QueryFrame> frames;

  [[nodiscard]] const std::uint8_t* data(const QueryFrame& frame) const {
    return bytes.data() + frame.offset;
  }
  [[nodiscard]] const std::uint8_t* question(std::size_t index) const {
    return bytes.data() + frames[index].offset + kQuestionOff;
  }
};

[[nodiscard]] FrameSet build_frames(const std::vector<Query>& queries, const Endpoints& endpoints);

// Writes the packet's source port and DNS id and finishes its UDP checksum.
inline void patch_frame(std::uint8_t* frame, const QueryFrame& query, std::uint16_t sport,
                        std::uint16_t id) {
  store16(frame + kUdpOff, sport);
  store16(frame + kDnsOff, id);
  store16(frame + kUdpOff + 6, udp_checksum(query.partial_sum + sport + id));
}

// The length of the question (name + type + class) at the start of `data`,
// 0 when it is not a complete uncompressed question.
[[nodiscard]] std::size_t question_length(const std::uint8_t* data, std::size_t length);

}  // namespace canon::gen
