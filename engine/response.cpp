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
  const std::size_t start = pos_;
  const std::size_t owner_bytes = owner_size(owner);
  // Stored RRs start with a 2-byte owner; ours may be longer.
  if (start + rrs.size() + count * (owner_bytes - 2) > end_) return 0;
  if (owner_bytes == 2) {
    std::memcpy(packet_ + pos_, rrs.data(), rrs.size());
    if (owner.offset != 12) {
      const std::uint16_t pointer = static_cast<std::uint16_t>(0xc000 | owner.offset);
      std::size_t at = pos_;
      for (std::uint16_t i = 0; i < count; ++i) {
        store16(packet_ + at, pointer);
        at += zones::kRrHeader + load16(packet_ + at + 10);
      }
    }
    std::size_t at = pos_;
    for (std::uint16_t i = 0; i + 1 < count; ++i) {
      if (ttl != 0) store32(packet_ + at + 6, ttl);
      at += zones::kRrHeader + load16(packet_ + at + 10);
    }
    if (ttl != 0) store32(packet_ + at + 6, ttl);
    last_rdata_ = at + zones::kRrHeader;
    pos_ += rrs.size();
  } else {
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
