// Hand-built DNS messages for the parser tests: every field written
// explicitly, so a test can lie in any of them.
//
//   Wire().header(0xbeef, kRdCd, 1, 0, 0, 1).question("www.example.com", 1, 1).opt().bytes
#pragma once

#include <cstdint>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "zones/name.hpp"

namespace canon::engine::testing {

// Header flags (both bytes): RD in the first, CD in the second.
inline constexpr std::uint16_t kRdCd = 0x0110;

struct Wire {
  std::vector<std::uint8_t> bytes;

  Wire& u8(std::uint8_t v) {
    bytes.push_back(v);
    return *this;
  }
  Wire& u16(std::uint16_t v) {
    return u8(static_cast<std::uint8_t>(v >> 8)).u8(static_cast<std::uint8_t>(v));
  }
  Wire& u32(std::uint32_t v) {
    return u16(static_cast<std::uint16_t>(v >> 16)).u16(static_cast<std::uint16_t>(v));
  }
  Wire& raw(std::initializer_list<std::uint8_t> v) {
    bytes.insert(bytes.end(), v);
    return *this;
  }
  Wire& raw(std::string_view v) {
    bytes.insert(bytes.end(), v.begin(), v.end());
    return *this;
  }
  // An uncompressed name ("www.example.com"; "." is the root).
  Wire& name(std::string_view text) {
    std::string wire;
    if (!zones::text_to_wire(text, wire)) throw std::invalid_argument("bad test name");
    return raw(wire);
  }
  // A label of `n` copies of `c` (no check of n).
  Wire& label(std::size_t n, char c = 'x') {
    u8(static_cast<std::uint8_t>(n));
    bytes.insert(bytes.end(), n, static_cast<std::uint8_t>(c));
    return *this;
  }
  Wire& header(std::uint16_t id, std::uint16_t flags, std::uint16_t qd, std::uint16_t an = 0,
               std::uint16_t ns = 0, std::uint16_t ar = 0) {
    return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
  }
  Wire& question(std::string_view qname, std::uint16_t qtype = 1, std::uint16_t qclass = 1) {
    return name(qname).u16(qtype).u16(qclass);
  }
  // An OPT record with the root owner unless `owner` says otherwise.
  Wire& opt(std::uint16_t payload = 1232, std::uint8_t version = 0, bool do_bit = false,
            std::initializer_list<std::uint8_t> rdata = {}, std::string_view owner = ".") {
    name(owner).u16(41).u16(payload).u8(0).u8(version).u16(do_bit ? 0x8000 : 0);
    u16(static_cast<std::uint16_t>(rdata.size()));
    return raw(rdata);
  }
  // An A record owned by a pointer to the question name.
  Wire& a_record() { return raw({0xc0, 0x0c}).u16(1).u16(1).u32(300).u16(4).raw({192, 0, 2, 9}); }
};

}  // namespace canon::engine::testing
