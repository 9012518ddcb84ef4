#include "response_check.hpp"

namespace canon::gen {

namespace {

[[nodiscard]] CheckResult mismatched(Mismatch why) {
  return CheckResult{Verdict::kMismatched, static_cast<std::uint8_t>(why)};
}

[[nodiscard]] std::uint8_t lower(std::uint8_t c) {
  return c >= 'A' && c <= 'Z' ? static_cast<std::uint8_t>(c + 32) : c;
}

// Equal questions: the name ignoring ASCII case (label lengths are < 64, never
// letters), type and class exactly.
[[nodiscard]] bool same_question(const std::uint8_t* a, const std::uint8_t* b, std::size_t length) {
  const std::size_t name = length - 4;
  for (std::size_t i = 0; i < name; ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  for (std::size_t i = name; i < length; ++i)
    if (a[i] != b[i]) return false;
  return true;
}

// Where the UDP header of an IPv4/UDP frame to (our MAC, our_ip) starts, or 0
// when the frame is not one; `ip_header` is set to the IPv4 header length.
[[nodiscard]] std::size_t udp_offset(const std::uint8_t* frame, std::size_t length,
                                     const MacAddress& our_mac, Ipv4 our_ip,
                                     std::size_t& ip_header) {
  if (length < kUdpOff + kUdpLen || load16(frame + 12) != kEtherIpv4 ||
      !mac_equal(frame, our_mac)) {
    return 0;
  }
  const std::uint8_t* ip = frame + kIpOff;
  ip_header = static_cast<std::size_t>(ip[0] & 0x0f) * 4;
  if ((ip[0] >> 4) != 4 || ip_header < kIpLen || ip[9] != kProtoUdp ||
      load32(ip + 16) != our_ip.value || length < kIpOff + ip_header + kUdpLen) {
    return 0;
  }
  return kIpOff + ip_header;
}

}  // namespace

std::string_view mismatch_name(Mismatch m) {
  switch (m) {
    case Mismatch::kMalformed:
      return "malformed";
    case Mismatch::kChecksum:
      return "checksum";
    case Mismatch::kAddress:
      return "address";
    case Mismatch::kNotResponse:
      return "not_response";
    case Mismatch::kUnknownId:
      return "unknown_id";
    case Mismatch::kDuplicate:
      return "duplicate";
    case Mismatch::kQuestion:
      return "question";
  }
  return "?";
}

CheckResult check_response(const std::uint8_t* frame, std::size_t length,
                           const CheckContext& context) {
  if (length >= kEthLen && load16(frame + 12) == kEtherArp) return CheckResult{Verdict::kArp, 0};
  std::size_t ip_header = 0;
  const std::size_t udp_off = udp_offset(frame, length, context.our_mac, context.src, ip_header);
  if (udp_off == 0) return CheckResult{};
  const std::uint8_t* ip = frame + kIpOff;
  const std::uint8_t* udp = frame + udp_off;
  const std::uint16_t dport = load16(udp + 2);
  if (!context.flights->port_in_range(dport)) return CheckResult{};

  // Ours from here on.
  const std::size_t ip_total = load16(ip + 2);
  const std::size_t udp_length = load16(udp + 4);
  if (ip_total > length - kIpOff || ip_total < ip_header + kUdpLen ||
      udp_length > ip_total - ip_header || udp_length < kUdpLen + kDnsHeaderLen ||
      (load16(ip + 6) & 0x3fff) != 0) {  // MF or a fragment offset
    return mismatched(Mismatch::kMalformed);
  }
  if (fold(sum_words(ip, ip_header)) != 0xffff) return mismatched(Mismatch::kChecksum);
  if (load16(udp + 6) != 0) {
    std::uint32_t sum = sum_words(ip + 12, 8);
    sum += kProtoUdp + static_cast<std::uint32_t>(udp_length);
    if (fold(sum_words(udp, udp_length, sum)) != 0xffff) return mismatched(Mismatch::kChecksum);
  }
  if (load32(ip + 12) != context.dst.value || load16(udp) != context.dst_port) {
    return mismatched(Mismatch::kAddress);
  }

  const std::uint8_t* dns = udp + kUdpLen;
  const std::size_t dns_length = udp_length - kUdpLen;
  if ((dns[2] & 0x80) == 0) return mismatched(Mismatch::kNotResponse);
  const std::uint16_t id = load16(dns);
  std::uint32_t query = 0;
  switch (context.flights->find(dport, id, query)) {
    case FlightTable::Landing::kFirst:
      break;
    case FlightTable::Landing::kUnknown:
      return mismatched(Mismatch::kUnknownId);
    case FlightTable::Landing::kDuplicate:
      return mismatched(Mismatch::kDuplicate);
  }
  const std::size_t qlen = context.frames->frames[query].question_length;
  if (load16(dns + 4) != 1 || dns_length < kDnsHeaderLen + qlen ||
      !same_question(dns + kDnsHeaderLen, context.frames->question(query), qlen)) {
    return mismatched(Mismatch::kQuestion);
  }
  context.flights->land(dport, id);
  return CheckResult{Verdict::kAnswered, static_cast<std::uint8_t>(dns[3] & 0x0f)};
}

CheckResult check_echo(const std::uint8_t* frame, std::size_t length, const CheckContext& context) {
  if (length >= kEthLen && load16(frame + 12) == kEtherArp) return CheckResult{Verdict::kArp, 0};
  // Our query came back: still from our address (src) to the server's (dst).
  if (length < kDnsOff + kDnsHeaderLen || load16(frame + 12) != kEtherIpv4 ||
      !mac_equal(frame, context.our_mac)) {
    return CheckResult{};
  }
  const std::uint8_t* ip = frame + kIpOff;
  if (ip[0] != 0x45 || ip[9] != kProtoUdp || load32(ip + 12) != context.src.value ||
      load32(ip + 16) != context.dst.value) {
    return CheckResult{};
  }
  const std::uint8_t* udp = frame + kUdpOff;
  const std::uint16_t sport = load16(udp);
  if (load16(udp + 2) != context.dst_port || !context.flights->port_in_range(sport)) {
    return CheckResult{};
  }
  const std::uint16_t id = load16(frame + kDnsOff);
  std::uint32_t query = 0;
  switch (context.flights->find(sport, id, query)) {
    case FlightTable::Landing::kFirst:
      break;
    case FlightTable::Landing::kUnknown:
      return mismatched(Mismatch::kUnknownId);
    case FlightTable::Landing::kDuplicate:
      return mismatched(Mismatch::kDuplicate);
  }
  context.flights->land(sport, id);
  return CheckResult{Verdict::kEchoed, 0};
}

}  // namespace canon::gen
