#include "zones/record_store.hpp"

#include <limits>
#include <stdexcept>

namespace canon::zones {

std::uint32_t RecordStore::append(std::span<const std::uint8_t> data) {
  const std::size_t offset = bytes.size();
  if (offset + data.size() > std::numeric_limits<std::uint32_t>::max()) {
    throw std::length_error("zone data exceeds 4 GiB of owner names and RDATA");
  }
  bytes.insert(bytes.end(), data.begin(), data.end());
  return static_cast<std::uint32_t>(offset);
}

std::uint16_t RecordStore::file_index(const std::string& path) {
  for (std::size_t i = 0; i < files.size(); ++i) {
    if (files[i] == path) return static_cast<std::uint16_t>(i);
  }
  if (files.size() >= std::numeric_limits<std::uint16_t>::max()) {
    throw std::length_error("too many zone files in one snapshot");
  }
  files.push_back(path);
  return static_cast<std::uint16_t>(files.size() - 1);
}

}  // namespace canon::zones
