// canon-genzone: synthetic zone files, and matching dnsperf query files, for
// benchmarks and load tests.
//
//   canon-genzone --origin example.com. --names 1000000 -o example.com.zone
//   canon-genzone --origin example.com. --names 100000 --mix a=70,aaaa=10,cname=10,mx=5,txt=5
//                 --queries q.txt --miss-ratio 0.2 -o z.zone
//
// The output is a pure function of (origin, names, mix, seed): the same
// arguments give the same bytes, so results can be compared across runs.
//
// Owner names are one random-looking label below the origin (7-14 lowercase
// letters, unique by construction, see LabelMaker), because sequential names
// ("h0000001") share long prefixes and would flatter a trie.
#include <getopt.h>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "tools/synthetic_labels.hpp"
#include "zones/name.hpp"

namespace {

using canon::tools::LabelMaker;
using canon::tools::Rng;

// ---- the mix -----------------------------------------------------------------

enum class Kind : std::uint8_t { kA, kAaaa, kCname, kMx, kTxt, kChain, kWildcard, kDname };

struct MixEntry {
  Kind kind;
  unsigned links = 0;  // kChain: CNAMEs in the chain
  double weight = 0;
  std::uint64_t units = 0;

  // Owner names (and labels) one unit writes: a chain of k links is k CNAME
  // names and the A name that ends it; a DNAME unit is the DNAME owner and two
  // A names below its target (d DNAME t; www.t A; mail.t A).
  [[nodiscard]] unsigned names() const noexcept {
    return kind == Kind::kChain ? links + 1 : kind == Kind::kDname ? 3 : 1;
  }
  [[nodiscard]] unsigned labels() const noexcept {
    return kind == Kind::kChain ? links + 1 : kind == Kind::kDname ? 2 : 1;
  }
};

struct KindName {
  std::string_view name;
  Kind kind;
};
constexpr KindName kKindNames[] = {
    {"a", Kind::kA},     {"aaaa", Kind::kAaaa},         {"cname", Kind::kCname}, {"mx", Kind::kMx},
    {"txt", Kind::kTxt}, {"wildcard", Kind::kWildcard}, {"dname", Kind::kDname},
};

// "a=70,aaaa=10,cname=10,mx=5,txt=5,chain3=2,wildcard=1,dname=1"
bool parse_mix(std::string_view spec, std::vector<MixEntry>& mix, std::string& error) {
  while (!spec.empty()) {
    const std::size_t comma = spec.find(',');
    const std::string_view item = spec.substr(0, comma);
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos) {
      error = "mix item '" + std::string(item) + "' is not KIND=WEIGHT";
      return false;
    }
    const std::string_view name = item.substr(0, eq);
    MixEntry e{Kind::kA};
    const std::string weight_text(item.substr(eq + 1));
    char* end = nullptr;
    e.weight = std::strtod(weight_text.c_str(), &end);
    if (weight_text.empty() || *end != '\0' || e.weight < 0) {
      error = "weight of '" + std::string(name) + "' is not a non-negative number";
      return false;
    }
    const auto known = std::find_if(std::begin(kKindNames), std::end(kKindNames),
                                    [&](const KindName& k) { return k.name == name; });
    if (known != std::end(kKindNames)) {
      e.kind = known->kind;
    } else if (name.starts_with("chain")) {
      e.kind = Kind::kChain;
      const auto digits = name.substr(5);
      const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), e.links);
      if (digits.empty() || r.ptr != digits.data() + digits.size() || e.links < 1 || e.links > 16) {
        error = "'" + std::string(name) + "': chain length must be 1..16 (chain3=...)";
        return false;
      }
    } else {
      error = "unknown mix kind '" + std::string(name) +
              "' (a, aaaa, cname, mx, txt, chainK, wildcard, dname)";
      return false;
    }
    mix.push_back(e);
  }
  double total = 0;
  for (const MixEntry& e : mix) total += e.weight;
  if (!(total > 0)) {
    error = "the weights add up to nothing";
    return false;
  }
  return true;
}

// Splits `names` owner names over the mix by weight, in whole units; what is
// left over (rounding, part-units) becomes single-A names, so the zone holds
// exactly `names` generated names (plus the apex, ns1 and ns2).
void apportion(std::vector<MixEntry>& mix, std::uint64_t names) {
  double total = 0;
  for (const MixEntry& e : mix) total += e.weight;
  std::uint64_t used = 0;
  for (MixEntry& e : mix) {
    const auto share = static_cast<std::uint64_t>(static_cast<double>(names) * e.weight / total);
    e.units = share / e.names();
    used += e.units * e.names();
  }
  for (MixEntry& e : mix) {
    if (e.kind == Kind::kA) {
      e.units += names - used;
      return;
    }
  }
  mix.push_back(MixEntry{Kind::kA, 0, 0, names - used});
}

