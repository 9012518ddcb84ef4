// canon-checkzone ORIGIN FILE [ORIGIN FILE ...]
//
// Checks zone files the way canond will load them: syntax, the structural
// rules (SOA, NS, CNAME exclusivity, DNAME) and the alias rules across every
// zone given (loops, long chains, MX/NS/SRV targets that are aliases, alias
// targets that look like IP addresses, occluded data, glue). Prints
//   FILE:LINE: error|warning: OWNER TYPE: message [check-id]
// then a summary. Exit 1 on any error, 0 otherwise (warnings included), 2 on
// bad usage.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "zones/compiler.hpp"

namespace {

const char* end_text(canon::zones::ChainEnd end) {
  using canon::zones::ChainEnd;
  switch (end) {
    case ChainEnd::kNode: return "answered";
    case ChainEnd::kWildcard: return "answered by a wildcard";
    case ChainEnd::kNxdomain: return "NXDOMAIN";
    case ChainEnd::kReferral: return "referral";
    case ChainEnd::kOutside: return "leaves the served zones";
    case ChainEnd::kLoop: return "LOOP";
    case ChainEnd::kTooLong: return "TOO LONG";
    case ChainEnd::kYxdomain: return "YXDOMAIN";
  }
  return "?";
}

// One line per alias: how the compiler resolved its chain.
//   www.example.com. → web.example.com. → cdn.example.net. → edge.example.net. (3 links, answered)
void print_chains(const canon::zones::Snapshot& snap) {
  using namespace canon::zones;
  for (std::uint32_t c = 0; c < snap.chain_count(); ++c) {
    const Chain& chain = snap.chain(c);
    const auto links = snap.links(chain);
    std::string line = wire_to_text(snap.name(links.front().owner_name));
    for (const ChainLink& link : links) {
      line += link.kind == LinkKind::kDname ? " ⇒ " : " → ";
      line += wire_to_text(snap.name(link.target_name));
    }
    std::printf("%s (%u link%s, %s)\n", line.c_str(), chain.link_count,
                chain.link_count == 1 ? "" : "s", end_text(chain.end));
  }
}

void usage(std::FILE* out) {
  std::fputs(
      "usage: canon-checkzone [OPTIONS] ORIGIN FILE [ORIGIN FILE ...]\n"
      "  Checks the zones as one snapshot (aliases are followed across them).\n"
      "  --stats   print load/compile times and snapshot size\n"
      "  --chains  print how every alias chain resolves (-> CNAME, => DNAME)\n"
      "  --quiet   print only errors and the summary\n"
      "  --max-zone-records N   refuse a zone of more than N records (default 50000000)\n"
      "  --max-rrset-records N  refuse an RRset of more than N records (default 4096)\n"
      "  --signature-warn-days N  warn of RRSIGs expiring within N days (default 7; 0: only expired)\n"
      "  --include-base DIR  read relative $INCLUDE paths from DIR (as BIND and NSD read\n"
      "                      them from their working directory), not the including file's folder\n"
      "  exit status: 0 no errors (warnings allowed), 1 errors, 2 bad usage\n",
      out);
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canon::zones;
  bool stats = false, quiet = false, chains = false;
  ZoneLimits limits;
  std::string include_base;
  std::vector<std::string> words;
  // The value of a limit option: 1..ceiling, or nullopt (bad usage).
  const auto limit_value = [&](int& i, unsigned long long ceiling) -> std::optional<unsigned long long> {
    if (i + 1 >= argc) return std::nullopt;
    char* end = nullptr;
    const unsigned long long v = std::strtoull(argv[++i], &end, 10);
    if (*argv[i] == '\0' || *end != '\0' || *argv[i] == '-' || v < 1 || v > ceiling) return std::nullopt;
    return v;
  };
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--max-zone-records" || arg == "--max-rrset-records") {
      const bool rrset = arg == "--max-rrset-records";
      const auto v = limit_value(i, rrset ? kMaxRrsetRecordsCeiling : 1'000'000'000ull);
      if (!v) {
        std::fprintf(stderr, "canon-checkzone: %s needs a number from 1 to %llu\n", arg.c_str(),
                     rrset ? static_cast<unsigned long long>(kMaxRrsetRecordsCeiling) : 1'000'000'000ull);
        return 2;
      }
      if (rrset) limits.max_rrset_records = static_cast<std::uint32_t>(*v);
      else limits.max_records = *v;
    } else if (arg == "--signature-warn-days") {
      char* end = nullptr;
      const unsigned long v = i + 1 < argc ? std::strtoul(argv[i + 1], &end, 10) : 0;
      if (i + 1 >= argc || *argv[i + 1] == '\0' || *argv[i + 1] == '-' || *end != '\0' || v > 3650) {
        std::fprintf(stderr, "canon-checkzone: --signature-warn-days needs a number from 0 to 3650\n");
        return 2;
      }
      limits.signature_warn_days = static_cast<std::uint32_t>(v);
      ++i;
    } else if (arg == "--include-base") {
      if (i + 1 >= argc || *argv[i + 1] == '\0') {
        std::fprintf(stderr, "canon-checkzone: --include-base needs a folder\n");
        return 2;
      }
      include_base = argv[++i];
    } else if (arg == "--stats") stats = true;
    else if (arg == "--quiet") quiet = true;
    else if (arg == "--chains") chains = true;
    else if (arg == "-h" || arg == "--help") {
      usage(stdout);
      return 0;
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "canon-checkzone: unknown option %s\n", arg.c_str());
      usage(stderr);
      return 2;
    } else {
      words.push_back(arg);
    }
  }
  if (words.empty() || words.size() % 2 != 0) {
    usage(stderr);
    return 2;
  }
  std::vector<ZoneSource> sources;
  for (std::size_t i = 0; i < words.size(); i += 2) {
    std::string error;
    auto source = parse_zone_source(words[i] + "=" + words[i + 1], error);
    if (!source) {
      std::fprintf(stderr, "canon-checkzone: %s\n", error.c_str());
      return 2;
    }
    source->include_base = include_base;
    sources.push_back(*source);
  }

  const CompileResult result = compile(sources, {}, limits);
  for (const Finding& f : result.findings.items) {
    if (quiet && f.severity() != Severity::kError) continue;
    std::printf("%s\n", f.to_string().c_str());
  }
  if (chains && result.snapshot) print_chains(*result.snapshot);
  const std::size_t errors = result.findings.errors();
  const std::size_t warnings = result.findings.warnings();
  std::string zones_text;
  for (const ZoneSource& s : sources) zones_text += (zones_text.empty() ? "" : ", ") + s.origin;
  std::printf("%s: %s, %zu error%s, %zu warning%s, %llu records in %zu zone%s\n", zones_text.c_str(),
              errors ? "refused" : "ok", errors, errors == 1 ? "" : "s", warnings,
              warnings == 1 ? "" : "s", static_cast<unsigned long long>(result.stats.records),
              sources.size(), sources.size() == 1 ? "" : "s");
  if (stats) {
    const auto& s = result.stats;
    std::printf("load %.3f s, compile %.3f s, %llu names, snapshot %llu bytes (%.1f bytes/record)\n",
                s.load_seconds, s.compile_seconds, static_cast<unsigned long long>(s.nodes),
                static_cast<unsigned long long>(s.snapshot_bytes),
                s.records ? static_cast<double>(s.snapshot_bytes) / static_cast<double>(s.records) : 0.0);
  }
  return errors ? 1 : 0;
}
