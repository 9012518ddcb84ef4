// DNS messages on the control side: reading the answers of primaries (SOA,
// AXFR, IXFR) and the NOTIFYs they send, and writing the requests canond
// sends them. Not the data path: the reader decompresses into owned bytes.
//
// A resource record as read, names made whole (RFC 1035 §4.1.4 pointers
// followed, bounded) in the owner and in the RDATA of the types whose names
// may be compressed (RFC 3597 §4: the RFC 1035 types, zones/name_compression.hpp,
// and the ones a receiver SHOULD decompress too: RP, AFSDB, RT, PX, SRV):
//
//   owner  07 e x a m p l e 03 c o m 00        (letter case as sent)
//   type, class, ttl
//   rdata  00 0a 04 m a i l 07 e x a m p l e 03 c o m 00    (MX, pointer expanded)
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace canon::zones {

namespace dns_header {
inline constexpr std::size_t kSize = 12;
inline constexpr std::uint16_t kQr = 0x8000;
inline constexpr std::uint16_t kAa = 0x0400;
inline constexpr unsigned kOpcodeQuery = 0;
inline constexpr unsigned kOpcodeNotify = 4;
}  // namespace dns_header

struct MessageHeader {
  std::uint16_t id = 0;
  std::uint16_t flags = 0;
  std::uint16_t counts[4] = {};  // question, answer, authority, additional

  [[nodiscard]] unsigned opcode() const noexcept { return (flags >> 11) & 0xf; }
  [[nodiscard]] unsigned rcode() const noexcept { return flags & 0xf; }
  [[nodiscard]] bool is_response() const noexcept { return (flags & dns_header::kQr) != 0; }
};

// An uncompressed wire name, at most 255 octets.
struct WireName {
  std::array<std::uint8_t, 255> bytes{};
  std::uint8_t length = 0;

  [[nodiscard]] std::span<const std::uint8_t> view() const noexcept { return {bytes.data(), length}; }
};

struct MessageRr {
  unsigned section = 1;  // 1 answer, 2 authority, 3 additional
  WireName owner;
  std::uint16_t type = 0;
  std::uint16_t rclass = 0;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;  // names expanded where RFC 3597 §4 lets them be compressed
};

// Reads one message front to back: the header, the question (at most one),
// then every RR of the three sections in order. A malformed message (a
// name or count that runs past the end, a pointer loop or forward pointer,
// RDATA whose names do not parse) sets error() and stops: nothing after it
// is trusted.
class MessageReader {
 public:
  explicit MessageReader(std::span<const std::uint8_t> message);

  [[nodiscard]] const MessageHeader& header() const noexcept { return header_; }
  // The question; false when the message has none (later AXFR messages may
  // not repeat it).
  [[nodiscard]] bool has_question() const noexcept { return has_question_; }
  [[nodiscard]] const WireName& question_name() const noexcept { return question_name_; }
  [[nodiscard]] std::uint16_t question_type() const noexcept { return question_type_; }
  [[nodiscard]] std::uint16_t question_class() const noexcept { return question_class_; }

  // The next RR; false at the end of the message or on an error.
  bool next(MessageRr& rr);
  [[nodiscard]] bool failed() const noexcept { return !error_.empty(); }
  [[nodiscard]] const std::string& error() const noexcept { return error_; }
  // Octets read so far (after the last RR next() returned).
  [[nodiscard]] std::size_t offset() const noexcept { return at_; }

 private:
  bool fail(std::string message);
  // Reads the (possibly compressed) name at `at_`, advancing past it.
  bool read_name(WireName& name);
  bool read_rdata(MessageRr& rr, std::size_t length);

  std::span<const std::uint8_t> message_;
  std::size_t at_ = 0;
  MessageHeader header_;
  bool has_question_ = false;
  WireName question_name_;
  std::uint16_t question_type_ = 0;
  std::uint16_t question_class_ = 0;
  unsigned section_ = 1;
  unsigned left_in_section_ = 0;
  std::string error_;
};

// The RDATA of the types the compiler reads (A, AAAA, NS, CNAME, DNAME, PTR,
// SOA, MX, SRV, TXT; SVCB and HTTPS up to their TargetName) has the shape their RFCs give: a transfer must not hand
// the compiler bytes a zone file could never produce. Other types are opaque.
[[nodiscard]] bool rdata_is_well_formed(std::uint16_t type, std::span<const std::uint8_t> rdata) noexcept;

// The serial of SOA RDATA (checked by rdata_is_well_formed).
[[nodiscard]] std::uint32_t soa_serial(std::span<const std::uint8_t> rdata) noexcept;

// RFC 1982 serial arithmetic: `a` is newer than `b`.
[[nodiscard]] constexpr bool serial_newer(std::uint32_t a, std::uint32_t b) noexcept {
  return a != b && static_cast<std::int32_t>(a - b) > 0;
}

// The answer to `request` that holds no records: the request's ID and
// OPCODE with QR (and AA when `authoritative`), `rcode`, and the question
// as received (the request's octets up to `question_end`). For NOTIFY
// acknowledgements and refused transfers.
[[nodiscard]] std::vector<std::uint8_t> empty_answer(std::span<const std::uint8_t> request,
                                                     std::size_t question_end, unsigned rcode,
                                                     bool authoritative);

// Builds a request: header (given id and opcode; RD clear), one question;
// for IXFR, the authority section holds `ixfr_soa` (our SOA RR's RDATA,
// RFC 1995 §3). No EDNS: primaries answer transfers over TCP.
[[nodiscard]] std::vector<std::uint8_t> build_request(std::uint16_t id, unsigned opcode,
                                                      std::span<const std::uint8_t> name,
                                                      std::uint16_t type,
                                                      std::span<const std::uint8_t> ixfr_soa = {});

}  // namespace canon::zones
