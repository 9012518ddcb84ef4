// Domain names in the two forms canon uses.
//
// Wire form (RFC 1035 §3.1), uncompressed, as in zone data and questions:
//
//     www.Example.com.  =  03 'w' 'w' 'w' 07 'E' 'x' 'a' 'm' 'p' 'l' 'e' 03 'c' 'o' 'm' 00
//
// Lookup key: the labels reversed (root-most first), each kept with its
// length byte, ASCII lower-cased, with no root byte at the end:
//
//     www.Example.com.  →  03 'c' 'o' 'm' 07 'e' 'x' 'a' 'm' 'p' 'l' 'e' 03 'w' 'w' 'w'
//     .                 →  (empty)
//
// Why this shape: an ancestor's key is a byte prefix of every descendant's
// key, and the length bytes make label boundaries unambiguous without any
// escaping (a label may hold any octet, 00 included), so one descent of a
// byte trie finds the exact match and, on the way, the closest encloser.
// Sorting keys byte-wise keeps each subtree contiguous (not RFC 4034 order,
// which only NSEC chains need: zones/canonical_order.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace canon::zones {

inline constexpr std::size_t kMaxNameLength = 255;   // wire octets, root byte included
inline constexpr std::size_t kMaxLabelLength = 63;
inline constexpr std::size_t kMaxKeyLength = kMaxNameLength - 1;
inline constexpr std::size_t kMaxLabels = 127;

// ASCII-only case folding, the only folding DNS has (RFC 4343).
[[nodiscard]] constexpr std::uint8_t to_lower(std::uint8_t c) noexcept {
  return (c >= 'A' && c <= 'Z') ? static_cast<std::uint8_t>(c + 32) : c;
}

// ASCII upper → lower on 8 octets at once (SWAR): an octet gets 0x20 added
// when it is in 'A'..'Z'. Length octets (< 64) and non-ASCII octets are kept.
[[nodiscard]] constexpr std::uint64_t lower8(std::uint64_t x) noexcept {
  constexpr std::uint64_t kHigh = 0x8080808080808080ull;
  const std::uint64_t seven = x & ~kHigh;
  const std::uint64_t at_least_a = seven + 0x3f3f3f3f3f3f3f3full;  // high bit: octet >= 'A'
  const std::uint64_t above_z = seven + 0x2525252525252525ull;     // high bit: octet >  'Z'
  const std::uint64_t upper = at_least_a & ~above_z & ~x & kHigh;
  return x | (upper >> 2);
}

// A lookup key with room for the longest name; built on the stack, never
// allocated. `bytes` has slack so the key can be lower-cased 8 bytes at a time.
struct LookupKey {
  std::uint8_t length = 0;
  std::uint8_t label_count = 0;
  std::uint8_t bytes[kMaxKeyLength + 10];

  [[nodiscard]] std::span<const std::uint8_t> view() const noexcept { return {bytes, length}; }
};

// Length of a well-formed uncompressed wire name, or 0 when `wire` does not
// hold one (label over 63, name over 255, compression pointer, overrun).
[[nodiscard]] std::size_t wire_name_length(std::span<const std::uint8_t> wire) noexcept;

// Builds the lookup key of a well-formed wire name (checked by the caller).
void make_key(const std::uint8_t* wire, LookupKey& key) noexcept;

// The same, for a name whose label offsets the caller already found (the
// query parser validates the name and collects them in one pass).
void make_key(const std::uint8_t* wire, const std::uint8_t* label_starts, unsigned label_count,
              LookupKey& key) noexcept;

// The wire name of a lookup key; returns the wire length written to `out`
// (which holds at least kMaxNameLength bytes).
std::size_t key_to_wire(std::span<const std::uint8_t> key, std::uint8_t* out) noexcept;

// Number of labels in a key (the root has none).
[[nodiscard]] unsigned key_label_count(std::span<const std::uint8_t> key) noexcept;

// Key length of the parent of a non-empty key.
[[nodiscard]] std::size_t key_parent_length(std::span<const std::uint8_t> key) noexcept;

// True when `key` names `ancestor` or lies below it.
[[nodiscard]] bool key_is_below_or_at(std::span<const std::uint8_t> key,
                                      std::span<const std::uint8_t> ancestor) noexcept;

// Presentation form with RFC 1035 escapes, absolute ("www.example.com.", ".").
[[nodiscard]] std::string wire_to_text(const std::uint8_t* wire);
[[nodiscard]] std::string key_to_text(std::span<const std::uint8_t> key);

// Parses an absolute or relative presentation name ("example.com", "example.com.")
// into wire form, always absolute. Returns false on a malformed name.
[[nodiscard]] bool text_to_wire(std::string_view text, std::string& wire);

// The lookup key of a presentation name (text_to_wire, then make_key).
// Returns false, with `key` empty, on a malformed name.
[[nodiscard]] bool text_to_key(std::string_view text, LookupKey& key);

}  // namespace canon::zones
