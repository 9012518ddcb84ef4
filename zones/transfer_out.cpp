#include "zones/transfer_out.hpp"

#include <algorithm>
#include <cstring>
#include <unordered_map>

#include "zones/dns_message.hpp"
#include "zones/name.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

void put16(std::vector<std::uint8_t>& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

// Record r of `store` as one wire RR appended to `out`.
void append_rr(const RecordStore& store, const Record& r, std::vector<std::uint8_t>& out) {
  std::uint8_t owner[kMaxNameLength];
  const std::size_t length = key_to_wire(store.key(r), owner);
  out.insert(out.end(), owner, owner + length);
  put16(out, r.type);
  put16(out, rr_class::IN);
  put16(out, r.ttl >> 16);
  put16(out, r.ttl & 0xffff);
  put16(out, r.rdata_length);
  const auto rdata = store.rdata(r);
  out.insert(out.end(), rdata.begin(), rdata.end());
}

bool is_apex_soa(const LoadedZone& zone, const Record& r, std::span<const std::uint8_t> origin_key) {
  const auto key = zone.store.key(r);
  return r.type == rr::SOA && std::equal(key.begin(), key.end(), origin_key.begin(), origin_key.end());
}

LookupKey origin_key(const LoadedZone& zone) {
  LookupKey key;
  (void)text_to_key(zone.source.origin, key);
  return key;
}

// Length of the wire RR at `p` (its owner uncompressed).
std::size_t rr_length(const std::uint8_t* p) {
  std::size_t at = 0;
  while (p[at] != 0) at += 1u + p[at];
  at += 1 + 8;
  return at + 2 + ((std::size_t{p[at]} << 8) | p[at + 1]);
}

// Messages filled RR by RR; emit() when the next RR would not fit.
class Stream {
 public:
  Stream(std::uint16_t id, std::span<const std::uint8_t> question, const EmitMessage& emit)
      : id_(id), question_(question.begin(), question.end()), emit_(emit) {
    start();
  }
  bool add(const std::uint8_t* rr, std::size_t length) {
    if (count_ > 0 && message_.size() + length > kTransferMessageBytes && !flush()) return false;
    message_.insert(message_.end(), rr, rr + length);
    ++count_;
    return true;
  }
  bool add_all(const WireRrs& rrs) {
    for (std::size_t at = 0; at < rrs.bytes.size();) {
      const std::size_t length = rr_length(rrs.bytes.data() + at);
      if (!add(rrs.bytes.data() + at, length)) return false;
      at += length;
    }
    return true;
  }
  bool finish() { return count_ == 0 || flush(); }

 private:
  void start() {
    message_.clear();
    put16(message_, id_);
    put16(message_, 0x8400);  // QR, AA; OPCODE QUERY, NOERROR
    put16(message_, first_ ? 1 : 0);
    message_.insert(message_.end(), 6, 0);
    if (first_) message_.insert(message_.end(), question_.begin(), question_.end());
    count_ = 0;
  }
  bool flush() {
    message_[6] = static_cast<std::uint8_t>(count_ >> 8);
    message_[7] = static_cast<std::uint8_t>(count_);
    const bool more = emit_(message_);
    first_ = false;
    start();
    return more;
  }

  std::uint16_t id_;
  std::vector<std::uint8_t> question_;
  const EmitMessage& emit_;
  std::vector<std::uint8_t> message_;
  std::size_t count_ = 0;
  bool first_ = true;
};

std::uint64_t rr_hash(const RecordStore& store, const Record& r) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto mix = [&h](std::uint8_t b) { h = (h ^ b) * 0x100000001b3ull; };
  for (std::uint8_t b : store.key(r)) mix(b);
  for (int s = 0; s < 16; s += 8) mix(static_cast<std::uint8_t>(r.type >> s));
  for (int s = 0; s < 32; s += 8) mix(static_cast<std::uint8_t>(r.ttl >> s));
  for (std::uint8_t b : store.rdata(r)) mix(b);
  return h;
}

bool same_rr(const RecordStore& a, const Record& x, const RecordStore& b, const Record& y) {
  const auto kx = a.key(x), ky = b.key(y);
  return x.type == y.type && x.ttl == y.ttl && kx.size() == ky.size() &&
         std::equal(kx.begin(), kx.end(), ky.begin()) &&
         x.rdata_length == y.rdata_length &&
         std::memcmp(a.rdata(x).data(), b.rdata(y).data(), x.rdata_length) == 0;
}

}  // namespace

