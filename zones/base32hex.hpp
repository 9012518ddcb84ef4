// base32hex (RFC 4648 §7, "0-9a-v", no padding) of NSEC3 hashes: the first
// label of every NSEC3 owner name (RFC 5155 §3.3). SHA-1's 20 octets are
// exactly 32 digits, 5 octets to 8 digits at a time:
//
//   hash   a0 b1 c2 d3 e4 | ...      (4 groups of 5 octets)
//   label  20 "k2or5kv4" ...         (length octet 32, then lower-case digits)
//
// The compiler decodes owners into the sorted chain; the workers encode the
// owners they write, so encoding is allocation- and branch-light.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

#include "zones/sha1.hpp"

namespace canon::zones {

inline constexpr std::size_t kNsec3LabelLength = 32;  // digits of a SHA-1 hash

// `hash` (kSha1Length octets) as a wire label: the length octet, then the
// 32 lower-case digits (`out`: 33 octets).
void nsec3_hash_label(const std::uint8_t* hash, std::uint8_t* out) noexcept;

// The 32 digits of `label` (any case, no length octet) into `out`
// (kSha1Length octets). False for anything else.
bool decode_nsec3_hash(std::span<const std::uint8_t> label, std::uint8_t* out) noexcept;

// The digits as text, for messages.
std::string nsec3_hash_text(const std::uint8_t* hash);

}  // namespace canon::zones
