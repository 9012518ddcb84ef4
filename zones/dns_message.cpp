#include "zones/dns_message.hpp"

#include <cstring>

#include "zones/name.hpp"
#include "zones/name_compression.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

std::uint16_t be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
std::uint32_t be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
void put16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// Reads a name at `at` in `message`, following pointers (each must point
// before the label that holds it, so there is no loop), into `name`.
// Returns the offset after the name as it stands at `at`, or 0 when malformed.
std::size_t expand_name(std::span<const std::uint8_t> message, std::size_t at, WireName& name) noexcept {
  std::size_t end = 0;  // where the name ends at its first place (set at the first pointer)
  std::size_t out = 0;
  std::size_t pos = at;
  for (unsigned hops = 0; hops <= kMaxLabels; ++hops) {
    for (;;) {
      if (pos >= message.size()) return 0;
      const std::uint8_t length = message[pos];
      if ((length & 0xc0) == 0xc0) break;
      if (length > kMaxLabelLength) return 0;  // 0x40, 0x80: reserved label types
      if (pos + 1 + length > message.size() || out + 1 + length > kMaxNameLength) return 0;
      std::memcpy(name.bytes.data() + out, message.data() + pos, 1u + length);
      out += 1u + length;
      pos += 1u + length;
      if (length == 0) {
        name.length = static_cast<std::uint8_t>(out);
        return end ? end : pos;
      }
    }
    if (pos + 1 >= message.size()) return 0;
    const std::size_t target = ((message[pos] & 0x3fu) << 8) | message[pos + 1];
    if (!end) end = pos + 2;
    if (target >= pos) return 0;  // forward or self: a loop could follow
    pos = target;
  }
  return 0;
}

}  // namespace

MessageReader::MessageReader(std::span<const std::uint8_t> message) : message_(message) {
  if (message.size() < dns_header::kSize) {
    fail("message of " + std::to_string(message.size()) + " octets is shorter than a DNS header");
    return;
  }
  header_.id = be16(message.data());
  header_.flags = be16(message.data() + 2);
  for (int i = 0; i < 4; ++i) header_.counts[i] = be16(message.data() + 4 + 2 * i);
  at_ = dns_header::kSize;
  if (header_.counts[0] > 1) {
    fail("message has " + std::to_string(header_.counts[0]) + " questions");
    return;
  }
  if (header_.counts[0] == 1) {
    if (!read_name(question_name_)) return;
    if (at_ + 4 > message_.size()) {
      fail("question runs past the end of the message");
      return;
    }
    question_type_ = be16(message_.data() + at_);
    question_class_ = be16(message_.data() + at_ + 2);
    at_ += 4;
    has_question_ = true;
  }
  left_in_section_ = header_.counts[1];
}

bool MessageReader::fail(std::string message) {
  if (error_.empty()) error_ = std::move(message);
  return false;
}

bool MessageReader::read_name(WireName& name) {
  const std::size_t end = expand_name(message_, at_, name);
  if (end == 0) return fail("malformed name at offset " + std::to_string(at_));
  at_ = end;
  return true;
}

bool MessageReader::next(MessageRr& rr) {
  if (failed()) return false;
  while (left_in_section_ == 0) {
    if (section_ == 3) {
      if (at_ != message_.size()) {
        return fail(std::to_string(message_.size() - at_) + " octets after the last record");
      }
      return false;
    }
    ++section_;
    left_in_section_ = header_.counts[section_];
  }
  rr.section = section_;
  if (!read_name(rr.owner)) return false;
  if (at_ + 10 > message_.size()) return fail("record header runs past the end of the message");
  const std::uint8_t* p = message_.data() + at_;
  rr.type = be16(p);
  rr.rclass = be16(p + 2);
  rr.ttl = be32(p + 4);
  const std::uint16_t length = be16(p + 8);
  at_ += 10;
  if (at_ + length > message_.size()) return fail("RDATA runs past the end of the message");
  if (!read_rdata(rr, length)) return false;
  --left_in_section_;
  return true;
}

namespace {

// The names a received RR's RDATA may hold compressed. RFC 3597 §4: the
// RFC 1035 types (those we compress when writing), and a receiver SHOULD
// also decompress RP, AFSDB, RT, PX and SRV: RFC 2052 mandated compressed
// SRV targets and some primaries still send them (dnspython 2.3 does).
constexpr CompressibleNames received_compressed_names(std::uint16_t type) noexcept {
  switch (type) {
    case 17: return {0, 2};  // RP: mbox, txt
    case 18:                 // AFSDB: subtype, hostname
    case 21: return {2, 1};  // RT: preference, host
    case 26: return {2, 2};  // PX: preference, map822, mapx400
    case 33: return {6, 1};  // SRV: priority, weight, port, target
    default: return compressible_names(type);
  }
}

}  // namespace

