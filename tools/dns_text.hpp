// DNS messages as text, for people and golden files (not the data path):
//
//   ;; NOERROR qr aa rd
//   ;; QUESTION
//   bar.example.com. IN A
//   ;; ANSWER
//   bar.example.com. 3600 IN CNAME foo.example.com.
//   foo.example.com. 3600 IN A 192.0.2.23
//   ;; AUTHORITY
//   ;; ADDITIONAL
//   ;; EDNS udp=1232 version=0 do nsid="canon-1"
//
// and queries from words: build_query("www.example.com", "A", options).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace canon::tools {

struct QueryOptions {
  std::uint16_t id = 0x1234;
  std::uint16_t qclass = 1;
  bool rd = true;
  bool edns = false;
  std::uint16_t udp_payload = 1232;
  std::uint8_t edns_version = 0;
  bool do_bit = false;
  bool nsid = false;
};

// Returns nullopt (with `error` set) on a bad name or type.
[[nodiscard]] std::optional<std::vector<std::uint8_t>> build_query(std::string_view name,
                                                                   std::string_view type,
                                                                   const QueryOptions& options,
                                                                   std::string& error);

// "A" → 1, "TYPE65000" → 65000; nullopt when unknown.
[[nodiscard]] std::optional<std::uint16_t> type_from_text(std::string_view text);

// Renders a whole message; a malformed one yields a line starting ";; MALFORMED".
[[nodiscard]] std::string message_to_text(const std::uint8_t* data, std::size_t length);

// True when the message parses completely (every name, every RR, no bytes over).
[[nodiscard]] bool message_parses(const std::uint8_t* data, std::size_t length);

}  // namespace canon::tools
