// Big-endian reads and writes on packet bytes, and the DNS header layout.
//
//   0       2       4       6       8       10      12
//   | ID    | flags | QDCOUNT | ANCOUNT | NSCOUNT | ARCOUNT | question ...
//   flags: QR(1) OPCODE(4) AA(1) TC(1) RD(1) | RA(1) Z(1) AD(1) CD(1) RCODE(4)
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace canon::engine {

[[nodiscard]] inline std::uint16_t load16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
[[nodiscard]] inline std::uint32_t load32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline void store16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

// Copies n octets between buffers that do not overlap, inline: answers copy
// many short RRsets (16 octets for an A record), where a call to memcpy
// costs more than the copy. Overlapping 16-, 8- or 4-octet moves, never an
// octet outside either range; long copies call memcpy.
inline void copy_bytes(std::uint8_t* dst, const std::uint8_t* src, std::size_t n) noexcept {
  if (n >= 16) {
    if (n > 64) {
      std::memcpy(dst, src, n);
      return;
    }
    for (std::size_t i = 0; i + 16 < n; i += 16) std::memcpy(dst + i, src + i, 16);
    std::memcpy(dst + n - 16, src + n - 16, 16);
  } else if (n >= 8) {
    std::uint64_t a, b;
    std::memcpy(&a, src, 8);
    std::memcpy(&b, src + n - 8, 8);
    std::memcpy(dst, &a, 8);
    std::memcpy(dst + n - 8, &b, 8);
  } else if (n >= 4) {
    std::uint32_t a, b;
    std::memcpy(&a, src, 4);
    std::memcpy(&b, src + n - 4, 4);
    std::memcpy(dst, &a, 4);
    std::memcpy(dst + n - 4, &b, 4);
  } else {
    for (std::size_t i = 0; i < n; ++i) dst[i] = src[i];
  }
}

namespace header {
inline constexpr std::size_t kSize = 12;
inline constexpr std::size_t kId = 0;
inline constexpr std::size_t kFlags = 2;
inline constexpr std::size_t kQdCount = 4;
inline constexpr std::size_t kAnCount = 6;
inline constexpr std::size_t kNsCount = 8;
inline constexpr std::size_t kArCount = 10;
// First flags byte.
inline constexpr std::uint8_t kQr = 0x80;
inline constexpr std::uint8_t kOpcodeMask = 0x78;
inline constexpr std::uint8_t kOpcodeNotify = 4 << 3;  // RFC 1996, as it sits under kOpcodeMask
inline constexpr std::uint8_t kAa = 0x04;
inline constexpr std::uint8_t kTc = 0x02;
inline constexpr std::uint8_t kRd = 0x01;
// Second flags byte.
inline constexpr std::uint8_t kCd = 0x10;

// A NOTIFY request (QR clear, OPCODE NOTIFY) of `length` octets: what the
// engine leaves untouched for the control side (EngineConfig::notify_to_control).
[[nodiscard]] inline bool is_notify_request(const std::uint8_t* message, std::size_t length) noexcept {
  return length >= kSize && (message[kFlags] & (kQr | kOpcodeMask)) == kOpcodeNotify;
}
}  // namespace header

enum class Rcode : std::uint16_t {
  kNoError = 0,
  kFormErr = 1,
  kServFail = 2,
  kNxDomain = 3,
  kNotImp = 4,
  kRefused = 5,
  kYxDomain = 6,
  kBadVers = 16,  // extended (RFC 6891): needs an OPT record
};

inline constexpr std::uint16_t kEdnsOptionNsid = 3;
inline constexpr std::uint16_t kMinUdpPayload = 512;
inline constexpr std::size_t kOptFixedSize = 11;  // root owner, type, class, ttl, rdlength

}  // namespace canon::engine
