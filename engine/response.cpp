#include "engine/response.hpp"

#include <cstring>

#include "engine/wire.hpp"
#include "zones/rr_type.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

void ResponseWriter::put_owner(NameRef owner) noexcept {
  if (owner.offset < 0x4000) {
    store16(packet_ + pos_, static_cast<std::uint16_t>(0xc000 | owner.offset));
    pos_ += 2;
  } else {
    // As the name is written there (it may end in a pointer, which stays valid).
    const std::size_t size = zones::written_name_size(packet_, owner.offset);
    std::memmove(packet_ + pos_, packet_ + owner.offset, size);
    pos_ += size;
  }
}

std::size_t ResponseWriter::put_rrset(Section section, std::span<const std::uint8_t> rrs,
                                      std::uint16_t count, NameRef owner,
                                      std::uint32_t ttl) noexcept {
  if (count != 0 && zones::has_compressible_names(load16(rrs.data() + 2))) {
    return put_rrset_names(section, rrs, count, owner, ttl);
  }
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
  // (the root is 1 octet): add before subtracting, never "size - 2".
  const std::size_t bytes = rrs.size() + std::size_t{count} * owner_size(owner) - std::size_t{count} * 2;
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

// RR by RR: owner, the fixed header, then RDATA with its names compressed
// against the packet. All or nothing: a set that does not fit is taken back.
std::size_t ResponseWriter::put_rrset_names(Section section, std::span<const std::uint8_t> rrs,
                                            std::uint16_t count, NameRef owner,
                                            std::uint32_t ttl) noexcept {
  const std::size_t start = pos_;
  const std::uint16_t type = load16(rrs.data() + 2);
  const zones::CompressibleNames names = zones::compressible_names(type);
  const std::size_t owner_bytes = owner_size(owner);
  const std::uint8_t* rr = rrs.data();
  for (std::uint16_t i = 0; i < count; ++i) {
    const std::size_t length = load16(rr + 10);
    const std::uint8_t* rdata = rr + zones::kRrHeader;
    // The RDATA's room is checked as it is written: compressed, it may fit
    // where the zone's form would not.
    if (pos_ + owner_bytes + 10 > end_) goto take_back;
    put_owner(owner);
    std::memcpy(packet_ + pos_, rr + 2, 8);
    if (ttl != 0) store32(packet_ + pos_ + 4, ttl);
    {
      const std::size_t rdata_at = pos_ + 10;
      std::size_t out = rdata_at;
      std::size_t in = names.first;
      if (out + in > end_) goto take_back;
      std::memcpy(packet_ + out, rdata, in);
      out += in;
      for (unsigned n = 0; n < names.count && in < length; ++n) {
        std::size_t name_length = 1;  // compiled RDATA: a well-formed name
        while (rdata[in + name_length - 1] != 0) name_length += rdata[in + name_length - 1] + 1u;
        const std::uint8_t shared = n < 2 ? rr[n] : 0;  // the compiler's hint, see snapshot.hpp
        const std::size_t shared_at = shared != 0 ? suffix(owner, shared).offset : 0;
        const zones::NameDictionary::Match match = names_.match(packet_, rdata + in, name_length, shared, shared_at);
        const std::size_t size = match.target != 0 ? match.prefix + 2 : name_length;
        if (out + size > end_) goto take_back;
        (void)zones::write_compressed_name(packet_ + out, rdata + in, name_length, match);
        if (match.prefix != 0) names_.add(out, match);
        out += size;
        in += name_length;
      }
      if (out + (length - in) > end_) goto take_back;
      std::memcpy(packet_ + out, rdata + in, length - in);
      out += length - in;
      store16(packet_ + pos_ + 8, static_cast<std::uint16_t>(out - rdata_at));
      last_rdata_ = rdata_at;
      pos_ = out;
    }
    rr += zones::kRrHeader + length;
  }
  counts_[static_cast<int>(section)] += count;
  return start;
take_back:
  pos_ = start;
  names_.drop_from(start);
  return 0;
}

std::size_t ResponseWriter::put_synthesized_cname(Section section, NameRef owner, std::uint32_t ttl,
                                                  const std::uint8_t* name, std::size_t length,
                                                  std::size_t suffix_length,
                                                  std::size_t suffix_at) noexcept {
  // The DNAME's target is the longest suffix worth a search: point at it
  // (the name is then not remembered: the dictionary knows no labels there).
  const bool search = suffix_at == 0 || suffix_at >= 0x4000;
  const zones::NameDictionary::Match match =
      search ? names_.match(packet_, name, length)
             : zones::NameDictionary::Match{length - suffix_length, static_cast<std::uint16_t>(suffix_at), 0};
  const std::size_t size = match.target != 0 ? match.prefix + 2 : length;
  if (pos_ + owner_size(owner) + 10 + size > end_) return 0;
  put_owner(owner);
  store16(packet_ + pos_, zones::rr::CNAME);
  store16(packet_ + pos_ + 2, zones::rr_class::IN);
  store32(packet_ + pos_ + 4, ttl);
  store16(packet_ + pos_ + 8, static_cast<std::uint16_t>(size));
  last_rdata_ = pos_ + 10;
  (void)zones::write_compressed_name(packet_ + last_rdata_, name, length, match);
  if (search && match.prefix != 0) names_.add(last_rdata_, match);
  pos_ = last_rdata_ + size;
  counts_[static_cast<int>(section)] += 1;
  return last_rdata_;
}

bool ResponseWriter::put_negative_soa(const zones::Zone& zone, std::span<const std::uint8_t> bytes,
                                      NameRef apex) noexcept {
  if (pos_ != question_end_ || apex.offset >= 0x4000 || apex.offset + apex.length > question_end_) return false;
  if (pos_ + 2 + bytes.size() > end_) return false;
  if (apex.offset > header::kSize && (zone.soa_before[0] != 0 || zone.soa_before[1] != 0)) {
    // The question's label above the apex, against each name's label before it.
    std::size_t above = header::kSize;
    for (std::size_t at = header::kSize; at < apex.offset; at += packet_[at] + 1u) above = at;
    for (const std::uint8_t before : zone.soa_before) {
      if (before != 0 && zones::same_label(packet_ + above, bytes.data() + before)) return false;
    }
  }
  const std::size_t start = pos_;
  put_owner(apex);
  copy_bytes(packet_ + pos_, bytes.data(), bytes.size());
  // Pointers into the apex move to its place in the question; pointers into
  // the RR itself (RNAME into MNAME) move with the RR.
  const std::size_t fake_apex = header::kSize;
  const std::size_t fake_rr = header::kSize + zone.origin_length + 4;
  for (const std::uint8_t at : zone.soa_pointers) {
    if (at == 0) continue;
    const std::size_t target = load16(packet_ + pos_ + at) & 0x3fff;
    const std::size_t moved = target < fake_rr ? apex.offset + (target - fake_apex) : start + (target - fake_rr);
    store16(packet_ + pos_ + at, static_cast<std::uint16_t>(0xc000 | moved));
  }
  last_rdata_ = pos_ + 10;
  pos_ += bytes.size();
  counts_[static_cast<int>(Section::kAuthority)] += 1;
  return true;
}

NameRef ResponseWriter::put_rrset_owned_by(Section section, std::span<const std::uint8_t> rrs,
                                           std::uint16_t count, const std::uint8_t* owner,
                                           std::size_t owner_length) noexcept {
  return put_rrset_as(section, rrs, count, owner, owner_length, names_.match(packet_, owner, owner_length));
}

NameRef ResponseWriter::put_rrset_owned_by(Section section, std::span<const std::uint8_t> rrs,
                                           std::uint16_t count, const std::uint8_t* prefix,
                                           std::size_t prefix_length, NameRef suffix,
                                           std::size_t suffix_length) noexcept {
  if (suffix.offset >= 0x4000) [[unlikely]] {  // beyond a pointer: the whole name, searched
    std::uint8_t name[zones::kMaxNameLength + 64];
    std::uint8_t scratch[zones::kMaxNameLength + 1];
    std::memcpy(name, prefix, prefix_length);
    std::memcpy(name + prefix_length, name_bytes(suffix, scratch), suffix_length);
    return put_rrset_owned_by(section, rrs, count, name, prefix_length + suffix_length);
  }
  // write_compressed_name writes `prefix` octets of the name, then the pointer.
  return put_rrset_as(section, rrs, count, prefix, prefix_length + suffix_length,
                      zones::NameDictionary::Match{prefix_length, suffix.offset, 0});
}

NameRef ResponseWriter::put_rrset_as(Section section, std::span<const std::uint8_t> rrs, std::uint16_t count,
                                     const std::uint8_t* owner, std::size_t owner_length,
                                     const zones::NameDictionary::Match& match) noexcept {
  if (count == 0) return {};
  const Mark before = mark();
  const std::size_t start = pos_;
  const std::size_t name_size = match.target != 0 ? match.prefix + 2 : owner_length;
  const std::size_t body = zones::kRrHeader - 2 + load16(rrs.data() + 10);  // the first RR after its owner
  if (start + name_size + body > end_) return {};
  (void)zones::write_compressed_name(packet_ + start, owner, owner_length, match);
  if (match.prefix != 0) names_.add(start, match);
  pos_ = start + name_size;
  std::memcpy(packet_ + pos_, rrs.data() + 2, body);
  last_rdata_ = pos_ + 10;
  pos_ += body;
  counts_[static_cast<int>(section)] += 1;
  const NameRef written{static_cast<std::uint16_t>(start), static_cast<std::uint8_t>(owner_length)};
  if (count > 1 && put_rrset(section, rrs.subspan(2 + body), static_cast<std::uint16_t>(count - 1), written) == 0) {
    rollback(before);
    return {};
  }
  return written;
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
