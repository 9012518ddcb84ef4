// SHA-1 (FIPS 180-4 §6.1), for NSEC3 owner hashes (RFC 5155 §5) only.
//
// NSEC3 hashes a query name on the workers, once per denial proof, so this
// is a plain, allocation-free, call-free implementation rather than
// OpenSSL's (no EVP context to allocate, no dispatch). Not for anything
// that needs collision resistance: NSEC3 does not.
//
//   Sha1 h;
//   h.update(name, length);
//   h.update(salt, salt_length);
//   h.finish(digest);            // 20 octets
#pragma once

#include <cstddef>
#include <cstdint>

namespace canon::zones {

inline constexpr std::size_t kSha1Length = 20;

class Sha1 {
 public:
  void update(const std::uint8_t* data, std::size_t length) noexcept;
  // Pads, writes the digest to `out` (kSha1Length octets); the object is
  // spent afterwards.
  void finish(std::uint8_t* out) noexcept;

 private:
  void block(const std::uint8_t* data) noexcept;

  std::uint32_t state_[5] = {0x67452301u, 0xefcdab89u, 0x98badcfeu, 0x10325476u, 0xc3d2e1f0u};
  std::uint64_t length_ = 0;  // octets hashed so far
  std::uint8_t buffer_[64];
  std::size_t buffered_ = 0;
};

// One call: SHA-1 of `length` octets at `data` into `out`.
inline void sha1(const std::uint8_t* data, std::size_t length, std::uint8_t* out) noexcept {
  Sha1 h;
  h.update(data, length);
  h.finish(out);
}

}  // namespace canon::zones
