#include "query_frames.hpp"

#include <fstream>
#include <sstream>

#include "tools/dns_text.hpp"

namespace canon::gen {

namespace {

[[nodiscard]] bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r';
}

// Splits a line into words on blanks.
[[nodiscard]] std::vector<std::string_view> words_of(std::string_view line) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && is_space(line[i])) ++i;
    const std::size_t start = i;
    while (i < line.size() && !is_space(line[i])) ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

QueryFileResult parse_queries(std::string_view text, std::string_view file) {
  QueryFileResult result;
  tools::QueryOptions options;
  options.id = 0;
  options.rd = false;
  options.edns = true;
  options.udp_payload = kEdnsPayload;
  std::size_t line_number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    const auto words = words_of(line);
    if (words.empty() || words[0][0] == '#' || words[0][0] == ';') continue;
    const std::string where = std::string(file) + ":" + std::to_string(line_number) + ": ";
    if (words.size() != 2) {
      result.error = where + "expected 'NAME TYPE', got " + std::to_string(words.size()) +
                     (words.size() == 1 ? " word" : " words");
      return result;
    }
    std::string error;
    auto message = tools::build_query(words[0], words[1], options, error);
    if (!message) {
      result.error = where + error;
      return result;
    }
    result.queries.push_back(Query{std::move(*message), line_number});
  }
  if (result.queries.empty()) result.error = std::string(file) + ": no queries";
  return result;
}

QueryFileResult read_query_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return QueryFileResult{{}, path + ": cannot open"};
  std::ostringstream text;
  text << in.rdbuf();
  return parse_queries(text.str(), path);
}

std::size_t question_length(const std::uint8_t* data, std::size_t length) {
  std::size_t i = 0;
  while (i < length) {
    const std::uint8_t label = data[i];
    if (label == 0) return i + 5 <= length ? i + 5 : 0;
    if (label > 63) return 0;  // a compression pointer or a reserved label type
    i += 1 + label;
  }
  return 0;
}

FrameSet build_frames(const std::vector<Query>& queries, const Endpoints& endpoints) {
  FrameSet set;
  set.frames.reserve(queries.size());
  for (const Query& query : queries) {
    const std::size_t dns_length = query.message.size();
    const std::size_t length = kDnsOff + dns_length;
    QueryFrame frame;
    frame.offset = static_cast<std::uint32_t>(set.bytes.size());
    frame.length = static_cast<std::uint16_t>(length);
    frame.question_length = static_cast<std::uint16_t>(
        question_length(query.message.data() + kDnsHeaderLen, dns_length - kDnsHeaderLen));
    set.bytes.resize(set.bytes.size() + length);
    std::uint8_t* p = set.bytes.data() + frame.offset;

    std::copy(endpoints.dst_mac.begin(), endpoints.dst_mac.end(), p);
    std::copy(endpoints.src_mac.begin(), endpoints.src_mac.end(), p + 6);
    store16(p + 12, kEtherIpv4);

    std::uint8_t* ip = p + kIpOff;
    ip[0] = 0x45;
    ip[1] = 0;
    store16(ip + 2, static_cast<std::uint16_t>(kIpLen + kUdpLen + dns_length));
    store16(ip + 4, 0);       // identification: DF is set, never fragmented
    store16(ip + 6, 0x4000);  // DF
    ip[8] = 64;
    ip[9] = kProtoUdp;
    store16(ip + 10, 0);
    store32(ip + 12, endpoints.src.value);
    store32(ip + 16, endpoints.dst.value);
    store16(ip + 10, ipv4_checksum(sum_words(ip, kIpLen)));

    std::uint8_t* udp = p + kUdpOff;
    const auto udp_length = static_cast<std::uint16_t>(kUdpLen + dns_length);
    store16(udp, 0);  // source port: patched per packet
    store16(udp + 2, endpoints.dst_port);
    store16(udp + 4, udp_length);
    store16(udp + 6, 0);
    std::copy(query.message.begin(), query.message.end(), p + kDnsOff);
    store16(p + kDnsOff, 0);  // id: patched per packet

    // pseudo header (src, dst, 0/17, UDP length) + UDP header + payload
    std::uint32_t sum = sum_words(ip + 12, 8);
    sum += kProtoUdp + udp_length;
    sum = sum_words(udp, udp_length, sum);
    frame.partial_sum = fold(sum);
    set.frames.push_back(frame);
  }
  return set;
}

}  // namespace canon::gen
