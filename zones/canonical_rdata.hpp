// RDATA in canonical form (RFC 4034 §6.2): the names inside the RDATA of
// the types listed there compare lower-cased, so "MX 10 Some.Domain." and
// "MX 10 some.domain." are one RR (RFC 2181 §5: a set holds each RR once).
// NSEC and HINFO are left out, as RFC 6840 §5.1 corrects the list.
//
// Control-plane only: the compiler sorts and deduplicates records with it.
#pragma once

#include <cstdint>
#include <span>

namespace canon::zones {

// <0, 0 or >0 as `a` sorts before, equal to or after `b`, both RDATA of
// `type`, compared byte-wise with the embedded names lower-cased.
[[nodiscard]] int compare_canonical_rdata(std::uint16_t type, std::span<const std::uint8_t> a,
                                          std::span<const std::uint8_t> b) noexcept;

}  // namespace canon::zones
