// Test helpers for the engine/ tests: zone text compiled with the real
// compile(), one Engine over the snapshot, and responses read back as text
// with tools/dns_text.
//
//   auto snap = compile_zones({{"example.com.", "www A 192.0.2.1\n"}});
//   Server server(snap);
//   EXPECT_EQ(server.ask("www.example.com", "A"), golden(R"(
//   ;; NOERROR qr aa rd
//   ...
//   )"));
//
// Every compile writes to its own temp directory (mkdtemp), so tests may run
// in parallel.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "engine/config.hpp"
#include "engine/engine.hpp"
#include "engine/wire.hpp"
#include "tools/dns_text.hpp"
#include "zones/compiler.hpp"
#include "zones/snapshot.hpp"
#include "zones/zone_table.hpp"
#include "zones/zone_source.hpp"

namespace canon::engine::testing {

// The apex every test zone starts with (unless ZoneText::with_apex is false).
// SOA TTL 3600 and MINIMUM 300, so negative answers carry TTL 300.
inline constexpr std::string_view kApex =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n";

// The SOA line of that apex as dns_text prints it, TTL left to the caller.
inline std::string soa_line(std::string_view origin, std::uint32_t ttl) {
  return std::string(origin) + " " + std::to_string(ttl) + " IN SOA ns1." + std::string(origin) +
         " hostmaster." + std::string(origin) + " 2024010101 7200 3600 1209600 300\n";
}

struct ZoneText {
  std::string origin;     // "example.com."
  std::string body;       // records after kApex, names relative to the origin
  bool with_apex = true;  // false: `body` is the whole zone
};

// A temporary directory, removed with everything in it.
class TempDir {
 public:
  TempDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "canon-engine-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string write(const std::string& name, std::string_view text) const {
    const std::filesystem::path file = path_ / name;
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file.string();
  }

 private:
  std::filesystem::path path_;
};

// Compiles `zones` into one snapshot; throws with the findings when refused.
inline std::shared_ptr<const zones::Snapshot> compile_zones(const std::vector<ZoneText>& zones) {
  const TempDir dir;
  std::vector<zones::ZoneSource> sources;
  for (const ZoneText& z : zones) {
    const std::string text = z.with_apex ? std::string(kApex) + z.body : z.body;
    sources.push_back(zones::ZoneSource{z.origin, dir.write(z.origin + "zone", text)});
  }
  zones::CompileResult result = zones::compile(sources);
  if (!result.snapshot) {
    std::string why = "test zones refused:\n";
    for (const zones::Finding& f : result.findings.items) why += "  " + f.to_string() + "\n";
    throw std::runtime_error(why);
  }
  return result.snapshot;
}

// Compiles each of `zones` alone into its own unit, as canond does, and
// returns the table of them; throws when one is refused.
inline std::shared_ptr<const zones::ZoneTable> compile_units(const std::vector<ZoneText>& zones) {
  std::vector<std::shared_ptr<const zones::Snapshot>> units;
  for (const ZoneText& z : zones) units.push_back(compile_zones({z}));
  return std::make_shared<const zones::ZoneTable>(std::move(units));
}

// A golden text block written as R"(\n...)": drops the first newline.
inline std::string golden(std::string_view text) {
  if (!text.empty() && text.front() == '\n') text.remove_prefix(1);
  return std::string(text);
}

inline std::vector<std::uint8_t> make_query(std::string_view name, std::string_view type,
                                            const tools::QueryOptions& options = {}) {
  std::string error;
  auto query = tools::build_query(name, type, options, error);
  if (!query) throw std::invalid_argument("bad test query: " + error);
  return *query;
}

inline tools::QueryOptions with_edns(std::uint16_t payload = 1232) {
  tools::QueryOptions options;
  options.edns = true;
  options.udp_payload = payload;
  return options;
}

// A response as the engine wrote it; empty when it sends nothing.
struct Response {
  std::vector<std::uint8_t> bytes;

  [[nodiscard]] bool sent() const noexcept { return !bytes.empty(); }
  [[nodiscard]] std::size_t size() const noexcept { return bytes.size(); }
  [[nodiscard]] std::uint16_t id() const { return load16(bytes.data() + header::kId); }
  [[nodiscard]] bool qr() const { return (bytes.at(2) & header::kQr) != 0; }
  [[nodiscard]] bool aa() const { return (bytes.at(2) & header::kAa) != 0; }
  [[nodiscard]] bool tc() const { return (bytes.at(2) & header::kTc) != 0; }
  [[nodiscard]] bool rd() const { return (bytes.at(2) & header::kRd) != 0; }
  [[nodiscard]] bool cd() const { return (bytes.at(3) & header::kCd) != 0; }
  [[nodiscard]] unsigned opcode() const { return (bytes.at(2) & header::kOpcodeMask) >> 3; }
  [[nodiscard]] unsigned header_rcode() const { return bytes.at(3) & 0x0f; }
  [[nodiscard]] std::uint16_t qdcount() const { return load16(bytes.data() + header::kQdCount); }
  [[nodiscard]] std::uint16_t ancount() const { return load16(bytes.data() + header::kAnCount); }
  [[nodiscard]] std::uint16_t nscount() const { return load16(bytes.data() + header::kNsCount); }
  [[nodiscard]] std::uint16_t arcount() const { return load16(bytes.data() + header::kArCount); }