// ---- output ------------------------------------------------------------------

// Appends to a buffer and writes it out in large blocks: a million lines of
// printf would be the bottleneck.
class Out {
 public:
  explicit Out(std::FILE* f) : f_(f) { buf_.reserve(kBlock + 1024); }
  Out& operator<<(std::string_view s) {
    buf_.append(s);
    if (buf_.size() >= kBlock) flush();
    return *this;
  }
  Out& operator<<(char c) {
    buf_.push_back(c);
    return *this;
  }
  Out& num(std::uint64_t v, int base = 10) {
    char tmp[24];
    const auto r = std::to_chars(tmp, tmp + sizeof tmp, v, base);
    return *this << std::string_view(tmp, static_cast<std::size_t>(r.ptr - tmp));
  }
  bool flush() {
    const bool ok = std::fwrite(buf_.data(), 1, buf_.size(), f_) == buf_.size();
    buf_.clear();
    ok_ = ok_ && ok;
    return ok_;
  }

 private:
  static constexpr std::size_t kBlock = 1 << 20;
  std::FILE* f_;
  std::string buf_;
  bool ok_ = true;
};

struct Options {
  std::string origin = "example.com.";
  std::uint64_t names = 1000;
  std::string mix = "a=100";
  std::uint64_t seed = 1;
  std::string output;  // empty: stdout
  std::string queries;
  double miss_ratio = 0.2;
  std::uint64_t query_count = 0;  // 0: as many as names
};

class Generator {
 public:
  Generator(const Options& opt, std::vector<MixEntry> mix)
      : opt_(opt), mix_(std::move(mix)), labels_(opt.seed), rng_{opt.seed * 0x2545f4914f6cdd1dull} {
    // Relative names are written in the zone ($ORIGIN); queries need them whole.
    suffix_ = opt.origin == "." ? "." : "." + opt.origin;
  }

  bool write_zone(Out& out) {
    out << "; generated by canon-genzone --origin " << opt_.origin << " --names ";
    out.num(opt_.names) << " --mix " << opt_.mix << " --seed ";
    out.num(opt_.seed) << "\n$ORIGIN " << opt_.origin << "\n$TTL 3600\n";
    out << "@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n";
    out << "@ IN NS ns1\n@ IN NS ns2\nns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n";

    // One entry per unit, shuffled so the kinds interleave as in a real zone.
    std::vector<std::uint8_t> order;
    for (std::size_t e = 0; e < mix_.size(); ++e)
      order.insert(order.end(), mix_[e].units, static_cast<std::uint8_t>(e));
    for (std::size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng_.below(i)]);

