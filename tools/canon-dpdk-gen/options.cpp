#include "options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace canon::gen {

namespace {

[[nodiscard]] std::vector<std::string> split_words(std::string_view text) {
  std::vector<std::string> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t' && text[i] != '\n') ++i;
    if (i > start) words.emplace_back(text.substr(start, i - start));
  }
  return words;
}

[[nodiscard]] bool parse_unsigned(const std::string& text, std::uint64_t max, std::uint64_t& out) {
  if (text.empty() || text[0] < '0' || text[0] > '9') return false;
  char* end = nullptr;
  errno = 0;
  const unsigned long long value = std::strtoull(text.c_str(), &end, 10);
  if (*end != '\0' || errno != 0 || value > max) return false;
  out = value;
  return true;
}

[[nodiscard]] bool parse_positive(const std::string& text, double max, double& out) {
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(value) || value <= 0 || value > max) {
    return false;
  }
  out = value;
  return true;
}

}  // namespace

std::string help_text() {
  return R"(usage: canon-dpdk-gen --eal "EAL ARGS" --queries FILE [options]

Sends the queries of FILE (dnsperf format: "NAME TYPE" per line) as prebuilt
Ethernet/IPv4/UDP frames out of DPDK port 0, checks every response, and prints
one line of JSON on stdout (a human summary on stderr).

  --eal "ARGS"      EAL arguments, split on whitespace, e.g. "--no-huge -m 512
                    --no-shconf --file-prefix gen -l 0 --vdev
                    net_memif0,role=server,socket=/tmp/gen.sock,socket-abstract=no"
  --queries FILE    the query file (required)
  --src IP          our address (default 198.18.0.1); we answer ARP for it
  --dst IP          the server's address (default 198.18.0.2)
  --dst-port N      the server's UDP port (default 53)
  --dst-mac MAC     the server's MAC (default: ask by ARP for 1 s, else broadcast)
  --duration S      seconds of sending (default 5; with --count alone, at most 300)
  --count N         stop sending after N queries
  --rate PPS        queries per second (default 0: as fast as the port takes them)
  --burst N         packets per tx burst (default 32, at most 512)
  --drain MS        after sending, keep receiving this long (default 200)
  --echo            I/O ceiling against testpmd macswap: count our own frames
                    coming back with the MACs swapped instead of DNS answers
  --clean-exit      stop and close the port and clean up EAL before exiting
                    (default: exit right after printing; memif teardown in
                    DPDK 22.11 can crash)

Exit status: 0 the run happened (whatever was lost), 1 setup error, 2 usage error.
)";
}

ParsedOptions parse_options(int argc, const char* const* argv) {
  ParsedOptions parsed;
  Options& o = parsed.options;
  std::string& error = parsed.error;
  bool have_eal = false;
  bool have_duration = false;
  for (int i = 1; i < argc && error.empty(); ++i) {
    const std::string_view arg = argv[i];
    std::string_view name = arg;
    std::string value;
    bool has_value = false;
    if (const auto eq = arg.find('='); arg.substr(0, 2) == "--" && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      value = std::string(arg.substr(eq + 1));
      has_value = true;
    }
    const auto take = [&]() -> bool {
      if (has_value) return true;
      if (i + 1 >= argc) {
        error = std::string(name) + " needs a value";
        return false;
      }
      value = argv[++i];
      return true;
    };
    std::uint64_t number = 0;
    if (name == "-h" || name == "--help") {
      o.help = true;
    } else if (name == "--echo") {
      o.echo = true;
    } else if (name == "--clean-exit") {
      o.clean_exit = true;
    } else if (name == "--eal") {
      if (!take()) break;
      o.eal_args = split_words(value);
      have_eal = true;
    } else if (name == "--queries") {
      if (!take()) break;
      o.queries_path = value;
    } else if (name == "--src" || name == "--dst") {
      if (!take()) break;
      const auto ip = parse_ipv4(value);
      if (!ip)
        error = std::string(name) + ": '" + value + "' is not an IPv4 address";
      else
        (name == "--src" ? o.src : o.dst) = *ip;
    } else if (name == "--dst-port") {
      if (!take()) break;
      if (!parse_unsigned(value, 65535, number) || number == 0)
        error = "--dst-port: 1 to 65535";
      else
        o.dst_port = static_cast<std::uint16_t>(number);
    } else if (name == "--dst-mac") {
      if (!take()) break;
      o.dst_mac = parse_mac(value);
      if (!o.dst_mac) error = "--dst-mac: '" + value + "' is not a MAC (aa:bb:cc:dd:ee:ff)";
    } else if (name == "--duration") {
      if (!take()) break;
      if (!parse_positive(value, 86400, o.duration)) error = "--duration: seconds, 0 < S <= 86400";
      have_duration = true;
    } else if (name == "--count") {
      if (!take()) break;
      if (!parse_unsigned(value, UINT64_MAX, o.count) || o.count == 0) error = "--count: N >= 1";
    } else if (name == "--rate") {
      if (!take()) break;
      if (!parse_unsigned(value, 1'000'000'000, o.rate)) error = "--rate: packets per second";
    } else if (name == "--burst") {
      if (!take()) break;
      if (!parse_unsigned(value, kMaxBurst, number) || number == 0)
        error = "--burst: 1 to " + std::to_string(kMaxBurst);
      else
        o.burst = static_cast<std::uint32_t>(number);
    } else if (name == "--drain") {
      if (!take()) break;
      if (!parse_positive(value, 60'000, o.drain_ms))
        error = "--drain: milliseconds, 0 < MS <= 60000";
    } else {
      error = "unknown option '" + std::string(arg) + "'";
    }
  }
  if (!error.empty() || o.help) return parsed;
  if (!have_eal)
    error = "--eal is required";
  else if (o.queries_path.empty())
    error = "--queries is required";
  else if (o.count > 0 && !have_duration)
    o.duration = kCountOnlyDurationLimit;
  return parsed;
}

}  // namespace canon::gen
