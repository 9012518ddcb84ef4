// Test helpers for the zones/ tests: zone text on disk, compiled with the real
// compile(), and small readers over the Snapshot API.
//
//   ZoneDir dir;                                    // fresh temp dir, removed after the test
//   CompileResult r = compile_zone(dir, "example.com.", kApex + "www A 192.0.2.1\n");
//   const Node* www = find_node(*r.snapshot, "www.example.com.");
//
// Every test gets its own directory (mkdtemp), so tests may run in parallel.
#pragma once

#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "zones/compiler.hpp"
#include "zones/finding.hpp"
#include "zones/name.hpp"
#include "zones/snapshot.hpp"
#include "zones/zone_source.hpp"

namespace canon::zones::testing {

// The apex every test zone starts with: four lines, so the first line a test
// appends is line 5. Relative names are under the zone's origin.
inline constexpr std::string_view kApex =
    "$TTL 3600\n"                                              // line 1
    "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"  // line 2
    "@ NS ns1\n"                                               // line 3
    "ns1 A 192.0.2.53\n";                                      // line 4
inline constexpr std::uint32_t kFirstBodyLine = 5;

inline std::string with_apex(std::string_view body) {
  return std::string(kApex) + std::string(body);
}

// A zone body with a node of every kind (lines 5-13 under with_apex): an
// address, an alias, a DNAME, a delegation with glue and data below it, a
// wildcard, and an empty non-terminal (b).
inline constexpr std::string_view kEveryKindOfNode =
    "www A 192.0.2.1\n"
    "www AAAA 2001:db8::1\n"
    "alias CNAME www\n"
    "old DNAME new.example.net.\n"
    "sub NS ns.sub\n"
    "ns.sub A 192.0.2.9\n"
    "deep.in.sub A 192.0.2.10\n"
    "*.wild A 192.0.2.8\n"
    "a.b TXT \"b is an empty non-terminal\"\n";

// A temporary directory, unique to one test and removed with everything in it.
class ZoneDir {
 public:
  ZoneDir() {
    std::string templ = (std::filesystem::temp_directory_path() / "canon-zones-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = templ;
  }
  ~ZoneDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  ZoneDir(const ZoneDir&) = delete;
  ZoneDir& operator=(const ZoneDir&) = delete;

  // Writes `text` to `relative` (parent folders created) and returns its full path.
  std::string write(std::string_view relative, std::string_view text) const {
    const std::filesystem::path file = path_ / relative;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream out(file, std::ios::binary);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file.string();
  }
  // The full path `relative` would have, written or not.
  [[nodiscard]] std::string file(std::string_view relative) const {
    return (path_ / relative).string();
  }
  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

 private:
  std::filesystem::path path_;
};

// One zone of a test: its origin, the file name inside the ZoneDir and its text.
struct ZoneText {
  std::string origin;
  std::string file;
  std::string text;
  bool write = true;  // false: name a file that does not exist
};

inline CompileResult compile_zones(const ZoneDir& dir, const std::vector<ZoneText>& zones) {
  std::vector<ZoneSource> sources;
  for (const ZoneText& z : zones) {
    const std::string path = z.write ? dir.write(z.file, z.text) : dir.file(z.file);
    sources.push_back(ZoneSource{z.origin, path});
  }
  return compile(sources);
}

// The usual case: one zone, in "<origin>zone".
inline CompileResult compile_zone(const ZoneDir& dir, const std::string& origin,
                                  std::string_view text) {
  return compile_zones(dir, {ZoneText{origin, origin + "zone", std::string(text)}});
}

// ---- names ---------------------------------------------------------------------

inline std::string wire_of(std::string_view text) {
  std::string wire;
  if (!text_to_wire(text, wire)) throw std::invalid_argument("bad test name " + std::string(text));
  return wire;
}

inline LookupKey key_of(std::string_view text) {
  const std::string wire = wire_of(text);
  LookupKey key;
  make_key(reinterpret_cast<const std::uint8_t*>(wire.data()), key);
  return key;
}

inline std::string name_text(const Snapshot& snap, std::uint32_t offset) {
  return wire_to_text(snap.name(offset));
}

// ---- snapshot readers ----------------------------------------------------------

// Node id of the exact name, or kNone.
inline std::uint32_t node_id(const Snapshot& snap, std::string_view name) {
  const LookupKey key = key_of(name);
  return snap.find(key.view()).exact;
}

inline const Node* find_node(const Snapshot& snap, std::string_view name) {
  const std::uint32_t id = node_id(snap, name);
  return id == kNone ? nullptr : &snap.node(id);
}

// Every RR of an RRset as its RDATA bytes.
inline std::vector<std::vector<std::uint8_t>> rdatas(const Snapshot& snap, const RRset& set) {
  std::vector<std::vector<std::uint8_t>> out;
  for (auto it = snap.rdata(set); it; ++it) out.emplace_back(it.data().begin(), it.data().end());
  return out;
}

// The prepared chain of a CNAME node, or nullptr.
inline const Chain* chain_of(const Snapshot& snap, std::string_view name) {
  const Node* n = find_node(snap, name);
  if (n == nullptr || n->extra == kNone || snap.extra(*n).chain == kNone) return nullptr;
  return &snap.chain(snap.extra(*n).chain);
}

// ---- findings ------------------------------------------------------------------

inline std::vector<const Finding*> findings_of(const CompileResult& r, CheckId id) {
  std::vector<const Finding*> out;
  for (const Finding& f : r.findings.items) {
    if (f.check == id) out.push_back(&f);
  }
  return out;
}

// All findings, one per line, for failure messages.
inline std::string describe(const Findings& findings) {
  std::string out;
  for (const Finding& f : findings.items) out += "  " + f.to_string() + "\n";
  return out.empty() ? "  (no findings)\n" : out;
}

}  // namespace canon::zones::testing