    units_.reserve(order.size());
    std::uint32_t next_label = 0;
    for (std::uint8_t e : order) {
      units_.push_back(Unit{next_label, e});
      write_unit(out, mix_[e], next_label);
      next_label += mix_[e].labels();
    }
    first_free_label_ = next_label;
    return out.flush();
  }

  // Hits: a random unit's query name (uniform over units); misses: fresh
  // labels never used in the zone, whose closest encloser is the apex.
  bool write_queries(Out& out) {
    const std::uint64_t count = opt_.query_count ? opt_.query_count : opt_.names;
    std::uint32_t miss_label = first_free_label_;
    const auto miss_threshold = static_cast<std::uint64_t>(opt_.miss_ratio * 1e6);
    for (std::uint64_t q = 0; q < count; ++q) {
      if (units_.empty() || rng_.below(1000000) < miss_threshold) {
        label(out, miss_label++) << suffix_ << " A\n";
        continue;
      }
      const Unit& u = units_[rng_.below(units_.size())];
      const MixEntry& e = mix_[u.entry];
      switch (e.kind) {
        case Kind::kAaaa:
          label(out, u.label) << suffix_ << " AAAA\n";
          break;
        case Kind::kMx:
          label(out, u.label) << suffix_ << " MX\n";
          break;
        case Kind::kTxt:
          label(out, u.label) << suffix_ << " TXT\n";
          break;
        case Kind::kWildcard:
          label(out, static_cast<std::uint32_t>(rng_.next())) << '.';
          label(out, u.label) << suffix_ << " A\n";
          break;
        case Kind::kDname:
          out << (rng_.next() & 1 ? "www." : "mail.");
          label(out, u.label) << suffix_ << " A\n";
          break;
        default:
          label(out, u.label) << suffix_ << " A\n";  // A, CNAME, chain head
      }
    }
    return out.flush();
  }

 private:
  struct Unit {
    std::uint32_t label;  // its first label
    std::uint8_t entry;   // index into mix_
  };

  Out& label(Out& out, std::uint32_t i) {
    char buf[LabelMaker::kMaxLength];
    return out << std::string_view(buf, labels_.write(i, buf));
  }
  Out& ipv4(Out& out) {
    const std::uint64_t r = rng_.next();
    out << "10.";
    out.num(r & 0xff) << '.';
    out.num((r >> 8) & 0xff) << '.';
    return out.num(1 + (r >> 16) % 254);
  }
  Out& ipv6(Out& out) {
    const std::uint64_t r = rng_.next();
    out << "2001:db8:";
    out.num(r & 0xffff, 16) << ':';
    out.num((r >> 16) & 0xffff, 16) << "::";
    return out.num(1 + (r >> 32) % 0xfffe, 16);
  }
  // An existing A name for CNAME and MX targets: one written before, or ns1.
  Out& a_target(Out& out) {
    if (a_labels_.empty()) return out << "ns1";
    return label(out, a_labels_[rng_.below(a_labels_.size())]);
  }
  void a_record(Out& out, std::uint32_t l) {
    label(out, l) << " IN A ";
    ipv4(out) << '\n';
    a_labels_.push_back(l);
  }

  void write_unit(Out& out, const MixEntry& e, std::uint32_t l) {
    switch (e.kind) {
      case Kind::kA:
        a_record(out, l);
        break;
      case Kind::kAaaa:
        label(out, l) << " IN AAAA ";
        ipv6(out) << '\n';
        break;
      case Kind::kCname:
        label(out, l) << " IN CNAME ";
        a_target(out) << '\n';
        break;
      case Kind::kMx:
        label(out, l) << " IN MX 10 ";
        a_target(out) << '\n';
        break;
      case Kind::kTxt:
        label(out, l) << " IN TXT \"v=spf1 ip4:";
        ipv4(out) << " -all\"\n";
        break;
      case Kind::kChain:  // l CNAME l+1 CNAME ... l+k, which holds the A record
        for (unsigned k = 0; k < e.links; ++k) {
          label(out, l + k) << " IN CNAME ";
          label(out, l + k + 1) << '\n';
        }
        a_record(out, l + e.links);
        break;
      case Kind::kWildcard:
        label(out << "*.", l) << " IN A ";
        ipv4(out) << '\n';
        break;
      case Kind::kDname:  // owner l redirects to target l+1, which has two names below
        label(out, l) << " IN DNAME ";
        label(out, l + 1) << '\n';
        for (std::string_view host : {"www.", "mail."}) {
          label(out << host, l + 1) << " IN A ";
          ipv4(out) << '\n';
        }
        break;
    }
  }

  const Options& opt_;
  std::vector<MixEntry> mix_;
  LabelMaker labels_;
  Rng rng_;
  std::string suffix_;
  std::vector<Unit> units_;
  std::vector<std::uint32_t> a_labels_;
  std::uint32_t first_free_label_ = 0;
};

void usage(std::FILE* out) {
  std::fputs(
      "usage: canon-genzone [options]\n"
      "Writes a synthetic RFC 1035 zone: SOA, apex NS ns1/ns2 with their A records,\n"
      "then N generated names with random unique labels (7-14 letters).\n"
      "  --origin NAME       zone origin (default example.com.)\n"
      "  --names N           generated owner names (default 1000)\n"
      "  --mix SPEC          KIND=WEIGHT,... (default a=100); kinds:\n"
      "                        a, aaaa, txt   one name with one record\n"
      "                        cname, mx      one name pointing at an existing A name\n"
      "                        chainK         K CNAMEs in a row ending at an A name (K=1..16)\n"
      "                        wildcard       *.LABEL A\n"
      "                        dname          D DNAME T, with www.T and mail.T A\n"
      "                      weights are relative; leftovers become A names\n"
      "  --seed S            PRNG seed (default 1); same arguments, same output\n"
      "  -o, --output FILE   write the zone to FILE (default stdout)\n"
      "  --queries FILE      also write a dnsperf query file ('name TYPE' per line)\n"
      "  --query-count Q     queries to write (default N)\n"
      "  --miss-ratio R      share of queries for absent names (default 0.2)\n"
      "  -h, --help          this text\n",
      out);
}

bool parse_u64(const char* text, std::uint64_t& v) {
  const std::string_view s(text);
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
  return !s.empty() && r.ec == std::errc{} && r.ptr == s.data() + s.size();
}

}  // namespace

