#include "zones/table_index.hpp"

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "zones/name_hash.hpp"

namespace canon::zones {

namespace {

std::uint32_t load32(const std::uint8_t* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

TableIndex::TableIndex(const TableIndex& previous, std::span<const std::uint32_t> touched,
                       const std::vector<bool>& dropped, std::span<const Record> added)
    : pages_(previous.pages_) {
  if (pages_.empty()) pages_.assign(kPages, std::make_shared<const Page>());
  // The added records by page; the pages to rebuild.
  std::vector<std::vector<const Record*>> by_page(kPages);
  std::vector<bool> rebuild(kPages, false);
  for (const Record& r : added) {
    by_page[page_of(r.hash)].push_back(&r);
    rebuild[page_of(r.hash)] = true;
  }
  for (const std::uint32_t hash : touched) rebuild[page_of(hash)] = true;
  for (std::size_t p = 0; p < kPages; ++p) {
    if (rebuild[p]) pages_[p] = build_page(pages_[p].get(), dropped, by_page[p]);
  }
  make_views();
}

void TableIndex::make_views() {
  views_.clear();
  for (const auto& page : pages_) views_.push_back({page->directory.data(), page->entries.data(), page->bucket_count});
}

std::shared_ptr<const TableIndex::Page> TableIndex::build_page(const Page* old, const std::vector<bool>& dropped,
                                                                std::span<const Record* const> added) {
  // Every entry that stays, then the new ones: (hash, offset of a packed
  // entry in `scratch`).
  std::vector<std::uint8_t> scratch;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> kept;
  if (old != nullptr) {
    const std::size_t end = old->directory.back();
    for (std::size_t at = 0; at < end;) {
      const std::uint8_t* e = old->entries.data() + at;
      const std::size_t size = kEntryHeader + e[12];
      const std::uint32_t unit = load32(e + 4);
      if (unit >= dropped.size() || !dropped[unit]) {
        kept.emplace_back(load32(e), static_cast<std::uint32_t>(scratch.size()));
        scratch.insert(scratch.end(), e, e + size);
      }
      at += size;
    }
  }
  for (const Record* r : added) {
    kept.emplace_back(r->hash, static_cast<std::uint32_t>(scratch.size()));
    std::uint8_t header[kEntryHeader];
    std::memcpy(header, &r->hash, 4);
    std::memcpy(header + 4, &r->unit, 4);
    std::memcpy(header + 8, &r->node, 4);
    header[12] = static_cast<std::uint8_t>(r->tail.size());
    scratch.insert(scratch.end(), header, header + kEntryHeader);
    scratch.insert(scratch.end(), r->tail.begin(), r->tail.end());
  }
  if (scratch.size() > 0xffff0000u) throw std::length_error("a zone table index page exceeds 4 GiB");
  auto page = std::make_shared<Page>();
  page->bucket_count = std::max<std::uint64_t>(1, kept.size() / 2);
  page->directory.assign(page->bucket_count + 1, 0);
  for (const auto& [hash, at] : kept) {
    page->directory[bucket(page->bucket_count, hash) + 1] += static_cast<std::uint32_t>(kEntryHeader + scratch[at + 12]);
  }
  for (std::size_t b = 0; b < page->bucket_count; ++b) page->directory[b + 1] += page->directory[b];
  std::vector<std::uint32_t> next(page->directory.begin(), page->directory.end() - 1);
  page->entries.assign(page->directory.back() + kPadding, 0);
  for (const auto& [hash, at] : kept) {
    const std::size_t size = kEntryHeader + scratch[at + 12];
    std::uint32_t& to = next[bucket(page->bucket_count, hash)];
    std::memcpy(page->entries.data() + to, scratch.data() + at, size);
    to += static_cast<std::uint32_t>(size);
  }
  return page;
}

namespace {

// The next entry in [at, end) whose hash and tail match `want`; moves `at`
// past it. Returns nullptr when there is none.
inline const std::uint8_t* next_match(const std::uint8_t*& at, const std::uint8_t* end,
                                      const IndexedName& want) noexcept {
  while (at < end) {
    const std::uint8_t* e = at;
    const std::uint8_t tail_length = e[12];
    at += 13 + tail_length;
    if (load32(e) == want.hash && tail_length < want.length && same_prefix(e + 13, want.bytes, tail_length)) {
      return e;
    }
  }
  return nullptr;
}

}  // namespace

void TableIndex::find_exact_burst(const IndexedName* const* names, std::size_t count,
                                  std::span<const Snapshot* const> units, const Snapshot** unit_out,
                                  std::uint32_t* node_out) const noexcept {
  static_assert(kEntryHeader == 13);
  constexpr std::size_t kMaxBurst = 64;
  for (std::size_t first = 0; first < count; first += kMaxBurst) {
    const std::size_t n = std::min(kMaxBurst, count - first);
    const IndexedName* const* name = names + first;
    const std::uint8_t* at[kMaxBurst];
    const std::uint8_t* end[kMaxBurst];
    const std::uint8_t* match[kMaxBurst];
    const std::uint32_t* slot[kMaxBurst];
    const std::uint8_t* entries[kMaxBurst];
    // 1. The bucket's directory slot, 2. its entries, 3. the first entry
    //    that matches and its node, 4. the origin check (rarely failing:
    //    another zone's name with the same tail and hash).
    for (std::size_t i = 0; i < n; ++i) {
      const PageView& page = views_[page_of(name[i]->hash)];
      slot[i] = page.directory + bucket(page.bucket_count, name[i]->hash);
      entries[i] = page.entries;
      __builtin_prefetch(slot[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      at[i] = entries[i] + slot[i][0];
      end[i] = entries[i] + slot[i][1];
      __builtin_prefetch(at[i]);
    }
    for (std::size_t i = 0; i < n; ++i) {
      match[i] = next_match(at[i], end[i], *name[i]);
      if (match[i] != nullptr) units[load32(match[i] + 4)]->prefetch_node(load32(match[i] + 8));
    }
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint8_t* e = match[i];
      while (e != nullptr && !units[load32(e + 4)]->origin_is(*name[i], e[12], load32(e + 8))) {
        e = next_match(at[i], end[i], *name[i]);
      }
      node_out[first + i] = kNone;
      if (e != nullptr) {
        node_out[first + i] = load32(e + 8);
        unit_out[first + i] = units[load32(e + 4)];
      }
    }
  }
}

std::size_t TableIndex::bytes() const noexcept {
  std::size_t n = pages_.size() * sizeof(pages_[0]);
  const Page* last = nullptr;
  for (const auto& page : pages_) {
    if (page.get() == last) continue;  // the shared empty page
    last = page.get();
    n += sizeof(Page) + page->directory.size() * sizeof(std::uint32_t) + page->entries.size();
  }
  return n;
}

}  // namespace canon::zones
