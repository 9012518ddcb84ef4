#include "zones/loader.hpp"

extern "C" {
#include <libzscanner/scanner.h>
}

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "zones/generate.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {

namespace {

struct ScannerDeleter {
  void operator()(zs_scanner_t* s) const {
    zs_deinit(s);
    delete s;
  }
};
using Scanner = std::unique_ptr<zs_scanner_t, ScannerDeleter>;

// True when the name's leftmost labels read like an address someone meant as
// RDATA: "192.0.2.7.example.com." (four decimal labels) or a label with colons.
bool looks_like_ip(const std::uint8_t* wire) {
  unsigned decimal_labels = 0;
  for (std::size_t pos = 0; wire[pos] != 0 && decimal_labels < 4; pos += 1 + wire[pos]) {
    const std::uint8_t len = wire[pos];
    bool digits = len >= 1 && len <= 3;
    bool colon = false, hex_or_colon = true;
    int value = 0;
    for (std::uint8_t i = 1; i <= len; ++i) {
      const char c = static_cast<char>(wire[pos + i]);
      if (c == ':') colon = true;
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':') hex_or_colon = false;
      if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
      else value = value * 10 + (c - '0');
    }
    if (pos == 0 && colon && hex_or_colon) return true;
    if (!digits || value > 255) return false;
    ++decimal_labels;
  }
  return decimal_labels == 4;
}

class ZoneLoader {
 public:
  ZoneLoader(const ZoneSource& source, std::uint32_t zone_index, RecordStore& store, Findings& findings,
             const ZoneLimits& limits)
      : source_(source), zone_index_(zone_index), store_(store), findings_(findings), limits_(limits),
        first_record_(store.records.size()) {
    (void)text_to_key(source.origin, origin_key_);
  }

  bool load() { return load_file(source_.file, source_.origin, 0, 0); }

 private:
  struct Context {
    ZoneLoader* loader;
    std::uint16_t file;
    const std::string* path;
    const std::string* text;
    std::uint32_t generate_line;  // nonzero while feeding $GENERATE output
    bool failed;
  };