int main(int argc, char** argv) {
  Options opt;
  enum { kOrigin = 256, kNames, kMix, kSeed, kQueries, kQueryCount, kMissRatio };
  static const option longopts[] = {
      {"origin", required_argument, nullptr, kOrigin},
      {"names", required_argument, nullptr, kNames},
      {"mix", required_argument, nullptr, kMix},
      {"seed", required_argument, nullptr, kSeed},
      {"output", required_argument, nullptr, 'o'},
      {"queries", required_argument, nullptr, kQueries},
      {"query-count", required_argument, nullptr, kQueryCount},
      {"miss-ratio", required_argument, nullptr, kMissRatio},
      {"help", no_argument, nullptr, 'h'},
      {nullptr, 0, nullptr, 0},
  };
  for (int c; (c = getopt_long(argc, argv, "o:h", longopts, nullptr)) != -1;) {
    bool ok = true;
    switch (c) {
      case kOrigin:
        opt.origin = optarg;
        break;
      case kNames:
        ok = parse_u64(optarg, opt.names);
        break;
      case kMix:
        opt.mix = optarg;
        break;
      case kSeed:
        ok = parse_u64(optarg, opt.seed);
        break;
      case 'o':
        opt.output = optarg;
        break;
      case kQueries:
        opt.queries = optarg;
        break;
      case kQueryCount:
        ok = parse_u64(optarg, opt.query_count);
        break;
      case kMissRatio: {
        char* end = nullptr;
        opt.miss_ratio = std::strtod(optarg, &end);
        ok = *end == '\0' && opt.miss_ratio >= 0 && opt.miss_ratio <= 1;
        break;
      }
      case 'h':
        usage(stdout);
        return 0;
      default:
        usage(stderr);
        return 2;
    }
    if (!ok) {
      const option* o = longopts;
      while (o->val != c) ++o;
      std::fprintf(stderr, "canon-genzone: bad value '%s' for --%s\n", optarg, o->name);
      return 2;
    }
  }
  if (optind != argc) {
    std::fprintf(stderr, "canon-genzone: unexpected argument '%s'\n", argv[optind]);
    usage(stderr);
    return 2;
  }

  std::string wire;
  if (!canon::zones::text_to_wire(opt.origin, wire) || wire.size() > 200) {
    std::fprintf(stderr, "canon-genzone: '%s' is not a usable origin (at most 200 octets)\n",
                 opt.origin.c_str());
    return 2;
  }
  opt.origin = canon::zones::wire_to_text(reinterpret_cast<const std::uint8_t*>(wire.data()));
  // Labels are numbered in 32 bits, and misses take numbers after the zone's.
  if (opt.names == 0 || opt.names > 500'000'000 || opt.query_count > 1'000'000'000) {
    std::fprintf(stderr, "canon-genzone: --names must be 1..5e8, --query-count at most 1e9\n");
    return 2;
  }
  std::vector<MixEntry> mix;
  std::string error;
  if (!parse_mix(opt.mix, mix, error)) {
    std::fprintf(stderr, "canon-genzone: --mix: %s\n", error.c_str());
    return 2;
  }
  if (mix.size() > 254) {  // unit entries are 8-bit, and apportion() may add one
    std::fprintf(stderr, "canon-genzone: --mix: at most 254 items\n");
    return 2;
  }
  apportion(mix, opt.names);

  Generator gen(opt, std::move(mix));
  std::FILE* zone = opt.output.empty() ? stdout : std::fopen(opt.output.c_str(), "w");
  if (!zone) {
    std::fprintf(stderr, "canon-genzone: cannot write '%s': %s\n", opt.output.c_str(),
                 std::strerror(errno));
    return 1;
  }
  Out zone_out(zone);
  const bool zone_ok = gen.write_zone(zone_out) &&
                       (zone == stdout ? std::fflush(stdout) == 0 : std::fclose(zone) == 0);
  if (!zone_ok) {
    std::fprintf(stderr, "canon-genzone: write error on '%s'\n",
                 opt.output.empty() ? "stdout" : opt.output.c_str());
    return 1;
  }
  if (!opt.queries.empty()) {
    std::FILE* q = std::fopen(opt.queries.c_str(), "w");
    if (!q) {
      std::fprintf(stderr, "canon-genzone: cannot write '%s': %s\n", opt.queries.c_str(),
                   std::strerror(errno));
      return 1;
    }
    Out query_out(q);
    if (!gen.write_queries(query_out) || std::fclose(q) != 0) {
      std::fprintf(stderr, "canon-genzone: write error on '%s'\n", opt.queries.c_str());
      return 1;
    }
  }
  return 0;
}
