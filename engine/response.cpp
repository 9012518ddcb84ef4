#include "engine/response.hpp"

#include <cstring>

#include "engine/wire.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

void ResponseWriter::put_owner(NameRef owner) noexcept {
  if (owner.offset < 0x4000) {
    store16(packet_ + pos_, static_cast<std::uint16_t>(0xc000 | owner.offset));
    pos_ += 2;
  } else {
    std::memmove(packet_ + pos_, packet_ + owner.offset, owner.length);
    pos_ += owner.length;
  }
}

std::size_t ResponseWriter::put_rrset(Section section, std::span<const std::uint8_t> rrs,
                                      std::uint16_t count, NameRef owner,
                                      std::uint32_t ttl) noexcept {
  if (owner_size(owner) != 2) [[unlikely]] return put_rrset_long_owner(section, rrs, count, owner, ttl);
  // The owner is a pointer, as stored: one copy, then patches when the owner
  // is not the question or the TTL is set.
  const std::size_t start = pos_;
  if (start + rrs.size() > end_) return 0;
  copy_bytes(packet_ + start, rrs.data(), rrs.size());
  pos_ = start + rrs.size();
  counts_[static_cast<int>(section)] += count;
  std::size_t at = start;
  if (count != 0 && (owner.offset != header::kSize || ttl != 0)) {
    const std::uint16_t pointer = static_cast<std::uint16_t>(0xc000 | owner.offset);
    for (std::uint16_t i = 0;; ++i) {
      store16(packet_ + at, pointer);
      if (ttl != 0) store32(packet_ + at + 6, ttl);
      if (i + 1 == count) break;
      at += zones::kRrHeader + load16(packet_ + at + 10);
    }
  } else {
    for (std::uint16_t i = 1; i < count; ++i) at += zones::kRrHeader + load16(packet_ + at + 10);
  }
  last_rdata_ = at + zones::kRrHeader;
  return start;
}

// An owner beyond what a pointer reaches: written out in full, RR by RR.
std::size_t ResponseWriter::put_rrset_long_owner(Section section, std::span<const std::uint8_t> rrs,
                                                 std::uint16_t count, NameRef owner,
                                                 std::uint32_t ttl) noexcept {
  const std::size_t start = pos_;
  // Each RR's 2-octet pointer becomes the whole owner, which may be shorter
  // (the root is 1 octet): add before subtracting, never "length - 2".
  const std::size_t bytes = rrs.size() + std::size_t{count} * owner.length - std::size_t{count} * 2;
  if (start + bytes > end_) return 0;
  const std::uint8_t* rr = rrs.data();
  for (std::uint16_t i = 0; i < count; ++i) {
    const std::size_t body = zones::kRrHeader - 2 + load16(rr + 10);
    put_owner(owner);
    std::memcpy(packet_ + pos_, rr + 2, body);
    if (ttl != 0) store32(packet_ + pos_ + 4, ttl);
    last_rdata_ = pos_ + 10;
    pos_ += body;
    rr += 2 + body;
  }
  counts_[static_cast<int>(section)] += count;
  return start;
}

std::size_t ResponseWriter::put_rr(Section section, NameRef owner, std::uint16_t type,
                                   std::uint16_t rclass, std::uint32_t ttl,
                                   std::span<const std::uint8_t> rdata) noexcept {
  if (pos_ + owner_size(owner) + 10 + rdata.size() > end_) return 0;
  put_owner(owner);
  store16(packet_ + pos_, type);
  store16(packet_ + pos_ + 2, rclass);
  store32(packet_ + pos_ + 4, ttl);
  store16(packet_ + pos_ + 8, static_cast<std::uint16_t>(rdata.size()));
  std::memcpy(packet_ + pos_ + 10, rdata.data(), rdata.size());
  last_rdata_ = pos_ + 10;
  pos_ += 10 + rdata.size();
  counts_[static_cast<int>(section)] += 1;
  return last_rdata_;
}

std::size_t ResponseWriter::rdata_offset(std::size_t start, NameRef owner,
                                         std::uint16_t index) const noexcept {
  const std::size_t owner_bytes = owner_size(owner);
  std::size_t at = start;
  for (std::uint16_t i = 0; i < index; ++i) at += owner_bytes + 10 + load16(packet_ + at + owner_bytes + 8);
  return at + owner_bytes + 10;
}

}  // namespace canon::engine
