#include "tools/canond/local_record.hpp"

extern "C" {
#include <libzscanner/scanner.h>
}

#include <memory>
#include <stdexcept>

namespace canon::daemon {

namespace {

struct Parsed {
  bool got = false;
  engine::LocalRecord record;
  std::string error;
};

void on_record(zs_scanner_t* s) {
  auto* parsed = static_cast<Parsed*>(s->process.data);
  if (parsed->got) {
    parsed->error = "one record per string";
    return;
  }
  parsed->got = true;
  parsed->record.type = s->r_type;
  parsed->record.ttl = s->r_ttl;
  parsed->record.rdata.assign(s->r_data, s->r_data + s->r_data_length);
}

void on_error(zs_scanner_t* s) {
  auto* parsed = static_cast<Parsed*>(s->process.data);
  if (parsed->error.empty()) parsed->error = zs_strerror(s->error.code);
  s->state = ZS_STATE_STOP;
}

struct ScannerDeleter {
  void operator()(zs_scanner_t* s) const {
    zs_deinit(s);
    delete s;
  }
};

}  // namespace

engine::LocalRecord parse_local_record(const std::string& text, std::uint32_t ttl) {
  if (text.find_first_of("\n;$()") != std::string::npos) {
    throw std::runtime_error("record \"" + text + "\" may not hold newlines, comments, directives or parentheses");
  }
  // The owner is a placeholder: the answer is owned by the question name.
  const std::string line = "@ " + std::to_string(ttl) + " IN " + text + "\n";
  std::unique_ptr<zs_scanner_t, ScannerDeleter> scanner(new zs_scanner_t);
  // A placeholder origin: a relative name in RDATA would end in it, and is
  // refused below rather than guessed at.
  if (zs_init(scanner.get(), "policy.invalid.", 1, ttl) != 0) throw std::runtime_error("zscanner init failed");
  Parsed parsed;
  if (zs_set_processing(scanner.get(), on_record, on_error, &parsed) != 0 ||
      zs_set_input_string(scanner.get(), line.data(), line.size()) != 0) {
    throw std::runtime_error("zscanner input failed");
  }
  zs_parse_all(scanner.get());
  if (!parsed.error.empty() || !parsed.got) {
    throw std::runtime_error("record \"" + text + "\": " + (parsed.error.empty() ? "no record" : parsed.error));
  }
  static constexpr char kPlaceholder[] = "\6policy\7invalid";
  const std::string rdata(parsed.record.rdata.begin(), parsed.record.rdata.end());
  if (rdata.find(kPlaceholder) != std::string::npos) {
    throw std::runtime_error("record \"" + text + "\": write names in full, with the final dot");
  }
  return parsed.record;
}

}  // namespace canon::daemon
