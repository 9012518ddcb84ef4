// Stage 3 helper: writes the answer in place, after the question, in the
// buffer that holds the query.
//
//   [header 12][question, the client's bytes][answer][authority][additional][OPT]
//                                            ^ question_end          limit ^  ^ reserved
//
// Every owner name canon writes is a suffix of a name already in the packet
// uncompressed (the question, or a CNAME/MX/NS target in RDATA, which the
// snapshot keeps uncompressed), so an owner is a NameRef and is written as a
// 2-byte compression pointer; no dictionary, no search. Room for our OPT is
// reserved up front so it always fits. An RRset that does not fit is not
// written at all (RFC 2181 §9: whole RRsets only) and the caller decides
// whether that means TC=1.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "engine/wire.hpp"

namespace canon::engine {

// An uncompressed name at `offset` in the packet, `length` octets with the root.
// A plain aggregate (no member initializers), so that arrays of them cost
// nothing until written; NameRef{} is all zero.
struct NameRef {
  std::uint16_t offset;
  std::uint8_t length;

  // The ancestor `suffix_length` octets long (it ends this name's wire form).
  [[nodiscard]] NameRef suffix(std::uint8_t suffix_length) const noexcept {
    return {static_cast<std::uint16_t>(offset + length - suffix_length), suffix_length};
  }
};

enum class Section : std::uint8_t { kAnswer = 0, kAuthority = 1, kAdditional = 2 };

class ResponseWriter {
 public:
  // `limit`: the largest response allowed, OPT included; `opt_size` is kept free for it.
  void start(std::uint8_t* packet, std::size_t capacity, std::size_t question_end,
             std::size_t limit, std::size_t opt_size) noexcept {
    packet_ = packet;
    pos_ = question_end;
    const std::size_t room = limit < capacity ? limit : capacity;
    end_ = room >= question_end + opt_size ? room - opt_size : question_end;
    counts_[0] = counts_[1] = counts_[2] = 0;
  }

  // Appends `count` RRs in answer form (see zones/snapshot.hpp) owned by
  // `owner`. With `ttl` nonzero, every RR gets that TTL. Returns the offset
  // where the first RR starts, or 0 when the set does not fit.
  std::size_t put_rrset(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                        NameRef owner, std::uint32_t ttl = 0) noexcept;

  // Appends one RR built here: owner, type, class, TTL, then `rdata`.
  // Returns the offset of its RDATA, or 0 when it does not fit.
  std::size_t put_rr(Section section, NameRef owner, std::uint16_t type, std::uint16_t rclass,
                     std::uint32_t ttl, std::span<const std::uint8_t> rdata) noexcept;

  // Appends bytes prepared for exactly this spot (a pre-rendered chain),
  // holding `count` RRs. False, with nothing written, when they do not fit.
  bool put_prepared(Section section, std::span<const std::uint8_t> bytes, std::uint16_t count) noexcept {
    if (pos_ + bytes.size() > end_) return false;
    copy_bytes(packet_ + pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
    counts_[static_cast<int>(section)] += count;
    return true;
  }

  // True when `bytes` more fit.
  [[nodiscard]] bool fits(std::size_t bytes) const noexcept { return pos_ + bytes <= end_; }

  // Offset of the RDATA of the last RR written.
  [[nodiscard]] std::size_t last_rdata() const noexcept { return last_rdata_; }
  // Offset of the RDATA of RR `index` of a set written at `start` with `owner`.
  [[nodiscard]] std::size_t rdata_offset(std::size_t start, NameRef owner,
                                         std::uint16_t index) const noexcept;

  [[nodiscard]] std::size_t size() const noexcept { return pos_; }
  [[nodiscard]] std::uint16_t count(Section s) const noexcept {
    return counts_[static_cast<int>(s)];
  }
  [[nodiscard]] std::uint8_t* packet() const noexcept { return packet_; }

 private:
  // Bytes an owner takes: a pointer, or the whole name when it lies beyond
  // what a 14-bit pointer reaches (large TCP answers).
  [[nodiscard]] std::size_t owner_size(NameRef owner) const noexcept {
    return owner.offset < 0x4000 ? 2 : owner.length;
  }
  void put_owner(NameRef owner) noexcept;
  std::size_t put_rrset_long_owner(Section section, std::span<const std::uint8_t> rrs,
                                   std::uint16_t count, NameRef owner, std::uint32_t ttl) noexcept;

  std::uint8_t* packet_ = nullptr;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t last_rdata_ = 0;
  std::uint16_t counts_[3] = {0, 0, 0};
};

}  // namespace canon::engine
