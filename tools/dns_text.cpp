#include "tools/dns_text.hpp"

#include <arpa/inet.h>

#include <cstdio>
#include <cstring>
#include <ctime>

#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::tools {

namespace {

std::uint16_t get16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t get32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

// Reads a possibly compressed name at `pos` into uncompressed wire form.
// Returns the offset after the name in place, or 0 when malformed.
std::size_t read_name(const std::uint8_t* msg, std::size_t length, std::size_t pos,
                      std::uint8_t* out) {
  std::size_t end = 0, written = 0;
  unsigned jumps = 0;
  for (;;) {
    if (pos >= length) return 0;
    const std::uint8_t len = msg[pos];
    if ((len & 0xc0) == 0xc0) {
      if (pos + 1 >= length || ++jumps > 64) return 0;
      if (end == 0) end = pos + 2;
      pos = static_cast<std::size_t>(((len & 0x3f) << 8) | msg[pos + 1]);
      continue;
    }
    if (len > 63) return 0;
    if (written + 1 + len > zones::kMaxNameLength || pos + 1 + len > length) return 0;
    std::memcpy(out + written, msg + pos, 1u + len);
    written += 1u + len;
    pos += 1u + len;
    if (len == 0) return end ? end : pos;
  }
}

const char* rcode_text(unsigned rcode) {
  static constexpr const char* kNames[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
                                           "REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
                                           "NOTZONE"};
  return rcode < 11 ? kNames[rcode] : (rcode == 16 ? "BADVERS" : "RCODE?");
}

std::string class_text(std::uint16_t c) {
  switch (c) {
    case 1: return "IN";
    case 3: return "CH";
    case 255: return "ANY";
    default: return "CLASS" + std::to_string(c);
  }
}

std::string base64(const std::uint8_t* p, std::size_t n) {
  static constexpr char kDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  for (std::size_t i = 0; i < n; i += 3) {
    const std::uint32_t v = (std::uint32_t{p[i]} << 16) | (i + 1 < n ? std::uint32_t{p[i + 1]} << 8 : 0) |
                            (i + 2 < n ? p[i + 2] : 0u);
    out += kDigits[(v >> 18) & 63];
    out += kDigits[(v >> 12) & 63];
    out += i + 1 < n ? kDigits[(v >> 6) & 63] : '=';
    out += i + 2 < n ? kDigits[v & 63] : '=';
  }
  return out;
}

// An RRSIG time field as YYYYMMDDHHmmSS (RFC 4034 §3.2).
std::string rrsig_time(std::uint32_t seconds) {
  const std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  char buf[24];
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%S", &tm);
  return buf;
}

std::string hex(const std::uint8_t* p, std::size_t n) {
  std::string out;
  char buf[3];
  for (std::size_t i = 0; i < n; ++i) {
    std::snprintf(buf, sizeof buf, "%02x", p[i]);
    out += buf;
  }
  return out;
}

// RDATA of the common types in presentation form; others as RFC 3597.
bool rdata_text(const std::uint8_t* msg, std::size_t length, std::size_t pos, std::uint16_t type,
                std::uint16_t rdlength, std::string& out) {
  namespace rr = zones::rr;
  const std::size_t end = pos + rdlength;
  std::uint8_t name[zones::kMaxNameLength + 1];
  auto name_at = [&](std::size_t at, std::size_t& after) {
    after = read_name(msg, length, at, name);
    if (after == 0 || after > end) return false;
    out += zones::wire_to_text(name);
    return true;
  };
  std::size_t after = 0;
  char buf[64];
  switch (type) {
    case rr::A:
      if (rdlength != 4) break;
      out += inet_ntop(AF_INET, msg + pos, buf, sizeof buf);
      return true;
    case rr::AAAA:
      if (rdlength != 16) break;
      out += inet_ntop(AF_INET6, msg + pos, buf, sizeof buf);
      return true;
    case rr::NS:
    case rr::CNAME:
    case rr::DNAME:
    case rr::PTR:
      return name_at(pos, after) && after == end;
    case rr::MX:
      if (rdlength < 3) break;
      out += std::to_string(get16(msg + pos)) + " ";
      return name_at(pos + 2, after) && after == end;
    case rr::SRV:
      if (rdlength < 7) break;
      out += std::to_string(get16(msg + pos)) + " " + std::to_string(get16(msg + pos + 2)) + " " +
             std::to_string(get16(msg + pos + 4)) + " ";
      return name_at(pos + 6, after) && after == end;
    case rr::SOA: {
      if (!name_at(pos, after)) return false;
      out += " ";
      if (!name_at(after, after) || after + 20 != end) return false;
      for (int i = 0; i < 5; ++i) out += " " + std::to_string(get32(msg + after + 4 * i));
      return true;
    }
    case rr::TXT: {
      std::size_t at = pos;
      bool first = true;
      while (at < end) {
        const std::uint8_t n = msg[at];
        if (at + 1 + n > end) return false;
        out += first ? "\"" : " \"";
        for (std::uint8_t i = 0; i < n; ++i) {
          const char c = static_cast<char>(msg[at + 1 + i]);
          if (c == '"' || c == '\\') out += '\\';
          out += c;
        }
        out += "\"";
        first = false;
        at += 1u + n;
      }
      return true;
    }
    case rr::RRSIG: {  // RFC 4034 §3.2, the signer's name never compressed
      if (rdlength < 19) break;
      const std::size_t before = out.size();
      out += zones::type_name(get16(msg + pos)) + " " + std::to_string(msg[pos + 2]) + " " +
             std::to_string(msg[pos + 3]) + " " + std::to_string(get32(msg + pos + 4)) + " " +
             rrsig_time(get32(msg + pos + 8)) + " " + rrsig_time(get32(msg + pos + 12)) + " " +
             std::to_string(get16(msg + pos + 16)) + " ";
      if (!name_at(pos + 18, after)) {  // not an RRSIG's shape: RFC 3597 form
        out.resize(before);
        break;
      }
      out += " " + base64(msg + after, end - after);
      return true;
    }
    default:
      break;
  }
  out += "\\# " + std::to_string(rdlength) + (rdlength ? " " + hex(msg + pos, rdlength) : "");
  return true;
}

struct Parsed {
  bool ok = false;
  std::string text;
};

Parsed parse(const std::uint8_t* msg, std::size_t length) {
  Parsed p;
  if (length < 12) {
    p.text = ";; MALFORMED shorter than a header\n";
    return p;
  }
  const std::uint8_t f1 = msg[2], f2 = msg[3];
  const std::uint16_t counts[4] = {get16(msg + 4), get16(msg + 6), get16(msg + 8), get16(msg + 10)};
  unsigned rcode = f2 & 0x0f;
  std::string flags;
  if (f1 & 0x80) flags += " qr";
  if (f1 & 0x04) flags += " aa";
  if (f1 & 0x02) flags += " tc";
  if (f1 & 0x01) flags += " rd";
  if (f2 & 0x80) flags += " ra";
  if (f2 & 0x20) flags += " ad";
  if (f2 & 0x10) flags += " cd";
  const unsigned opcode = (f1 >> 3) & 0x0f;
  std::string body;
  std::string edns;
  std::size_t pos = 12;
  std::uint8_t name[zones::kMaxNameLength + 1];
  body += ";; QUESTION\n";
  for (unsigned i = 0; i < counts[0]; ++i) {
    pos = read_name(msg, length, pos, name);
    if (pos == 0 || pos + 4 > length) {
      p.text = ";; MALFORMED question\n";
      return p;
    }
    body += zones::wire_to_text(name) + " " + class_text(get16(msg + pos + 2)) + " " +
            zones::type_name(get16(msg + pos)) + "\n";
    pos += 4;
  }
  static constexpr const char* kSections[] = {";; ANSWER\n", ";; AUTHORITY\n", ";; ADDITIONAL\n"};
  for (int s = 0; s < 3; ++s) {
    body += kSections[s];
    for (unsigned i = 0; i < counts[s + 1]; ++i) {
      pos = read_name(msg, length, pos, name);
      if (pos == 0 || pos + 10 > length) {
        p.text = ";; MALFORMED record\n";
        return p;
      }
      const std::uint16_t type = get16(msg + pos);
      const std::uint16_t rclass = get16(msg + pos + 2);
      const std::uint32_t ttl = get32(msg + pos + 4);
      const std::uint16_t rdlength = get16(msg + pos + 8);
      pos += 10;
      if (pos + rdlength > length) {
        p.text = ";; MALFORMED RDATA overruns the message\n";
        return p;
      }
      if (type == zones::rr::OPT) {
        rcode |= static_cast<unsigned>(msg[pos - 6]) << 4;
        edns = ";; EDNS udp=" + std::to_string(rclass) + " version=" + std::to_string(msg[pos - 5]);
        if (msg[pos - 4] & 0x80) edns += " do";
        for (std::size_t at = pos; at + 4 <= pos + rdlength;) {
          const std::uint16_t code = get16(msg + at), n = get16(msg + at + 2);
          if (at + 4 + n > pos + rdlength) break;
          if (code == 3) edns += " nsid=\"" + std::string(reinterpret_cast<const char*>(msg + at + 4), n) + "\"";
          else edns += " option" + std::to_string(code) + "=" + hex(msg + at + 4, n);
          at += 4u + n;
        }
        edns += "\n";
        pos += rdlength;
        continue;
      }
      std::string line = zones::wire_to_text(name) + " " + std::to_string(ttl) + " " +
                         class_text(rclass) + " " + zones::type_name(type) + " ";
      if (!rdata_text(msg, length, pos, type, rdlength, line)) {
        p.text = ";; MALFORMED RDATA of " + zones::type_name(type) + "\n";
        return p;
      }
      body += line + "\n";
      pos += rdlength;
    }
  }
  if (pos != length) {
    p.text = ";; MALFORMED " + std::to_string(length - pos) + " bytes after the last record\n";
    return p;
  }
  p.ok = true;
  p.text = ";; " + std::string(rcode_text(rcode)) + (opcode ? " opcode=" + std::to_string(opcode) : "") +
           flags + "\n" + body + edns;
  return p;
}

}  // namespace

