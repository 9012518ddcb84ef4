// Records as loaded from zone files, before compilation: control-plane only.
//
// All bytes (owner keys, RDATA) live in one arena and records refer to them
// by 32-bit offsets, so a million records cost one allocation pattern and
// sort as small structs.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "zones/canonical_rdata.hpp"
#include "zones/huge_pages.hpp"
#include "zones/name.hpp"

namespace canon::zones {

struct Record {
  std::uint32_t key;           // offset of the owner's lookup key in RecordStore::bytes
  std::uint32_t rdata;         // offset of the RDATA (wire form, names uncompressed)
  std::uint32_t ttl;
  std::uint32_t line;          // line in `file` where the record ends
  std::uint32_t zone;          // index of the zone whose file holds it
  std::uint16_t type;
  std::uint16_t rdata_length;
  std::uint16_t file;          // index into its zone's files (RecordStore::file_of)
  std::uint8_t key_length;
  std::uint8_t reserved = 0;
};

struct RecordStore {
  // Called every kProgressEvery records while loading (large zones log it).
  static constexpr std::uint64_t kProgressEvery = 1u << 20;
  std::function<void(std::uint64_t records)> on_progress;

  LargeVector<Record> records;
  LargeVector<std::uint8_t> bytes;
  std::vector<std::string> files;
  // A store merged from several zones (compile_loaded): zone z's files start
  // at files[zone_files[z]]; empty for one zone's store.
  std::vector<std::uint32_t> zone_files;

  [[nodiscard]] std::span<const std::uint8_t> key(const Record& r) const noexcept {
    return {bytes.data() + r.key, r.key_length};
  }
  [[nodiscard]] std::span<const std::uint8_t> rdata(const Record& r) const noexcept {
    return {bytes.data() + r.rdata, r.rdata_length};
  }
  [[nodiscard]] std::string owner_text(const Record& r) const { return key_to_text(key(r)); }
  // The same RDATA in canonical form (names of the RFC 4034 §6.2 types
  // compared lower-cased): one RR twice when owner and type match too, even
  // when the two spell a name in different letter case (RFC 2181 §5).
  [[nodiscard]] bool same_rdata(const Record& a, const Record& b) const noexcept {
    return a.type == b.type && a.rdata_length == b.rdata_length &&
           compare_canonical_rdata(a.type, rdata(a), rdata(b)) == 0;
  }
  // Byte for byte the same RDATA, letter case included.
  [[nodiscard]] bool identical_rdata(const Record& a, const Record& b) const noexcept {
    return a.rdata_length == b.rdata_length &&
           std::memcmp(bytes.data() + a.rdata, bytes.data() + b.rdata, a.rdata_length) == 0;
  }

  // Appends bytes to the arena and returns their offset.
  std::uint32_t append(std::span<const std::uint8_t> data);
  std::uint16_t file_index(const std::string& path);
  [[nodiscard]] const std::string& file_of(const Record& r) const noexcept {
    return files[(zone_files.empty() ? 0 : zone_files[r.zone]) + r.file];
  }
};

}  // namespace canon::zones