  [[nodiscard]] std::string text() const {
    return tools::message_to_text(bytes.data(), bytes.size());
  }
  [[nodiscard]] bool parses() const { return tools::message_parses(bytes.data(), bytes.size()); }
  // The full RCODE name as dns_text prints it ("NOERROR", "BADVERS", ...).
  [[nodiscard]] std::string rcode() const {
    const std::string t = text();
    if (t.rfind(";; ", 0) != 0) return t;
    return t.substr(3, t.find_first_of(" \n", 3) - 3);
  }
  // The record lines of one section (";; ANSWER", ";; AUTHORITY", ";; ADDITIONAL").
  [[nodiscard]] std::vector<std::string> section(std::string_view title) const {
    std::vector<std::string> lines;
    std::istringstream in(text());
    std::string line;
    bool inside = false;
    while (std::getline(in, line)) {
      if (line.rfind(";;", 0) == 0) {
        inside = line == title;
        continue;
      }
      if (inside) lines.push_back(line);
    }
    return lines;
  }
  [[nodiscard]] bool has_opt() const { return text().find("\n;; EDNS ") != std::string::npos; }
};

// One engine serving one snapshot (or a table of units), as a worker would.
class Server {
 public:
  explicit Server(std::shared_ptr<const zones::Snapshot> snap, const EngineConfig& config = {})
      : snap_(snap),
        table_(std::make_shared<const zones::ZoneTable>(std::vector{std::move(snap)})),
        config_(std::make_unique<EngineConfig>(config)),
        engine_(std::make_unique<Engine>(*config_)) {}
  explicit Server(std::shared_ptr<const zones::ZoneTable> table, const EngineConfig& config = {})
      : table_(std::move(table)),
        config_(std::make_unique<EngineConfig>(config)),
        engine_(std::make_unique<Engine>(*config_)) {}

  // Answers `query` through answer_one, in a buffer of 4096 (UDP) or 65535 (TCP).
  Response answer(const std::vector<std::uint8_t>& query, Transport transport = Transport::kUdp) {
    std::vector<std::uint8_t> buffer(transport == Transport::kTcp ? 65535 : 4096);
    if (query.size() > buffer.size()) throw std::invalid_argument("test query too large");
    std::copy(query.begin(), query.end(), buffer.begin());
    const std::size_t n =
        engine_->answer_one(*table_, nullptr, ClientAddress{}, buffer.data(), query.size(), buffer.size(), transport);
    buffer.resize(n);
    return Response{std::move(buffer)};
  }

  Response query(std::string_view name, std::string_view type,
                 const tools::QueryOptions& options = {}, Transport transport = Transport::kUdp) {
    return answer(make_query(name, type, options), transport);
  }

  // The response as text.
  std::string ask(std::string_view name, std::string_view type,
                  const tools::QueryOptions& options = {}, Transport transport = Transport::kUdp) {
    return query(name, type, options, transport).text();
  }

  [[nodiscard]] Engine& engine() noexcept { return *engine_; }
  [[nodiscard]] const zones::Snapshot& snapshot() const noexcept { return *snap_; }
  [[nodiscard]] const EngineConfig& config() const noexcept { return *config_; }

 private:
  std::shared_ptr<const zones::Snapshot> snap_;  // null when serving a table of units
  std::shared_ptr<const zones::ZoneTable> table_;
  std::unique_ptr<EngineConfig> config_;  // the Engine keeps a reference to it
  std::unique_ptr<Engine> engine_;
};

// One row of a golden table: zones, a question, the response expected as text.
struct GoldenCase {
  std::string title;  // letters, digits and '_' only: it names the test
  std::vector<ZoneText> zones;
  std::string qname;
  std::string qtype;
  std::string expected;
  tools::QueryOptions options = {};
  Transport transport = Transport::kUdp;
};

// gtest prints a row by its title, not its bytes.
inline void PrintTo(const GoldenCase& c, std::ostream* os) {
  *os << c.title;
}

inline std::string golden_name(const ::testing::TestParamInfo<GoldenCase>& info) {
  return info.param.title;
}

// Runs one golden row: the response must read exactly as expected, and parse.
// The row's zones compiled as one unit, then (with several zones) each
// alone as canond serves them: the same answer both ways, chains that cross
// zones continuing in the next zone's unit.
inline void check_golden(const GoldenCase& c) {
  Server server(compile_zones(c.zones));
  const Response response = server.query(c.qname, c.qtype, c.options, c.transport);
  EXPECT_EQ(response.text(), c.expected) << c.qname << " " << c.qtype;
  EXPECT_TRUE(response.parses()) << response.text();
  if (c.zones.size() < 2) return;
  Server units(compile_units(c.zones));
  EXPECT_EQ(units.query(c.qname, c.qtype, c.options, c.transport).text(), c.expected)
      << c.qname << " " << c.qtype << ", one unit per zone";
}

}  // namespace canon::engine::testing
