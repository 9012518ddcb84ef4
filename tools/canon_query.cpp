// canon-query: ask the engine directly, without a daemon or a network.
//
//   canon-query --zone example.com=db.example www.example.com A
//   canon-query --zone ... --edns --nsid --do bar.example.com MX
//   canon-query --zone ... --wire < queries.hex > answers.hex
//
// The zones are compiled exactly as canond compiles them and the query goes
// through the same engine code, so what this prints is what canond sends.
// --wire reads one query per line as hex and writes one answer per line
// (an empty line when the engine sends nothing): the differential tests use it.
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "engine/engine.hpp"
#include "tools/dns_text.hpp"
#include "zones/compiler.hpp"

namespace {

void usage(std::FILE* out) {
  std::fputs(
      "usage: canon-query --zone ORIGIN=FILE [--zone ...] [options] NAME [TYPE]\n"
      "       canon-query --zone ORIGIN=FILE [--zone ...] --wire   (hex queries on stdin)\n"
      "options: --edns[=SIZE] --do --nsid --edns-version=N --class=IN|CH|NUM --tcp\n"
      "         --server-nsid=TEXT --max-udp=SIZE --no-rd --id=N\n"
      "         --include-base DIR   (relative $INCLUDE paths from DIR, as in canon-checkzone)\n",
      out);
}

std::vector<std::uint8_t> from_hex(const std::string& line) {
  std::vector<std::uint8_t> out;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i + 1 < line.size(); i += 2) {
    const int hi = nibble(line[i]), lo = nibble(line[i + 1]);
    if (hi < 0 || lo < 0) break;
    out.push_back(static_cast<std::uint8_t>(hi * 16 + lo));
  }
  return out;
}

std::string to_hex(const std::uint8_t* data, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(kDigits[data[i] >> 4]);
    out.push_back(kDigits[data[i] & 15]);
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace canon;
  std::vector<zones::ZoneSource> sources;
  std::string include_base;
  std::vector<std::string> words;
  tools::QueryOptions options;
  engine::EngineConfig config;
  engine::Transport transport = engine::Transport::kUdp;
  bool wire = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&](const std::string& prefix) { return arg.substr(prefix.size()); };
    try {
      if (arg == "--zone" && i + 1 < argc) {
        std::string error;
        auto source = zones::parse_zone_source(argv[++i], error);
        if (!source) {
          std::fprintf(stderr, "canon-query: %s\n", error.c_str());
          return 2;
        }
        sources.push_back(*source);
      } else if (arg == "--include-base" && i + 1 < argc) include_base = argv[++i];
      else if (arg == "--wire") wire = true;
      else if (arg == "--edns") options.edns = true;
      else if (arg.rfind("--edns=", 0) == 0) {
        options.edns = true;
        options.udp_payload = static_cast<std::uint16_t>(std::stoul(value("--edns=")));
      } else if (arg.rfind("--edns-version=", 0) == 0) {
        options.edns = true;
        options.edns_version = static_cast<std::uint8_t>(std::stoul(value("--edns-version=")));
      } else if (arg == "--do") options.edns = options.do_bit = true;
      else if (arg == "--nsid") options.edns = options.nsid = true;
      else if (arg == "--no-rd") options.rd = false;
      else if (arg == "--tcp") transport = engine::Transport::kTcp;
      else if (arg.rfind("--id=", 0) == 0) options.id = static_cast<std::uint16_t>(std::stoul(value("--id=")));
      else if (arg.rfind("--class=", 0) == 0) {
        const std::string c = value("--class=");
        options.qclass = c == "IN" ? 1 : c == "CH" ? 3 : c == "ANY" ? 255 : static_cast<std::uint16_t>(std::stoul(c));
      } else if (arg.rfind("--server-nsid=", 0) == 0) config.nsid = value("--server-nsid=");
      else if (arg.rfind("--max-udp=", 0) == 0) config.max_udp_payload = static_cast<std::uint16_t>(std::stoul(value("--max-udp=")));
      else if (arg == "-h" || arg == "--help") {
        usage(stdout);
        return 0;
      } else if (arg.size() > 1 && arg[0] == '-') {
        std::fprintf(stderr, "canon-query: unknown option %s\n", arg.c_str());
        return 2;
      } else {
        words.push_back(arg);
      }
    } catch (const std::exception&) {
      std::fprintf(stderr, "canon-query: bad value in %s\n", arg.c_str());
      return 2;
    }
  }
  if (sources.empty() || (!wire && (words.empty() || words.size() > 2))) {
    usage(stderr);
    return 2;
  }

  for (zones::ZoneSource& source : sources) source.include_base = include_base;
  const zones::CompileResult compiled = zones::compile(sources);
  if (!compiled.snapshot) {
    for (const auto& f : compiled.findings.items) {
      if (f.severity() == zones::Severity::kError) std::fprintf(stderr, "%s\n", f.to_string().c_str());
    }
    std::fprintf(stderr, "canon-query: the zones were refused\n");
    return 1;
  }
  const zones::Snapshot& snap = *compiled.snapshot;
  auto* engine = new engine::Engine(config);
  std::vector<std::uint8_t> buffer(65535);

  if (wire) {
    std::string line;
    while (std::getline(std::cin, line)) {
      const auto query = from_hex(line);
      std::copy(query.begin(), query.end(), buffer.begin());
      const std::size_t n = engine->answer_one(snap, buffer.data(), query.size(),
                                               transport == engine::Transport::kTcp ? 65535 : 4096,
                                               transport);
      std::cout << to_hex(buffer.data(), n) << '\n';
    }
    delete engine;
    return 0;
  }

  std::string error;
  const auto query = tools::build_query(words[0], words.size() > 1 ? words[1] : "A", options, error);
  if (!query) {
    std::fprintf(stderr, "canon-query: %s\n", error.c_str());
    delete engine;
    return 2;
  }
  std::copy(query->begin(), query->end(), buffer.begin());
  const std::size_t n = engine->answer_one(snap, buffer.data(), query->size(), buffer.size(), transport);
  if (n == 0) std::printf(";; no answer (the engine sends nothing for this query)\n");
  else std::printf("%s", tools::message_to_text(buffer.data(), n).c_str());
  delete engine;
  return 0;
}
