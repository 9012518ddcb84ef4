#include "zones/ixfr_journal.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "zones/name.hpp"
#include "zones/rr_type.hpp"
#include "zones/zone_state_file.hpp"

namespace canon::zones {

namespace {

constexpr std::string_view kMagic = "canon-ixfr-1\n";
constexpr std::size_t kFixedRr = 10;  // type, class, TTL, RDLENGTH after the owner

void put32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

void put_blob(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
  put32(out, static_cast<std::uint32_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

// The number of whole RRs in `bytes`, or -1 when they do not walk to its
// exact end (a name that is not well formed, a record cut short).
long count_rrs(std::span<const std::uint8_t> bytes, std::uint16_t* first_type = nullptr) {
  long count = 0;
  for (std::size_t at = 0; at < bytes.size(); ++count) {
    const std::size_t name = wire_name_length(bytes.subspan(at));
    if (name == 0 || at + name + kFixedRr > bytes.size()) return -1;
    const std::uint8_t* fixed = bytes.data() + at + name;
    if (count == 0 && first_type != nullptr) *first_type = static_cast<std::uint16_t>((fixed[0] << 8) | fixed[1]);
    const std::size_t rdlength = static_cast<std::size_t>((fixed[8] << 8) | fixed[9]);
    at += name + kFixedRr + rdlength;
    if (at > bytes.size()) return -1;
  }
  return count;
}

// Reads the journal's fields in order; the first short read sets failed.
class Reader {
 public:
  explicit Reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}
  bool done() const { return at_ == bytes_.size(); }
  bool failed() const { return failed_; }
  std::uint32_t u32() {
    if (bytes_.size() - at_ < 4) return fail(), 0;
    const std::uint8_t* p = bytes_.data() + at_;
    at_ += 4;
    return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
  }
  std::vector<std::uint8_t> blob() {
    const std::uint32_t n = u32();
    if (failed_ || bytes_.size() - at_ < n) return fail(), std::vector<std::uint8_t>{};
    std::vector<std::uint8_t> out(bytes_.begin() + at_, bytes_.begin() + at_ + n);
    at_ += n;
    return out;
  }

 private:
  void fail() { failed_ = true; }
  std::span<const std::uint8_t> bytes_;
  std::size_t at_ = 0;
  bool failed_ = false;
};

// One diff, or the reason it is refused.
std::string read_diff(Reader& in, ZoneDiff& diff) {
  diff.from = in.u32();
  diff.to = in.u32();
  diff.from_soa = in.blob();
  diff.to_soa = in.blob();
  const std::uint32_t removed = in.u32();
  diff.removed.bytes = in.blob();
  const std::uint32_t added = in.u32();
  diff.added.bytes = in.blob();
  if (in.failed()) return "cut short";
  for (const auto* soa : {&diff.from_soa, &diff.to_soa}) {
    std::uint16_t type = 0;
    if (count_rrs(*soa, &type) != 1 || type != rr::SOA) return "a diff's SOA is not one SOA record";
  }
  if (count_rrs(diff.removed.bytes) != static_cast<long>(removed) ||
      count_rrs(diff.added.bytes) != static_cast<long>(added)) {
    return "a diff's records do not match their count";
  }
  diff.removed.count = removed;
  diff.added.count = added;
  return {};
}

}  // namespace

std::string ixfr_journal_path(std::string_view state_dir, std::string_view origin) {
  return state_file_path(state_dir, "journal", origin, "ixfr");
}

void write_ixfr_journal(const std::string& path, std::span<const std::shared_ptr<const ZoneDiff>> diffs) {
  std::vector<std::uint8_t> bytes(kMagic.begin(), kMagic.end());
  for (const auto& diff : diffs) {
    put32(bytes, diff->from);
    put32(bytes, diff->to);
    put_blob(bytes, diff->from_soa);
    put_blob(bytes, diff->to_soa);
    put32(bytes, static_cast<std::uint32_t>(diff->removed.count));
    put_blob(bytes, diff->removed.bytes);
    put32(bytes, static_cast<std::uint32_t>(diff->added.count));
    put_blob(bytes, diff->added.bytes);
  }
  replace_state_file(path, [&](std::FILE* out) { return std::fwrite(bytes.data(), 1, bytes.size(), out) == bytes.size(); });
}

std::optional<std::vector<std::shared_ptr<const ZoneDiff>>> read_ixfr_journal(const std::string& path,
                                                                               std::string& error) {
  std::error_code missing;
  if (!std::filesystem::exists(path, missing)) return std::nullopt;
  std::ifstream file(path, std::ios::binary);
  if (!file) {
    error = std::string("cannot read: ") + std::strerror(errno);
    return std::vector<std::shared_ptr<const ZoneDiff>>{};
  }
  const std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  std::vector<std::shared_ptr<const ZoneDiff>> diffs;
  if (bytes.size() < kMagic.size() || std::memcmp(bytes.data(), kMagic.data(), kMagic.size()) != 0) {
    error = "not a canon IXFR journal (format 1)";
    return diffs;
  }
  Reader in(std::span<const std::uint8_t>(bytes).subspan(kMagic.size()));
  while (!in.done()) {
    auto diff = std::make_shared<ZoneDiff>();
    error = read_diff(in, *diff);
    if (error.empty() && !diffs.empty() && diffs.back()->to != diff->from) {
      error = "diff " + std::to_string(diffs.size() + 1) + " starts at serial " + std::to_string(diff->from) +
              ", the one before it ended at " + std::to_string(diffs.back()->to);
    }
    if (!error.empty()) {
      diffs.clear();
      return diffs;
    }
    diffs.push_back(std::move(diff));
  }
  return diffs;
}

}  // namespace canon::zones
