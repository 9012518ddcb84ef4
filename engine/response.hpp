// Stage 3 helper: writes the answer in place, after the question, in the
// buffer that holds the query.
//
//   [header 12][question, the client's bytes][answer][authority][additional][OPT]
//                                            ^ question_end          limit ^  ^ reserved
//
// Every owner name canon writes is a suffix of a name already in the packet
// (the question, or a CNAME/MX/NS target in RDATA), so an owner is a NameRef
// and is written as a 2-byte compression pointer. Names in RDATA of the
// types RFC 3597 §4 allows are compressed against the question and the
// names written before (zones/name_compression.hpp), so a NameRef may name
// labels followed by a pointer: read it through suffix() and name_bytes().
// Room for our OPT is reserved up front so it always fits. An RRset that
// does not fit is not written at all (RFC 2181 §9: whole RRsets only) and
// the caller decides whether that means TC=1; mark() and rollback() take
// back a set whose RRSIGs then do not fit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>

#include "engine/wire.hpp"
#include "zones/name_compression.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

// A name at `offset` in the packet, `length` octets with the root when
// written out in full (in the packet it may end in a compression pointer).
// A plain aggregate (no member initializers), so that arrays of them cost
// nothing until written; NameRef{} is all zero.
struct NameRef {
  std::uint16_t offset;
  std::uint8_t length;
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
    question_end_ = question_end;
    counts_[0] = counts_[1] = counts_[2] = 0;
    names_.reset(question_end > header::kSize);
  }

  // Appends `count` RRs in answer form (see zones/snapshot.hpp) owned by
  // `owner`. With `ttl` nonzero, every RR gets that TTL. Returns the offset
  // where the first RR starts, or 0 when the set does not fit.
  std::size_t put_rrset(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                        NameRef owner, std::uint32_t ttl = 0) noexcept;

  // Appends `count` RRs in answer form owned by `owner` (uncompressed wire
  // form, `owner_length` octets), a name the answer holds nowhere yet (a
  // denial proof's NSEC or NSEC3 owner): written once, in the first RR,
  // compressed against the names before it; the others point at it.
  // Returns where it was written, or NameRef{} when the set does not fit.
  NameRef put_rrset_owned_by(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                             const std::uint8_t* owner, std::size_t owner_length) noexcept;
  // The same for an owner whose suffix of `suffix_length` octets is the
  // name at `suffix` (in the packet) and whose first `prefix_length` octets
  // are `prefix`: the prefix and a pointer, no search.
  NameRef put_rrset_owned_by(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                             const std::uint8_t* prefix, std::size_t prefix_length, NameRef suffix,
                             std::size_t suffix_length) noexcept;

  // Appends one RR built here: owner, type, class, TTL, then `rdata`.
  // Returns the offset of its RDATA, or 0 when it does not fit.
  std::size_t put_rr(Section section, NameRef owner, std::uint16_t type, std::uint16_t rclass,
                     std::uint32_t ttl, std::span<const std::uint8_t> rdata) noexcept;

  // Appends a CNAME synthesized from a DNAME (RFC 6672 §2.3): `name`,
  // `length` octets, whose last `suffix_length` octets are the DNAME's target,
  // already in the packet at `suffix_at` (0: not there). Returns the offset
  // of its RDATA, or 0 when it does not fit.
  std::size_t put_synthesized_cname(Section section, NameRef owner, std::uint32_t ttl,
                                    const std::uint8_t* name, std::size_t length,
                                    std::size_t suffix_length, std::size_t suffix_at) noexcept;

  // Appends a zone's prepared negative SOA (zones::Zone::negative_soa)
  // owned by `apex`, a suffix of the question, when only the question
  // precedes it. False, with nothing written, when it may not be used (a
  // name of the question above the apex could hold more of a name than the
  // apex: the general path compresses that) or does not fit.
  bool put_negative_soa(const zones::Zone& zone, std::span<const std::uint8_t> bytes, NameRef apex) noexcept;

  // Appends bytes prepared for exactly this spot (a pre-rendered chain),
  // holding `count` RRs. False, with nothing written, when they do not fit.
  bool put_prepared(Section section, std::span<const std::uint8_t> bytes, std::uint16_t count) noexcept {
    if (pos_ + bytes.size() > end_) return false;
    copy_bytes(packet_ + pos_, bytes.data(), bytes.size());
    pos_ += bytes.size();
    counts_[static_cast<int>(section)] += count;
    return true;
  }

  // A name the packet holds at `offset` (in bytes put_prepared wrote) that
  // later RDATA names may be compressed against.
  void note_name(std::size_t offset) noexcept { names_.note(offset); }

  // Where the message stands, to take back what was written after it
  // (a signed RRset whose RRSIGs do not fit goes with them, RFC 4035 §3.1.1).
  struct Mark {
    std::size_t pos;
    std::uint16_t counts[3];
  };
  [[nodiscard]] Mark mark() const noexcept { return {pos_, {counts_[0], counts_[1], counts_[2]}}; }
  void rollback(const Mark& m) noexcept {
    pos_ = m.pos;
    for (int i = 0; i < 3; ++i) counts_[i] = m.counts[i];
    names_.drop_from(m.pos);
  }

  // True when `bytes` more fit.
  [[nodiscard]] bool fits(std::size_t bytes) const noexcept { return pos_ + bytes <= end_; }

  // Offset of the RDATA of the last RR written.
  [[nodiscard]] std::size_t last_rdata() const noexcept { return last_rdata_; }
  // Offset of the RDATA of RR `index` of a set written at `start` with `owner`.
  [[nodiscard]] std::size_t rdata_offset(std::size_t start, NameRef owner,
                                         std::uint16_t index) const noexcept;

  // The ancestor of `name` `suffix_length` octets long (it ends the name).
  [[nodiscard]] NameRef suffix(NameRef name, std::uint8_t suffix_length) const noexcept {
    if (name.offset + name.length <= question_end_) {  // in the question: never compressed
      return {static_cast<std::uint16_t>(name.offset + name.length - suffix_length), suffix_length};
    }
    return {static_cast<std::uint16_t>(zones::name_suffix_at(packet_, name.offset, name.length, suffix_length)),
            suffix_length};
  }
  // The octets of `name` written out in full: in place when it lies in the
  // question, else copied to `scratch` (room for 255 octets).
  [[nodiscard]] const std::uint8_t* name_bytes(NameRef name, std::uint8_t* scratch) const noexcept {
    if (name.offset + name.length <= question_end_) return packet_ + name.offset;
    (void)zones::expand_name(packet_, name.offset, scratch);
    return scratch;
  }

  [[nodiscard]] std::size_t size() const noexcept { return pos_; }
  [[nodiscard]] std::uint16_t count(Section s) const noexcept {
    return counts_[static_cast<int>(s)];
  }
  [[nodiscard]] std::uint8_t* packet() const noexcept { return packet_; }

 private:
  // Bytes an owner takes: a pointer, or the whole name when it lies beyond
  // what a 14-bit pointer reaches (large TCP answers).
  [[nodiscard]] std::size_t owner_size(NameRef owner) const noexcept {
    return owner.offset < 0x4000 ? 2 : zones::written_name_size(packet_, owner.offset);
  }
  void put_owner(NameRef owner) noexcept;
  NameRef put_rrset_as(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                       const std::uint8_t* owner, std::size_t owner_length,
                       const zones::NameDictionary::Match& match) noexcept;
  std::size_t put_rrset_long_owner(Section section, std::span<const std::uint8_t> rrs,
                                   std::uint16_t count, NameRef owner, std::uint32_t ttl) noexcept;
  // put_rrset for the types with names in RDATA: compressed RR by RR.
  std::size_t put_rrset_names(Section section, std::span<const std::uint8_t> rrs,
                              std::uint16_t count, NameRef owner, std::uint32_t ttl) noexcept;

  std::uint8_t* packet_ = nullptr;
  std::size_t pos_ = 0;
  std::size_t end_ = 0;
  std::size_t last_rdata_ = 0;
  std::size_t question_end_ = 0;
  std::uint16_t counts_[3] = {0, 0, 0};
  zones::NameDictionary names_;  // names in the packet, for compressing RDATA
};

}  // namespace canon::engine
