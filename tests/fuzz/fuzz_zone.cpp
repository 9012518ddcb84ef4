// libFuzzer target: any bytes as the zone file of example.com. → loading and
// checking never crash; problems are findings. A zone with an error finding
// gets no snapshot; otherwise the snapshot exists and holds no more records
// than were loaded. The input goes to one temporary file per process,
// rewritten for each input (the loader reads files). Inputs that would
// $INCLUDE other files or $GENERATE more than 4096 records are skipped.
#include <unistd.h>

#include <array>
#include <cctype>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string_view>

#include "zones/compiler.hpp"

namespace {

std::string g_path;
int g_fd = -1;

void write_input(const std::uint8_t* data, std::size_t size) {
  if (ftruncate(g_fd, 0) != 0) std::abort();
  std::size_t done = 0;
  while (done < size) {
    const ssize_t n = pwrite(g_fd, data + done, size - done, static_cast<off_t>(done));
    if (n <= 0) std::abort();
    done += static_cast<std::size_t>(n);
  }
}

// Records the input's $GENERATE lines would make, as the loader reads their
// ranges (zones/generate.cpp); a range it would refuse counts 0. The loader
// allows 10 million per line, which would make the fuzzer crawl.
std::int64_t generated_records(std::string_view text) {
  std::int64_t total = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    std::size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    if (line.size() < 9 || strncasecmp(line.data(), "$GENERATE", 9) != 0) continue;
    line.remove_prefix(9);
    const std::size_t start = line.find_first_not_of(" \t");
    if (start == std::string_view::npos) continue;
    line.remove_prefix(start);
    const std::string_view range = line.substr(0, line.find_first_of(" \t"));
    const auto number = [](std::string_view t, std::int64_t& v) {
      const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
      return ec == std::errc() && ptr == t.data() + t.size();
    };
    const auto dash = range.find('-');
    const auto slash = range.find('/');
    if (dash == std::string_view::npos) continue;
    std::int64_t first = 0, last = 0, step = 1;
    const std::string_view last_text =
        range.substr(dash + 1, slash == std::string_view::npos ? std::string_view::npos : slash - dash - 1);
    if (!number(range.substr(0, dash), first) || !number(last_text, last) ||
        (slash != std::string_view::npos && !number(range.substr(slash + 1), step))) {
      continue;
    }
    if (first < 0 || last < first || step < 1) continue;
    total += (last - first) / step + 1;
    if (total > (1 << 20)) return total;
  }
  return total;
}

void remove_file() {
  if (!g_path.empty()) unlink(g_path.c_str());
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char path[] = "/tmp/canon-fuzz-zone-XXXXXX";
  g_fd = mkstemp(path);
  if (g_fd < 0) std::abort();
  g_path = path;
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 16384) return 0;
  // $INCLUDE would read other files (slow and not reproducible): not fuzzed.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  for (std::size_t at = text.find('$'); at != std::string_view::npos; at = text.find('$', at + 1)) {
    if (text.size() - at >= 8 && strncasecmp(text.data() + at, "$INCLUDE", 8) == 0) return 0;
  }
  if (generated_records(text) > 4096) return 0;
  write_input(data, size);

  using namespace canon::zones;
  const auto loaded = load_zone_file(ZoneSource{"example.com.", g_path});
  if (!loaded) std::abort();
  const std::uint64_t records = loaded->store.records.size();
  const std::array<std::shared_ptr<const LoadedZone>, 1> zones = {loaded};
  const CompileResult result = compile_loaded(zones);
  if (result.findings.errors() > 0) {
    if (result.snapshot) std::abort();  // a zone with errors is refused whole
    return 0;
  }
  if (!result.snapshot) std::abort();
  if (result.snapshot->record_count() > records) std::abort();
  return 0;
}
