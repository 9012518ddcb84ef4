// Canonical name order (RFC 4034 §6.1), the order of NSEC chains.
//
// Names compare label by label from the root, each label as a lower-cased
// octet string, a label that is a prefix of the other first; a name that is
// a proper suffix of another (its ancestor) comes first:
//
//     example  <  a.example  <  yljkjljk.a.example  <  Z.a.example
//              <  zABC.a.EXAMPLE  <  z.example  <  \001.z.example
//
// Lookup keys (name.hpp) are already labels root first, lower-cased, but
// their bytes do not sort canonically: each label's length byte comes
// before its octets, so "b" (01 62) sorts before "aa" (02 61 61), and a-b
// (one label) against a.b (two) compares '-' with a length byte. These
// functions compare octets first, then lengths, label by label.
//
// No allocation: the data path uses them (Snapshot::nsec_for).
#pragma once

#include <cstdint>
#include <span>

namespace canon::zones {

// <0, 0 or >0 as lookup key `a` sorts before, equal to or after `b`.
[[nodiscard]] int compare_canonical_keys(std::span<const std::uint8_t> a,
                                         std::span<const std::uint8_t> b) noexcept;

// The same for two well-formed wire names, any letter case.
[[nodiscard]] int compare_canonical(const std::uint8_t* a, const std::uint8_t* b) noexcept;

}  // namespace canon::zones
