// The client's address, as the policy's `prefixes` and rate limiting see it:
// 16 bytes, IPv6 as is and IPv4 mapped (RFC 4291 §2.5.5.2), so one prefix
// test serves both families.
//
//   198.18.0.7  →  00 00 00 00 00 00 00 00 00 00 ff ff c6 12 00 07
//   198.18.0.0/24 is the mapped prefix of length 96 + 24 = 120.
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace canon::engine {

struct ClientAddress {
  std::array<std::uint8_t, 16> bytes{};

  [[nodiscard]] static ClientAddress v4(const std::uint8_t* four) noexcept {
    ClientAddress a;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(a.bytes.data() + 12, four, 4);
    return a;
  }
  [[nodiscard]] static ClientAddress v6(const std::uint8_t* sixteen) noexcept {
    ClientAddress a;
    std::memcpy(a.bytes.data(), sixteen, 16);
    return a;
  }
  [[nodiscard]] bool is_v4() const noexcept {
    static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    return std::memcmp(bytes.data(), kMapped, 12) == 0;
  }
};

// An address prefix in the mapped space (`length` 0..128).
struct AddressPrefix {
  ClientAddress address;  // host bits zero
  std::uint8_t length = 0;

  [[nodiscard]] bool contains(const ClientAddress& a) const noexcept {
    const unsigned whole = length / 8u;
    if (std::memcmp(a.bytes.data(), address.bytes.data(), whole) != 0) return false;
    const unsigned rest = length % 8u;
    if (rest == 0) return true;
    const auto mask = static_cast<std::uint8_t>(0xff00u >> rest);
    return (a.bytes[whole] & mask) == address.bytes[whole];
  }
};

// `a` with every bit after the first `length` (mapped space) cleared.
[[nodiscard]] ClientAddress masked(const ClientAddress& a, unsigned length) noexcept;

// "198.18.0.0/24", "2001:db8::/56", "198.18.0.7" (a host: /32, /128).
// nullopt with `error` saying why when bad (host bits set count as bad: a
// typo there is more likely than intent).
[[nodiscard]] std::optional<AddressPrefix> parse_prefix(std::string_view text, std::string& error);

// "198.18.0.0/24" back from a prefix (for messages and stats).
[[nodiscard]] std::string prefix_text(const AddressPrefix& prefix);
// "198.18.0.7" (IPv4 unmapped) or "2001:db8::7": an address, for messages.
[[nodiscard]] std::string address_text(const ClientAddress& address);

}  // namespace canon::engine