const Record* apex_soa(const LoadedZone& zone) {
  const LookupKey origin = origin_key(zone);
  for (const Record& r : zone.store.records) {
    if (is_apex_soa(zone, r, origin.view()) && rdata_is_well_formed(rr::SOA, zone.store.rdata(r))) return &r;
  }
  return nullptr;
}

std::vector<std::uint8_t> apex_soa_rr(const LoadedZone& zone, std::uint32_t* serial) {
  std::vector<std::uint8_t> out;
  if (const Record* soa = apex_soa(zone)) {
    append_rr(zone.store, *soa, out);
    if (serial) *serial = soa_serial(zone.store.rdata(*soa));
  }
  return out;
}

ZoneDiff diff_versions(const LoadedZone& previous, const LoadedZone& next) {
  ZoneDiff diff;
  diff.from_soa = apex_soa_rr(previous, &diff.from);
  diff.to_soa = apex_soa_rr(next, &diff.to);
  const LookupKey origin = origin_key(next);
  std::unordered_multimap<std::uint64_t, std::size_t> in_next;
  in_next.reserve(next.store.records.size());
  for (std::size_t i = 0; i < next.store.records.size(); ++i) {
    in_next.emplace(rr_hash(next.store, next.store.records[i]), i);
  }
  std::vector<bool> kept(next.store.records.size(), false);
  for (const Record& r : previous.store.records) {
    bool found = false;
    auto [from, to] = in_next.equal_range(rr_hash(previous.store, r));
    for (auto it = from; it != to && !found; ++it) {
      if (!kept[it->second] && same_rr(previous.store, r, next.store, next.store.records[it->second])) {
        kept[it->second] = found = true;
      }
    }
    if (!found && !is_apex_soa(previous, r, origin.view())) {
      append_rr(previous.store, r, diff.removed.bytes);
      ++diff.removed.count;
    }
  }
  for (std::size_t i = 0; i < next.store.records.size(); ++i) {
    const Record& r = next.store.records[i];
    if (kept[i] || is_apex_soa(next, r, origin.view())) continue;
    append_rr(next.store, r, diff.added.bytes);
    ++diff.added.count;
  }
  return diff;
}

bool write_axfr(const LoadedZone& zone, std::uint16_t id, std::span<const std::uint8_t> question,
                const EmitMessage& emit) {
  const std::vector<std::uint8_t> soa = apex_soa_rr(zone);
  const LookupKey origin = origin_key(zone);
  Stream stream(id, question, emit);
  if (!stream.add(soa.data(), soa.size())) return false;
  std::vector<std::uint8_t> rr;
  for (const Record& r : zone.store.records) {
    if (is_apex_soa(zone, r, origin.view())) continue;
    rr.clear();
    append_rr(zone.store, r, rr);
    if (!stream.add(rr.data(), rr.size())) return false;
  }
  return stream.add(soa.data(), soa.size()) && stream.finish();
}

bool write_ixfr(const LoadedZone& zone, std::span<const ZoneDiff* const> diffs, std::uint16_t id,
                std::span<const std::uint8_t> question, const EmitMessage& emit) {
  const std::vector<std::uint8_t> soa = apex_soa_rr(zone);
  Stream stream(id, question, emit);
  if (!stream.add(soa.data(), soa.size())) return false;
  for (const ZoneDiff* diff : diffs) {
    if (!stream.add(diff->from_soa.data(), diff->from_soa.size()) || !stream.add_all(diff->removed) ||
        !stream.add(diff->to_soa.data(), diff->to_soa.size()) || !stream.add_all(diff->added)) {
      return false;
    }
  }
  return stream.add(soa.data(), soa.size()) && stream.finish();
}

bool write_soa_only(const LoadedZone& zone, std::uint16_t id, std::span<const std::uint8_t> question,
                    const EmitMessage& emit) {
  const std::vector<std::uint8_t> soa = apex_soa_rr(zone);
  Stream stream(id, question, emit);
  return stream.add(soa.data(), soa.size()) && stream.finish();
}

}  // namespace canon::zones
