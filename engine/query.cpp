#include "engine/query.hpp"

#include <cstring>

#include "engine/wire.hpp"
#include "zones/rr_type.hpp"

namespace canon::engine {

namespace {

namespace rr = zones::rr;

// Validates the question name at `pos`. Returns its wire length, or 0 when
// it is malformed.
std::size_t parse_qname(const std::uint8_t* packet, std::size_t length, std::size_t pos) noexcept {
  const std::size_t begin = pos;
  const std::size_t end = length < begin + zones::kMaxNameLength ? length : begin + zones::kMaxNameLength;
  for (;;) {
    if (pos >= end) return 0;  // overruns the packet, or no root within 255 octets
    const std::uint8_t len = packet[pos];
    if (len == 0) return pos + 1 - begin;
    if (len > zones::kMaxLabelLength) return 0;  // pointer (0xC0) or reserved type (0x40, 0x80)
    pos += 1 + len;
  }
}

// Skips a (possibly compressed) name outside the question. Returns the
// offset after it, or 0 when it overruns.
std::size_t skip_name(const std::uint8_t* packet, std::size_t length, std::size_t pos) noexcept {
  for (std::size_t seen = 0; seen < zones::kMaxNameLength; ) {
    if (pos >= length) return 0;
    const std::uint8_t len = packet[pos];
    if (len == 0) return pos + 1;
    if ((len & 0xc0) == 0xc0) return pos + 2 <= length ? pos + 2 : 0;
    if (len > zones::kMaxLabelLength) return 0;
    seen += 1 + len;
    pos += 1 + len;
  }
  return 0;
}

// Reads the OPT record's RDATA: EDNS options, which must tile it exactly.
bool parse_options(const std::uint8_t* rdata, std::size_t length, Query& query) noexcept {
  std::size_t pos = 0;
  while (pos < length) {
    if (pos + 4 > length) return false;
    const std::uint16_t code = load16(rdata + pos);
    const std::uint16_t option_length = load16(rdata + pos + 2);
    pos += 4;
    if (pos + option_length > length) return false;
    if (code == kEdnsOptionNsid) query.nsid_requested = true;
    pos += option_length;
  }
  return true;
}

// The answer, authority and additional sections after the question at
// `pos`: every record must fit and they must end the packet; only one OPT,
// in additional, owned by the root, with well-formed options. Out of line:
// only EDNS queries have any.
[[gnu::noinline]] bool parse_records(const std::uint8_t* packet, std::size_t length, std::size_t pos,
                                     unsigned ancount, unsigned nscount, unsigned arcount,
                                     Query& query, unsigned& edns_version) noexcept {
  const unsigned total = ancount + nscount + arcount;
  bool opt_seen = false;
  bool edns_ok = true;
  for (unsigned i = 0; i < total; ++i) {
    const std::size_t owner = pos;
    pos = skip_name(packet, length, pos);
    if (pos == 0 || pos + 10 > length) return false;
    const std::uint16_t type = load16(packet + pos);
    const std::uint16_t rdlength = load16(packet + pos + 8);
    if (pos + 10 + rdlength > length) return false;
    if (type == rr::OPT) {
      const bool in_additional = i >= ancount + nscount;
      if (!in_additional || opt_seen || packet[owner] != 0) return false;
      opt_seen = true;
      query.has_edns = true;
      query.udp_payload = load16(packet + pos + 2);
      edns_version = packet[pos + 5];
      query.do_bit = (packet[pos + 6] & 0x80) != 0;
      edns_ok = parse_options(packet + pos + 10, rdlength, query);
    }
    pos += 10 + rdlength;
  }
  return pos == length && edns_ok;
}

// The shape nearly every query has, read with a few wide compares: QR=0,
// OPCODE=0, counts 1/0/0/0 or 1/0/0/1, a well-formed question of class IN
// that is not a transfer, and either nothing after it or an OPT of 11
// octets with no options, version 0, that ends the packet:
//
//   header:  ID | flags | 00 01 | 00 00 | 00 00 | 00 0a     a = 0 or 1
//   OPT:     00 | 00 29 | payload | ext-RCODE | 00 | DO+Z (2) | 00 00
//
// Fills `query` exactly as parse_query_general does and returns true, or
// returns false having decided nothing (the general parser then reads it).
inline bool parse_common_query(const std::uint8_t* packet, std::size_t length, Query& query) noexcept {
  constexpr std::size_t kSmallest = header::kSize + 1 + 4;  // the root, QTYPE, QCLASS
  if (length < kSmallest || (packet[header::kFlags] & (header::kQr | header::kOpcodeMask)) != 0) return false;
  std::uint64_t counts;  // QDCOUNT..ARCOUNT as they sit in memory (little-endian load)
  std::memcpy(&counts, packet + header::kQdCount, sizeof counts);
  constexpr std::uint64_t kOneQuestion = 0x0100;  // octet 1: QDCOUNT's low octet
  const std::uint64_t arcount_low = counts >> 56;
  if ((counts & 0x00ffffffffffffffull) != kOneQuestion || arcount_low > 1) return false;
  const std::size_t name_length = parse_qname(packet, length, header::kSize);
  std::size_t pos = header::kSize + name_length;
  if (name_length == 0 || pos + 4 > length) return false;
  const std::uint16_t qtype = load16(packet + pos);
  if (load16(packet + pos + 2) != zones::rr_class::IN || qtype == rr::AXFR || qtype == rr::IXFR) return false;
  pos += 4;
  bool has_edns = false;
  if (arcount_low == 0) {
    if (pos != length) return false;
  } else {
    if (pos + kOptFixedSize != length) return false;
    std::uint64_t opt;  // octets 0..7 of the OPT: owner, TYPE, CLASS (payload), TTL's first 3
    std::memcpy(&opt, packet + pos, sizeof opt);
    constexpr std::uint64_t kFixed = 0x00ff0000'00ffffffull;  // octets 0, 1, 2 and 6 (the version)
    constexpr std::uint64_t kRootOpt = std::uint64_t{41} << 16;  // 00 | 00 29 | ... | version 00
    if ((opt & kFixed) != kRootOpt || load16(packet + pos + 9) != 0) return false;
    has_edns = true;
  }
  query.verdict = Verdict::kAnswer;
  query.question_ok = true;
  query.has_edns = has_edns;
  query.do_bit = has_edns && (packet[pos + 7] & 0x80) != 0;
  query.nsid_requested = false;
  query.qtype = qtype;
  query.qclass = zones::rr_class::IN;
  query.udp_payload = has_edns ? load16(packet + pos + 3) : 0;
  query.qname_length = static_cast<std::uint16_t>(name_length);
  query.question_end = static_cast<std::uint16_t>(header::kSize + name_length + 4);
  query.policy_rule = 0xffffffff;
  zones::make_indexed_name(packet + header::kSize, name_length, query.name);
  return true;
}

}  // namespace

void parse_query(const std::uint8_t* packet, std::size_t length, Transport transport,
                 Query& query) noexcept {
  if (!parse_common_query(packet, length, query)) detail::parse_query_general(packet, length, transport, query);
}

namespace detail {

void parse_query_general(const std::uint8_t* packet, std::size_t length, Transport transport,
                         Query& query) noexcept {
  // Field by field: value-initializing would clear the 255-byte names each time.
  query.verdict = Verdict::kDrop;
  query.question_ok = query.has_edns = query.do_bit = query.nsid_requested = false;
  query.qtype = query.qclass = query.udp_payload = 0;
  query.qname_length = query.question_end = 0;
  query.name.length = 0;
  query.policy_rule = 0xffffffff;
  if (length < header::kSize || (packet[header::kFlags] & header::kQr)) {
    query.verdict = Verdict::kDrop;
    return;
  }
  const unsigned opcode = (packet[header::kFlags] & header::kOpcodeMask) >> 3;
  const std::uint16_t qdcount = load16(packet + header::kQdCount);
  const std::uint16_t ancount = load16(packet + header::kAnCount);
  const std::uint16_t nscount = load16(packet + header::kNsCount);
  const std::uint16_t arcount = load16(packet + header::kArCount);

  // The question, if there is exactly one and it is well-formed.
  std::size_t pos = header::kSize;
  if (qdcount == 1) {
    const std::size_t name_length = parse_qname(packet, length, pos);
    if (name_length != 0 && pos + name_length + 4 <= length) {
      zones::make_indexed_name(packet + pos, name_length, query.name);
      query.question_ok = true;
      query.qname_length = static_cast<std::uint16_t>(name_length);
      pos += name_length;
      query.qtype = load16(packet + pos);
      query.qclass = load16(packet + pos + 2);
      pos += 4;
      query.question_end = static_cast<std::uint16_t>(pos);
    }
  }
  if (qdcount != 1 || !query.question_ok) {
    query.question_ok = false;
    // Without a question the other sections cannot be found.
    query.verdict = opcode != 0 ? Verdict::kNotImp : Verdict::kFormErr;
    return;
  }

  // The other sections (most queries have none): every record must fit,
  // nothing may be left over.
  unsigned edns_version = 0;
  bool sections_ok;
  if ((ancount | nscount | arcount) == 0) {
    sections_ok = pos == length;
  } else if ((ancount | nscount) == 0 && arcount == 1 && pos + kOptFixedSize <= length &&
             packet[pos] == 0 && load16(packet + pos + 1) == rr::OPT &&
             load16(packet + pos + 9) == length - pos - kOptFixedSize) {
    // What nearly every EDNS query carries: one OPT, owned by the root, that
    // ends the packet. The same reading as parse_records, without its walk.
    query.has_edns = true;
    query.udp_payload = load16(packet + pos + 3);
    edns_version = packet[pos + 6];
    query.do_bit = (packet[pos + 7] & 0x80) != 0;
    sections_ok = parse_options(packet + pos + kOptFixedSize, length - pos - kOptFixedSize, query);
  } else {
    sections_ok = parse_records(packet, length, pos, ancount, nscount, arcount, query, edns_version);
  }
  if (!sections_ok) {
    query.verdict = Verdict::kFormErr;
    return;
  }
  if (opcode != 0) {
    query.verdict = Verdict::kNotImp;  // with our OPT when the query had one (RFC 6891 §7)
    return;
  }
  if (query.has_edns && edns_version > 0) {
    query.verdict = Verdict::kBadVers;
    return;
  }
  if (query.qclass == zones::rr_class::CH) {
    query.verdict = Verdict::kChaos;
    return;
  }
  if (query.qclass != zones::rr_class::IN && query.qclass != zones::rr_class::ANY) {
    query.verdict = Verdict::kRefused;
    return;
  }
  if (query.qtype == rr::AXFR || query.qtype == rr::IXFR) {
    // Over UDP a transfer is malformed; over TCP canon serves none (yet), and
    // says so as Knot does for a transfer its ACL does not allow.
    query.verdict = transport == Transport::kUdp ? Verdict::kFormErr : Verdict::kRefused;
    return;
  }
  query.verdict = Verdict::kAnswer;
}

}  // namespace detail

}  // namespace canon::engine
