// canon-genzones: many small customer zones and a config that serves them,
// for the many-zones benchmark and tests (a DNS host's edge: thousands of
// zones of a few records each, every one changing on its own).
//
//   DIR/zones/z000001.test.zone ... z<N>.test.zone    8 records each:
//       SOA, NS ns1, NS ns2, ns1 A, ns2 A, www A, mail A, MX 10 mail
//   DIR/canond.toml     zone = ["z000001.test=DIR/zones/z000001.test.zone", ...]
//   DIR/knotd.conf      the same zones for knotd (zone: - domain: ... file: ...)
//   DIR/nsd.conf        the same zones for nsd
//   DIR/queries.txt     'www.zNNNNNN.test A' for every zone (dnsperf's format)
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace {

constexpr const char* kUsage =
    "usage: canon-genzones --zones N --dir DIR [--suffix test.]\n"
    "Writes N small zones (8 records each: SOA, 2 NS, their A, www A, mail A, MX) as\n"
    "DIR/zones/zNNNNNN.SUFFIX.zone, a canond config DIR/canond.toml serving them,\n"
    "DIR/knotd.conf and DIR/nsd.conf zone lists for the peers, and DIR/queries.txt\n"
    "with one 'www.zNNNNNN.SUFFIX A' line per zone.\n";

std::string zone_name(unsigned i, std::string_view suffix) {
  char label[16];
  std::snprintf(label, sizeof label, "z%06u.", i);
  return label + std::string(suffix);
}

// The 8 records; addresses from 198.18.0.0/15 (benchmarking space, RFC 2544).
std::string zone_text(const std::string& origin, unsigned i) {
  const unsigned a = (i >> 8) & 0xff;
  const unsigned b = i & 0xff;
  char text[640];
  std::snprintf(text, sizeof text,
                "$ORIGIN %s\n$TTL 3600\n"
                "@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                "@ IN NS ns1\n@ IN NS ns2\n"
                "ns1 IN A 198.18.%u.%u\nns2 IN A 198.19.%u.%u\n"
                "www IN A 198.18.%u.%u\nmail IN A 198.19.%u.%u\n"
                "@ IN MX 10 mail\n",
                origin.c_str(), a, b, a, b, a, b, a, b);
  return text;
}

}  // namespace

int main(int argc, char** argv) {
  unsigned long count = 0;
  std::string dir;
  std::string suffix = "test.";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--zones" || arg == "--dir" || arg == "--suffix") && i + 1 < argc) {
      const char* value = argv[++i];
      if (arg == "--zones") count = std::strtoul(value, nullptr, 10);
      else if (arg == "--dir") dir = value;
      else suffix = value;
    } else if (arg == "-h" || arg == "--help") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "canon-genzones: unknown argument '%s'\n%s", argv[i], kUsage);
      return 2;
    }
  }
  if (count == 0 || count > 999999 || dir.empty()) {
    std::fprintf(stderr, "canon-genzones: --zones N (1..999999) and --dir DIR are required\n%s", kUsage);
    return 2;
  }
  if (suffix.back() != '.') suffix += '.';
  namespace fs = std::filesystem;
  const fs::path root = fs::absolute(dir);
  fs::create_directories(root / "zones");
  std::ofstream canond(root / "canond.toml");
  std::ofstream knotd(root / "knotd.conf");
  std::ofstream nsd(root / "nsd.conf");
  std::ofstream queries(root / "queries.txt");
  canond << "zone = [\n";
  knotd << "zone:\n";
  for (unsigned i = 1; i <= count; ++i) {
    const std::string origin = zone_name(i, suffix);
    const fs::path file = root / "zones" / (origin + "zone");
    std::ofstream(file) << zone_text(origin, i);
    canond << "  \"" << origin << "=" << file.string() << "\",\n";
    knotd << "  - domain: " << origin << "\n    file: " << file.string() << "\n";
    nsd << "zone:\n  name: " << origin << "\n  zonefile: " << file.string() << "\n";
    queries << "www." << origin << " A\n";
  }
  canond << "]\n";
  if (!canond || !knotd || !nsd || !queries) {
    std::fprintf(stderr, "canon-genzones: cannot write into %s\n", root.c_str());
    return 1;
  }
  std::printf("canon-genzones: %lu zones, %lu records in %s\n", count, count * 8, root.c_str());
  return 0;
}