  bool load_file(const std::string& path, const std::string& origin, unsigned depth,
                 std::uint32_t include_line) {
    // The whole file is read before scanning: /dev/zero would never end and
    // a FIFO would block the control thread in open(), so only regular files
    // are opened.
    struct stat st {};
    const bool exists = ::stat(path.c_str(), &st) == 0;
    std::ifstream in;
    if (exists && S_ISREG(st.st_mode)) in.open(path, std::ios::binary);
    if (!in.is_open()) {
      report(CheckId::kFile, include_line ? current_path_ : path, include_line, {}, 0,
             "cannot read zone file '" + path + "': " +
                 (exists && !S_ISREG(st.st_mode) ? "not a regular file" : std::strerror(errno)));
      return false;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    const std::string text = buffer.str();

    Scanner scanner(new zs_scanner_t);
    if (zs_init(scanner.get(), origin.c_str(), rr_class::IN, 3600) != 0) {
      report(CheckId::kSyntax, path, 0, {}, 0, "invalid origin '" + origin + "'");
      return false;
    }
    Context ctx{this, store_.file_index(path), &path, &text, 0, false};
    zs_set_processing(scanner.get(), &on_record, &on_error, &ctx);

    const std::string saved_path = current_path_;
    current_path_ = path;
    bool ok = scan_text(scanner.get(), ctx, text, depth);
    current_path_ = saved_path;
    return ok && !ctx.failed;
  }

  // Feeds the text to the scanner in segments split at the directives canon
  // handles itself; the scanner keeps $ORIGIN, $TTL and the last owner across
  // segments.
  bool scan_text(zs_scanner_t* s, Context& ctx, std::string_view text, unsigned depth) {
    std::size_t segment_start = 0;
    std::uint32_t segment_line = 1;
    std::uint32_t line = 1;
    std::size_t pos = 0;
    while (pos < text.size()) {
      std::size_t eol = text.find('\n', pos);
      if (eol == std::string_view::npos) eol = text.size();
      const std::string_view line_text = text.substr(pos, eol - pos);
      const bool is_generate = starts_with_directive(line_text, "$GENERATE");
      const bool is_include = starts_with_directive(line_text, "$INCLUDE");
      if (is_generate || is_include) {
        if (!feed(s, text.substr(segment_start, pos - segment_start), segment_line)) return false;
        const bool ok = is_generate ? generate(s, ctx, line_text.substr(9), line)
                                    : include(s, ctx, line_text.substr(8), line, depth);
        if (!ok) return false;
        segment_start = eol + 1;
        segment_line = line + 1;
      }
      pos = eol + 1;
      ++line;
    }
    if (segment_start < text.size()) {
      return feed(s, text.substr(segment_start), segment_line);
    }
    return true;
  }

  static bool starts_with_directive(std::string_view line, std::string_view directive) {
    if (line.size() < directive.size()) return false;
    for (std::size_t i = 0; i < directive.size(); ++i) {
      if (std::toupper(static_cast<unsigned char>(line[i])) != directive[i]) return false;
    }
    return line.size() == directive.size() || line[directive.size()] == ' ' ||
           line[directive.size()] == '\t';
  }

  // Returns false after a fatal scanner error, or when a callback stopped
  // the scanner (the zone went over its record limit).
  static bool feed(zs_scanner_t* s, std::string_view text, std::uint32_t first_line) {
    if (text.empty()) return true;
    if (zs_set_input_string(s, text.data(), text.size()) != 0) return false;
    s->line_counter = first_line;
    zs_parse_all(s);
    return !s->error.fatal && s->state != ZS_STATE_STOP;
  }

  bool generate(zs_scanner_t* s, Context& ctx, std::string_view args, std::uint32_t line) {
    std::string error;
    ctx.generate_line = line;
    bool fatal = false;
    const bool ok = expand_generate(
        args,
        [&](std::string_view record) {
          if (!fatal && !feed(s, record, line)) fatal = true;
        },
        error);
    ctx.generate_line = 0;
    if (!ok) {
      report(CheckId::kSyntax, *ctx.path, line, {}, 0, error);
      ctx.failed = true;
      return true;  // the rest of the file is still worth checking
    }
    return !fatal;
  }

  bool include(zs_scanner_t* s, Context& ctx, std::string_view args, std::uint32_t line,
               unsigned depth) {
    std::istringstream words{std::string(strip_comment(args))};
    std::string file, origin;
    words >> file >> origin;
    if (file.empty()) {
      report(CheckId::kSyntax, *ctx.path, line, {}, 0, "$INCLUDE needs a file name");
      ctx.failed = true;
      return true;
    }
    if (depth + 1 > kMaxIncludeDepth) {
      report(CheckId::kLimit, *ctx.path, line, {}, 0,
             "$INCLUDE nested deeper than " + std::to_string(kMaxIncludeDepth) + " files");
      ctx.failed = true;
      return false;
    }
    // Relative paths are relative to the include base, else to the
    // including file, as in Knot (ZoneSource::include_base).
    if (file.front() != '/' && !source_.include_base.empty()) {
      file = source_.include_base + (source_.include_base.back() == '/' ? "" : "/") + file;
    } else if (file.front() != '/') {
      const auto slash = ctx.path->rfind('/');
      if (slash != std::string::npos) file = ctx.path->substr(0, slash + 1) + file;
    }
    const std::string current_origin = wire_to_text(s->zone_origin);
    if (origin.empty()) {
      origin = current_origin;
    } else if (origin.back() != '.') {
      origin += current_origin == "." ? "." : "." + current_origin;
    }
    if (!load_file(file, origin, depth + 1, line)) ctx.failed = true;
    return true;
  }

  static void on_record(zs_scanner_t* s) {
    auto& ctx = *static_cast<Context*>(s->process.data);
    ctx.loader->add_record(s, ctx);
  }

  static void on_error(zs_scanner_t* s) {
    auto& ctx = *static_cast<Context*>(s->process.data);
    const std::uint32_t line =
        ctx.generate_line ? ctx.generate_line : static_cast<std::uint32_t>(s->line_counter);
    // libzscanner knows only class IN and calls anything else a syntax
    // error; say what is really wrong when the line names another class.
    std::uint16_t type = 0;
    const std::string_view other_class = class_token(line_text(*ctx.text, line), type);
    if (!other_class.empty()) {
      // The scanner has read the owner before it stumbled on the class.
      LookupKey key;
      make_key(s->r_owner, key);
      ctx.loader->report(CheckId::kClass, *ctx.path, line, key_to_text(key.view()), type,
                         "class " + std::string(other_class) + " is not IN; canon serves IN zones only");
    } else if (const std::string key = s->error.code == ZS_BAD_SVCB_PARAM
                                           ? unknown_svcb_key(record_text(*ctx.text, line))
                                           : std::string();
               !key.empty()) {
      // libzscanner says only "invalid parameter"; name the key it did not know.
      ctx.loader->report(CheckId::kSyntax, *ctx.path, line, {}, 0,
                         "unknown SvcParamKey \"" + key +
                             "\"; known are mandatory, alpn, no-default-alpn, port, ipv4hint, "
                             "ech, ipv6hint, and keyNNNNN for any other (RFC 9460 §2.1)");
    } else {
      ctx.loader->report(CheckId::kSyntax, *ctx.path, line, {}, 0, zs_strerror(s->error.code));
    }
    ctx.failed = true;
  }

  // Line `line` and, when it opens a parenthesis, the lines up to the one
  // that closes it. Only used on the error path.
  static std::string record_text(std::string_view text, std::uint32_t line) {
    std::string out;
    int depth = 0;
    for (std::uint32_t n = line; n < line + 256; ++n) {
      const std::string_view one = strip_comment(line_text(text, n));
      bool quoted = false;
      for (std::size_t i = 0; i < one.size(); ++i) {
        if (one[i] == '\\')
          ++i;
        else if (one[i] == '"')
          quoted = !quoted;
        else if (!quoted && one[i] == '(')
          ++depth;
        else if (!quoted && one[i] == ')')
          --depth;
      }
      out.append(one).push_back(' ');
      if (depth <= 0) break;
    }
    return out;
  }

  // The first SvcParamKey in `record` (text without comments) that
  // libzscanner does not know, or empty. Its 3.2 knows the keys of RFC 9460
  // §14.3.2 numbered 0-6.
  static std::string unknown_svcb_key(std::string_view record) {
    std::vector<std::string_view> words;
    for (std::size_t pos = 0; pos < record.size();) {
      const std::size_t start = record.find_first_not_of(" \t\r()", pos);
      if (start == std::string_view::npos) break;
      std::size_t end = start;
      for (bool quoted = false; end < record.size(); ++end) {
        const char c = record[end];
        if (c == '\\')
          ++end;
        else if (c == '"')
          quoted = !quoted;
        else if (!quoted && (c == ' ' || c == '\t' || c == '\r' || c == '(' || c == ')'))
          break;
      }
      end = std::min(end, record.size());
      words.push_back(record.substr(start, end - start));
      pos = end;
    }
    static constexpr std::string_view kKnown[] = {"mandatory", "alpn", "no-default-alpn", "port",
                                                  "ipv4hint",  "ech",  "ipv6hint"};
    // The parameters follow TYPE PRIORITY TARGET; libzscanner reports an
    // error inside parentheses at the line it was found on, which may hold
    // parameters only. A key is never a number and has no dot (as targets do).
    std::size_t first = 0;
    for (std::size_t i = 0; i < words.size(); ++i) {
      const std::uint16_t type = type_from_name(words[i]);
      if (type == 64 || type == 65) first = i + 3;  // SVCB, HTTPS
    }
    for (std::size_t k = first; k < words.size(); ++k) {
      const std::string_view key = words[k].substr(0, words[k].find('='));
      if (key.empty() || key.find('.') != std::string_view::npos ||
          key.find_first_not_of("0123456789") == std::string_view::npos) {
        continue;
      }
      const bool numbered = key.size() > 3 && key.substr(0, 3) == "key" &&
                            key.find_first_not_of("0123456789", 3) == std::string_view::npos;
      if (!numbered && std::find(std::begin(kKnown), std::end(kKnown), key) == std::end(kKnown)) {
        return std::string(key);
      }
    }
    return {};
  }

  // Line `line` (1-based) of `text`; only used on the error path.
  static std::string_view line_text(std::string_view text, std::uint32_t line) {
    std::size_t start = 0;
    for (std::uint32_t n = 1; n < line && start != std::string_view::npos; ++n) {
      start = text.find('\n', start);
      if (start != std::string_view::npos) ++start;
    }
    if (start == std::string_view::npos || start >= text.size()) return {};
    const std::size_t end = text.find('\n', start);
    return text.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start);
  }

