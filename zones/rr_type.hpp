// RR type numbers canon treats specially, and their mnemonics for messages.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace canon::zones {

namespace rr {
inline constexpr std::uint16_t A = 1;
inline constexpr std::uint16_t NS = 2;
inline constexpr std::uint16_t CNAME = 5;
inline constexpr std::uint16_t SOA = 6;
inline constexpr std::uint16_t PTR = 12;
inline constexpr std::uint16_t MX = 15;
inline constexpr std::uint16_t TXT = 16;
inline constexpr std::uint16_t AAAA = 28;
inline constexpr std::uint16_t SRV = 33;
inline constexpr std::uint16_t DNAME = 39;
inline constexpr std::uint16_t OPT = 41;
inline constexpr std::uint16_t DS = 43;
inline constexpr std::uint16_t RRSIG = 46;
inline constexpr std::uint16_t NSEC = 47;
inline constexpr std::uint16_t DNSKEY = 48;
inline constexpr std::uint16_t NSEC3 = 50;
inline constexpr std::uint16_t NSEC3PARAM = 51;
inline constexpr std::uint16_t SVCB = 64;
inline constexpr std::uint16_t HTTPS = 65;
inline constexpr std::uint16_t IXFR = 251;
inline constexpr std::uint16_t AXFR = 252;
inline constexpr std::uint16_t ANY = 255;
}  // namespace rr

namespace rr_class {
inline constexpr std::uint16_t IN = 1;
inline constexpr std::uint16_t CH = 3;
inline constexpr std::uint16_t ANY = 255;
}  // namespace rr_class

// "A", "MX", ... or "TYPE65000" (RFC 3597) for types without a mnemonic.
[[nodiscard]] std::string type_name(std::uint16_t type);

// The number of a mnemonic ("mx", "AAAA", "TYPE65000"); 0 when unknown.
[[nodiscard]] std::uint16_t type_from_name(std::string_view name);

// DNSSEC records that may stand beside a CNAME (RFC 2181 §10.1, RFC 4035 §2.5).
[[nodiscard]] constexpr bool may_accompany_cname(std::uint16_t type) noexcept {
  return type == rr::RRSIG || type == rr::NSEC || type == rr::NSEC3;
}

}  // namespace canon::zones