std::optional<std::uint16_t> type_from_text(std::string_view text) {
  const std::uint16_t type = zones::type_from_name(text);
  if (type == 0) return std::nullopt;
  return type;
}

std::optional<std::vector<std::uint8_t>> build_query(std::string_view name, std::string_view type,
                                                     const QueryOptions& options, std::string& error) {
  std::string wire;
  if (!zones::text_to_wire(name, wire)) {
    error = "bad name '" + std::string(name) + "'";
    return std::nullopt;
  }
  const auto qtype = type_from_text(type);
  if (!qtype) {
    error = "unknown type '" + std::string(type) + "'";
    return std::nullopt;
  }
  std::vector<std::uint8_t> q(12, 0);
  q[0] = static_cast<std::uint8_t>(options.id >> 8);
  q[1] = static_cast<std::uint8_t>(options.id);
  q[2] = options.rd ? 0x01 : 0;
  q[5] = 1;
  q[11] = options.edns ? 1 : 0;
  q.insert(q.end(), wire.begin(), wire.end());
  q.push_back(static_cast<std::uint8_t>(*qtype >> 8));
  q.push_back(static_cast<std::uint8_t>(*qtype));
  q.push_back(static_cast<std::uint8_t>(options.qclass >> 8));
  q.push_back(static_cast<std::uint8_t>(options.qclass));
  if (options.edns) {
    const std::uint8_t opt[11] = {0, 0, 41,
                                  static_cast<std::uint8_t>(options.udp_payload >> 8),
                                  static_cast<std::uint8_t>(options.udp_payload),
                                  0, options.edns_version,
                                  static_cast<std::uint8_t>(options.do_bit ? 0x80 : 0), 0,
                                  0, static_cast<std::uint8_t>(options.nsid ? 4 : 0)};
    q.insert(q.end(), opt, opt + 11);
    if (options.nsid) {
      const std::uint8_t nsid[4] = {0, 3, 0, 0};
      q.insert(q.end(), nsid, nsid + 4);
    }
  }
  return q;
}

std::string message_to_text(const std::uint8_t* data, std::size_t length) {
  return parse(data, length).text;
}

bool message_parses(const std::uint8_t* data, std::size_t length) { return parse(data, length).ok; }

}  // namespace canon::tools