  // A class other than IN named on the line (CH, HS, NONE, CLASSnnn), if
  // any, and the type that follows it.
  static std::string_view class_token(std::string_view line, std::uint16_t& type) {
    std::string_view found;
    line = strip_comment(line);
    std::size_t pos = 0;
    while (pos < line.size()) {
      const std::size_t start = line.find_first_not_of(" \t()", pos);
      if (start == std::string_view::npos) break;
      std::size_t end = line.find_first_of(" \t()", start);
      if (end == std::string_view::npos) end = line.size();
      const std::string_view word = line.substr(start, end - start);
      std::string upper(word);
      for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      const bool numbered = upper.size() > 5 && upper.rfind("CLASS", 0) == 0 &&
                            upper.find_first_not_of("0123456789", 5) == std::string::npos &&
                            upper != "CLASS1";
      if (!found.empty()) {
        type = type_from_name(word);
        if (type != 0) return found;
      } else if (upper == "CH" || upper == "HS" || upper == "CS" || upper == "NONE" || numbered) {
        found = word;
      }
      pos = end;
    }
    return found;
  }

  void add_record(zs_scanner_t* s, Context& ctx) {
    const std::uint32_t line =
        ctx.generate_line ? ctx.generate_line : static_cast<std::uint32_t>(s->line_counter);
    if (store_.records.size() - first_record_ >= limits_.max_records) {
      // Reported once; an including file that goes on reading stops at its
      // next record.
      if (!over_limit_) {
        report(CheckId::kLimit, *ctx.path, line, {}, 0,
               "zone " + source_.origin + " has more than " + std::to_string(limits_.max_records) +
                   " records (max-zone-records); the rest of the file is not read");
        over_limit_ = true;
      }
      ctx.failed = true;
      s->state = ZS_STATE_STOP;
      return;
    }
    LookupKey key;
    make_key(s->r_owner, key);
    const std::span<const std::uint8_t> key_view = key.view();
    if (s->r_class != rr_class::IN) {
      report(CheckId::kClass, *ctx.path, line, key_to_text(key_view), s->r_type,
             "class " + std::to_string(s->r_class) + " is not IN; canon serves IN zones only");
      return;
    }
    if (!key_is_below_or_at(key_view, origin_key_.view())) {
      report(CheckId::kOutOfZone, *ctx.path, line, key_to_text(key_view), s->r_type,
             "owner is outside the zone " + source_.origin);
      return;
    }
    if ((s->r_type == rr::CNAME || s->r_type == rr::DNAME) && looks_like_ip(s->r_data)) {
      report(CheckId::kAliasTargetIp, *ctx.path, line, key_to_text(key_view), s->r_type,
             "target " + wire_to_text(s->r_data) +
                 " looks like an IP address made relative to the origin; an alias must name a host");
    }
    Record record{};
    record.key = store_.append(key_view);
    record.key_length = key.length;
    record.rdata = store_.append({s->r_data, s->r_data_length});
    record.rdata_length = static_cast<std::uint16_t>(s->r_data_length);
    record.ttl = s->r_ttl;
    record.line = line;
    record.zone = zone_index_;
    record.type = s->r_type;
    record.file = ctx.file;
    store_.records.push_back(record);
    if (store_.on_progress && store_.records.size() % RecordStore::kProgressEvery == 0) {
      store_.on_progress(store_.records.size());
    }
  }

  void report(CheckId id, const std::string& file, std::uint32_t line, std::string owner,
              std::uint16_t type, std::string message) {
    findings_.add(Finding{id, file, line, std::move(owner), type, std::move(message)});
  }

  const ZoneSource& source_;
  std::uint32_t zone_index_;
  RecordStore& store_;
  Findings& findings_;
  const ZoneLimits& limits_;
  std::size_t first_record_;  // records in the store before this zone's
  bool over_limit_ = false;
  LookupKey origin_key_{};
  std::string current_path_;
};

}  // namespace

bool load_zone(const ZoneSource& source, std::uint32_t zone_index, RecordStore& store,
               Findings& findings, const ZoneLimits& limits) {
  ZoneLoader loader(source, zone_index, store, findings, limits);
  return loader.load();
}

}  // namespace canon::zones