bool MessageReader::read_rdata(MessageRr& rr, std::size_t length) {
  const std::size_t start = at_;
  const std::size_t end = at_ + length;
  rr.rdata.clear();
  const CompressibleNames names = received_compressed_names(rr.type);
  if (names.count == 0 || rr.rclass != rr_class::IN) {
    rr.rdata.assign(message_.begin() + static_cast<std::ptrdiff_t>(start),
                    message_.begin() + static_cast<std::ptrdiff_t>(end));
    at_ = end;
    return true;
  }
  // Fixed octets before the names, the names expanded, the rest as sent.
  if (names.first > length) return fail("RDATA of type " + type_name(rr.type) + " is too short");
  rr.rdata.assign(message_.begin() + static_cast<std::ptrdiff_t>(start),
                  message_.begin() + static_cast<std::ptrdiff_t>(start + names.first));
  std::size_t pos = start + names.first;
  for (unsigned i = 0; i < names.count; ++i) {
    WireName name;
    const std::size_t after = expand_name(message_.first(end), pos, name);
    if (after == 0) return fail("malformed name in the RDATA of a " + type_name(rr.type) + " record");
    rr.rdata.insert(rr.rdata.end(), name.bytes.begin(), name.bytes.begin() + name.length);
    pos = after;
  }
  rr.rdata.insert(rr.rdata.end(), message_.begin() + static_cast<std::ptrdiff_t>(pos),
                  message_.begin() + static_cast<std::ptrdiff_t>(end));
  if (rr.rdata.size() > 0xffff) return fail("RDATA over 65535 octets once its names are expanded");
  at_ = end;
  return true;
}

namespace {

// Where `count` names back to back from `at` end; 0 when one is malformed
// or runs past the RDATA.
std::size_t names_end(std::span<const std::uint8_t> rdata, std::size_t at, unsigned count) noexcept {
  for (unsigned i = 0; i < count; ++i) {
    if (at > rdata.size()) return 0;
    const std::size_t length = wire_name_length(rdata.subspan(at));
    if (length == 0) return 0;
    at += length;
  }
  return at;
}

// `count` names back to back from `at`, then exactly `fixed` more octets.
bool names_then_fixed(std::span<const std::uint8_t> rdata, std::size_t at, unsigned count,
                      std::size_t fixed) noexcept {
  const std::size_t end = names_end(rdata, at, count);
  return end != 0 && end + fixed == rdata.size();
}

}  // namespace

bool rdata_is_well_formed(std::uint16_t type, std::span<const std::uint8_t> rdata) noexcept {
  switch (type) {
    case rr::A: return rdata.size() == 4;
    case rr::AAAA: return rdata.size() == 16;
    case rr::NS:
    case rr::CNAME:
    case rr::DNAME:
    case rr::PTR: return names_then_fixed(rdata, 0, 1, 0);
    case rr::SOA: return names_then_fixed(rdata, 0, 2, 20);
    case rr::MX: return rdata.size() >= 2 && names_then_fixed(rdata, 2, 1, 0);
    case rr::SRV: return rdata.size() >= 6 && names_then_fixed(rdata, 6, 1, 0);
    case rr::SVCB:
    case rr::HTTPS:  // SvcPriority, TargetName, then SvcParams (not read by the compiler)
      return rdata.size() >= 2 && names_end(rdata, 2, 1) != 0;
    case rr::TXT: {
      if (rdata.empty()) return false;
      std::size_t at = 0;
      while (at < rdata.size()) at += 1u + rdata[at];
      return at == rdata.size();
    }
    default: return true;
  }
}

std::uint32_t soa_serial(std::span<const std::uint8_t> rdata) noexcept {
  return be32(rdata.data() + rdata.size() - 20);
}

std::vector<std::uint8_t> empty_answer(std::span<const std::uint8_t> request, std::size_t question_end,
                                       unsigned rcode, bool authoritative) {
  // Sized once and copied: grown from the 12 header octets, GCC 12 warns
  // falsely (-Warray-bounds).
  std::vector<std::uint8_t> answer(question_end);
  std::memcpy(answer.data(), request.data(), question_end);
  answer[2] = static_cast<std::uint8_t>(0x80 | (request[2] & 0x78) | (authoritative ? 0x04 : 0));
  answer[3] = static_cast<std::uint8_t>(rcode & 0x0f);
  std::fill(answer.begin() + 4, answer.begin() + dns_header::kSize, 0);
  answer[5] = question_end > dns_header::kSize ? 1 : 0;
  return answer;
}

std::vector<std::uint8_t> build_request(std::uint16_t id, unsigned opcode, std::span<const std::uint8_t> name,
                                        std::uint16_t type, std::span<const std::uint8_t> ixfr_soa) {
  std::vector<std::uint8_t> out;
  out.reserve(dns_header::kSize + name.size() * 2 + ixfr_soa.size() + 16);
  put16(out, id);
  put16(out, static_cast<std::uint16_t>((opcode & 0xf) << 11));
  put16(out, 1);
  put16(out, 0);
  put16(out, ixfr_soa.empty() ? 0 : 1);
  put16(out, 0);
  out.insert(out.end(), name.begin(), name.end());
  put16(out, type);
  put16(out, rr_class::IN);
  if (!ixfr_soa.empty()) {
    put16(out, 0xc000 | dns_header::kSize);  // the question's name
    put16(out, rr::SOA);
    put16(out, rr_class::IN);
    out.insert(out.end(), 4, 0);  // TTL
    put16(out, static_cast<std::uint16_t>(ixfr_soa.size()));
    out.insert(out.end(), ixfr_soa.begin(), ixfr_soa.end());
  }
  return out;
}

}  // namespace canon::zones
