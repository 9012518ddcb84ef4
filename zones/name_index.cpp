#include "zones/name_index.hpp"

#include <algorithm>
#include <stdexcept>

#include "zones/name_hash.hpp"

namespace canon::zones {

void make_indexed_name(const std::uint8_t* wire, std::size_t length, IndexedName& out) noexcept {
  std::uint32_t h = static_cast<std::uint32_t>(length);
  std::size_t i = 0;
  for (; i + 8 <= length; i += 8) {
    const std::uint64_t chunk = lower8(load_word(wire + i));
    std::memcpy(out.bytes + i, &chunk, 8);
    h = hash_step(h, chunk);
  }
  const std::size_t rest = length - i;  // 0..7 octets, zero-padded to 8
  if (rest != 0) {
    std::uint64_t chunk = 0;
    if (length >= 8) {
      chunk = load_word(wire + length - 8) >> (8 * (8 - rest));  // the last 8, shifted down
    } else {
      for (std::size_t j = rest; j-- > 0;) chunk = chunk << 8 | wire[j];
    }
    chunk = lower8(chunk);
    std::memcpy(out.bytes + i, &chunk, 8);
    h = hash_step(h, chunk);
    i += 8;
  }
  std::memset(out.bytes + i, 0, 8);
  out.length = static_cast<std::uint8_t>(length);
  out.hash = h;
}

NameIndexBuilder::NameIndexBuilder(std::span<const std::string> origins) {
  for (const std::string& origin : origins) {
    const std::size_t at = index_.origins_.size();
    index_.origin_offsets_.push_back(static_cast<std::uint32_t>(at));
    index_.origins_.resize(at + 8 + (origin.size() + 7) / 8 * 8, 0);
    index_.origins_[at] = static_cast<std::uint8_t>(origin.size());
    std::memcpy(index_.origins_.data() + at + 8, origin.data(), origin.size());
  }
}

void NameIndexBuilder::add(std::span<const std::uint8_t> wire, std::uint32_t node,
                           std::uint32_t zone) {
  IndexedName name;
  make_indexed_name(wire.data(), wire.size(), name);
  const std::uint8_t origin_length = index_.origins_[index_.origin_offsets_[zone]];
  const std::size_t tail_length = wire.size() - origin_length;
  entry_bytes_ += NameIndex::kEntryHeader + tail_length;
  if (entry_bytes_ > 0xffff0000u) throw std::length_error("name index exceeds 4 GiB");
  pending_.push_back(Pending{name.hash, node, static_cast<std::uint32_t>(tails_.size())});
  tails_.push_back(static_cast<std::uint8_t>(tail_length));
  tails_.insert(tails_.end(), name.bytes, name.bytes + tail_length);
}

NameIndex NameIndexBuilder::finish() {
  NameIndex& index = index_;
  index.bucket_count_ = std::max<std::uint64_t>(1, pending_.size() / 2);
  // Counting sort by bucket; within a bucket, names keep the order they came in.
  index.directory_.assign(index.bucket_count_ + 1, 0);
  for (const Pending& p : pending_) {
    const std::size_t b = index.bucket(p.hash);
    index.directory_[b + 1] += static_cast<std::uint32_t>(NameIndex::kEntryHeader + tails_[p.tail]);
  }
  for (std::size_t b = 0; b < index.bucket_count_; ++b) {
    index.directory_[b + 1] += index.directory_[b];
  }
  const std::size_t total = index.directory_.back();
  LargeVector<std::uint32_t> next(index.directory_.begin(), index.directory_.end() - 1);
  index.entries_.assign(total + NameIndex::kPadding, 0);
  for (const Pending& p : pending_) {
    std::uint8_t* e = index.entries_.data() + next[index.bucket(p.hash)];
    const std::uint8_t tail_length = tails_[p.tail];
    e[0] = tail_length;
    e[1] = static_cast<std::uint8_t>(p.hash);
    std::memcpy(e + 2, &p.node, sizeof p.node);
    std::memcpy(e + NameIndex::kEntryHeader, tails_.data() + p.tail + 1, tail_length);
    next[index.bucket(p.hash)] += static_cast<std::uint32_t>(NameIndex::kEntryHeader + tail_length);
  }
  pending_.clear();
  tails_.clear();
  return std::move(index_);
}

}  // namespace canon::zones
