// libFuzzer target: any bytes as what an admin client sends canond → split
// into lines, each non-empty line answered by answer_line (what the admin
// socket does per line, tools/canond/admin_line.hpp) from a Control over two
// tiny zones and a one-rule policy. Checked for every answer
// (tools/canond/ADMIN-PROTOCOL.md):
//   - one JSON object on one line, with "ok" true or false;
//   - "ok": false has a non-empty "error", and "findings" (when there) are
//     strings;
//   - the served generation moves by one when zone-load, zone-reload,
//     zone-drop or policy-reload answers ok, and never otherwise (a refusal
//     changes nothing that is served);
//   - status and zone-list list the zones the served snapshot has;
//   - stop answers {"ok":true,"stopping":true} and sets the flag (canond
//     still answers the lines it has already read);
// and after each input a status request still answers ok.
//
// Each input starts from the same state (a new publisher of the snapshot and
// policy built once, a new Control), so a reproducer replays alone. The
// zones and the policy are files in a temporary directory made once per
// process; "%ZONES%" in a line stands for that directory, so seeds can name
// its files ("example.com=%ZONES%/example.com.zone"). Nothing writes: the
// commands only read files. So that they read nothing else, a zone-load or
// zone-check line naming an existing file outside that directory, or
// anything there but a regular file (a FIFO or /dev/zero would block the
// loader for good), is skipped, as are an input's 65th line, its third
// policy-reload and any line past kMaxRequest (canond closes that
// connection). CANON_FUZZ_ADMIN_ECHO=1 prints each line and its answer.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/served.hpp"
#include "nic/backend.hpp"
#include "tools/canond/admin_line.hpp"
#include "tools/canond/admin_server.hpp"
#include "tools/canond/control.hpp"
#include "tools/canond/log.hpp"
#include "tools/canond/policy_file.hpp"
#include "tools/canond/zone_set.hpp"
#include "zones/compiler.hpp"

namespace {

namespace fs = std::filesystem;
using canon::daemon::Control;
using nlohmann::json;

constexpr std::size_t kMaxLines = 64;
// A policy-reload compiles the policy with Hyperscan (~30 ms under ASan):
// the rest of an input's lines are worth more than a third reload.
constexpr std::size_t kMaxPolicyReloads = 2;
constexpr std::string_view kDirToken = "%ZONES%";

constexpr const char* kExampleCom =
    "$ORIGIN example.com.\n"
    "$TTL 300\n"
    "@    SOA ns hostmaster 2026112201 7200 3600 1209600 60\n"
    "     NS  ns\n"
    "ns   A   192.0.2.1\n"
    "www  A   192.0.2.80\n"
    "     AAAA 2001:db8::80\n"
    "ftp  CNAME www\n";
constexpr const char* kExampleNet =
    "$ORIGIN example.net.\n"
    "@    3600 SOA ns.example.com. hostmaster.example.com. 7 7200 3600 1209600 60\n"
    "     3600 NS  ns.example.com.\n"
    "mail 300  MX  10 mx.example.net.\n"
    "mx   300  A   192.0.2.25\n";
// A zone the checker refuses (CNAME and other data): zone-load answers ok:false.
constexpr const char* kBad =
    "$ORIGIN example.org.\n"
    "@    SOA ns hostmaster 1 7200 3600 1209600 60\n"
    "     NS  ns\n"
    "ns   A   192.0.2.1\n"
    "ns   CNAME other\n";
constexpr const char* kPolicy =
    "[[rule]]\n"
    "name = \"drop-c2\"\n"
    "match = '(^|\\.)c2\\.botnet\\.example$'\n"
    "action = \"drop\"\n";

// No sockets, no workers: what `status` and `stats` read of a backend.
class NullBackend final : public canon::nic::Backend {
 public:
  const char* name() const noexcept override { return "fuzz"; }
  void start() override {}
  void stop() noexcept override {}
  canon::nic::BackendReport report() const override {
    canon::nic::BackendReport report;
    report.workers.push_back(canon::nic::WorkerReport{0, -1, {}});
    return report;
  }
  std::vector<std::string> listening() const override { return {"127.0.0.1:5353"}; }
};

std::string g_dir;
canon::daemon::DaemonOptions g_options;
canon::daemon::ZoneSet g_zones;
std::shared_ptr<const canon::engine::Served> g_first;
NullBackend g_backend;
bool g_echo = false;

// A broken rule: says which, with the line and its answer (a CI log keeps
// only this output), then aborts so libFuzzer writes the reproducer.
[[noreturn]] void violated(const char* rule, const std::string& line, const std::string& answer) {
  std::fprintf(stderr, "fuzz-admin: rule broken: %s\n  line:   %s\n  answer: %s\n", rule,
               line.c_str(), answer.c_str());
  std::abort();
}

void write_file(const std::string& name, const char* text) {
  std::ofstream out(g_dir + "/" + name, std::ios::binary);
  out << text;
  if (!out) std::abort();
}

void remove_dir() {
  std::error_code ec;
  if (!g_dir.empty()) fs::remove_all(g_dir, ec);
}

// True when a zone-load/zone-check file argument may be read: a file that
// does not exist (anywhere), or a regular file in g_dir. The path is taken as
// open(2) will see it: up to a NUL, relative to the working directory, its
// symbolic links followed ("/var/run/../dev/zero" is /dev/zero).
bool readable_here(std::string_view file) {
  file = file.substr(0, file.find('\0'));
  if (file.empty()) return true;  // open("") fails
  std::error_code ec;
  const fs::path real = fs::weakly_canonical(fs::absolute(fs::path(file), ec), ec);
  if (ec) return false;
  const fs::file_status status = fs::symlink_status(real, ec);
  if (status.type() == fs::file_type::not_found) return true;
  if (ec) return false;
  return status.type() == fs::file_type::regular && real.string().starts_with(g_dir + "/");
}

// Whether the line may be answered here (see the top of the file).
bool allowed(const json& request) {
  if (!request.is_object() || !request.contains("command") || !request["command"].is_string())
    return true;
  const std::string& command = request["command"].get_ref<const std::string&>();
  if (command != "zone-load" && command != "zone-check") return true;
  if (!request.contains("args") || !request["args"].is_array()) return true;
  for (const json& arg : request["args"]) {
    if (!arg.is_string()) continue;
    const std::string& text = arg.get_ref<const std::string&>();
    const std::size_t eq = text.find('=');
    if (eq != std::string::npos && !readable_here(std::string_view(text).substr(eq + 1)))
      return false;
  }
  return true;
}

std::string command_of(const json& request) {
  if (request.is_discarded() || !request.is_object() || !request.contains("command") ||
      !request["command"].is_string()) {
    return {};
  }
  return request["command"].get<std::string>();
}

// The origins of the served zone table, as status and zone-list show them.
json served_origins(const canon::engine::ServedPublisher& publisher) {
  json origins = json::array();
  for (const canon::zones::Snapshot* unit : publisher.served()->zones->units()) {
    for (const auto& info : unit->zone_infos()) origins.push_back(info.origin);
  }
  return origins;
}

void check_zones(const json& response, const canon::engine::ServedPublisher& publisher,
                 const std::string& line) {
  if (!response.contains("zones") || !response["zones"].is_array())
    violated("the answer lists the zones", line, response.dump());
  json origins = json::array();
  for (const json& zone : response["zones"]) origins.push_back(zone.at("origin"));
  if (origins != served_origins(publisher)) {
    violated(("the zones listed are the served ones: " + served_origins(publisher).dump()).c_str(),
             line, response.dump());
  }
}

// Answers one line and checks the answer; false when the line was skipped.
bool answer_and_check(const std::string& line, Control& control,
                      const canon::engine::ServedPublisher& publisher, std::size_t& reloads) {
  const json request = json::parse(line, nullptr, false);
  if (!request.is_discarded() && !allowed(request)) return false;
  const std::string command = command_of(request);
  if (command == "policy-reload" && ++reloads > kMaxPolicyReloads) return false;
  const std::uint64_t before = publisher.generation();

  const std::string answer = canon::daemon::answer_line(line, control);
  if (g_echo) std::fprintf(stderr, "> %s\n< %s\n", line.c_str(), answer.c_str());

  if (answer.find('\n') != std::string::npos) violated("one line", line, answer);
  const json response = json::parse(answer, nullptr, false);
  if (response.is_discarded() || !response.is_object()) violated("a JSON object", line, answer);
  if (!response.contains("ok") || !response["ok"].is_boolean()) violated("\"ok\" is a boolean", line, answer);
  const bool ok = response["ok"].get<bool>();
  if (!ok) {
    if (!response.contains("error") || !response["error"].is_string())
      violated("a refusal has an \"error\" string", line, answer);
    if (response["error"].get_ref<const std::string&>().empty()) violated("the error is not empty", line, answer);
  }
  if (response.contains("findings")) {
    if (!response["findings"].is_array()) violated("\"findings\" is a list", line, answer);
    for (const json& finding : response["findings"]) {
      if (!finding.is_string()) violated("each finding is a string", line, answer);
    }
  }
  // `reload` without a config to read (as here) re-reads the zones: one publish.
  const bool publishes = command == "zone-load" || command == "zone-reload" || command == "reload" ||
                         command == "zone-drop" || command == "policy-reload";
  const std::uint64_t after = publisher.generation();
  if (ok && publishes) {
    if (after != before + 1) violated("a publish moves the generation by one", line, answer);
    if (response.at("generation") != after) violated("the answer names the served generation", line, answer);
  } else if (after != before) {
    violated("a refusal, or a command that publishes nothing, changes nothing served", line, answer);
  }
  if (ok && (command == "status" || command == "zone-list")) check_zones(response, publisher, line);
  if (command == "stop" && ok) {
    if (response.value("stopping", false) != true || !control.stop_requested())
      violated("stop sets the flag", line, answer);
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  canon::daemon::set_log_level(canon::daemon::LogLevel::kError);
  g_echo = std::getenv("CANON_FUZZ_ADMIN_ECHO") != nullptr;
  char dir[] = "/tmp/canon-fuzz-admin-XXXXXX";
  if (::mkdtemp(dir) == nullptr) std::abort();
  g_dir = fs::canonical(dir).string();  // as readable_here compares it
  std::atexit(remove_dir);
  write_file("example.com.zone", kExampleCom);
  write_file("example.net.zone", kExampleNet);
  write_file("bad.zone", kBad);
  write_file("policy.toml", kPolicy);

  g_options.policy = g_dir + "/policy.toml";
  g_options.admin_socket = g_dir + "/admin.sock";  // never created
  std::vector<canon::daemon::ZoneUpdate> updates;
  for (const char* zone : {"example.com", "example.net"}) {
    std::string error;
    const auto source = canon::zones::parse_zone_source(
        std::string(zone) + "=" + g_dir + "/" + zone + ".zone", error);
    if (!source) std::abort();
    updates.push_back(canon::daemon::ZoneUpdate{canon::zones::load_zone_file(*source), true});
  }
  canon::daemon::ZoneUpdateOutcome outcome =
      canon::daemon::apply_updates({}, updates, {}, "fuzz", {}, 0);
  if (!outcome.refused.empty()) std::abort();
  g_zones = std::move(outcome.next);
  g_first = std::make_shared<const canon::engine::Served>(canon::engine::Served{
      std::move(outcome.table), canon::daemon::load_policy(g_options.policy, 1, 1)});
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // No reader ever registers: a publish waits for no grace period.
  canon::engine::ServedPublisher publisher(g_first, 1);
  Control control(g_options, g_zones, publisher, g_backend, 1);

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  std::size_t lines = 0;
  std::size_t reloads = 0;
  // Every line, the last one too when it has no newline (as if the client
  // then sent one).
  for (std::size_t pos = 0; pos < input.size() && lines < kMaxLines;) {
    std::size_t end = input.find('\n', pos);
    if (end == std::string_view::npos) end = input.size();
    std::string line(input.substr(pos, end - pos));
    pos = end + 1;
    if (line.empty()) continue;
    if (line.size() > canon::daemon::AdminServer::kMaxRequest) break;
    for (std::size_t at = line.find(kDirToken); at != std::string::npos;
         at = line.find(kDirToken, at)) {
      line.replace(at, kDirToken.size(), g_dir);
      at += g_dir.size();
    }
    if (answer_and_check(line, control, publisher, reloads)) ++lines;
  }

  // Whatever the input did, canond still answers.
  const std::string status_line = R"({"command":"status"})";
  const std::string status_answer = canon::daemon::answer_line(status_line, control);
  const json status = json::parse(status_answer, nullptr, false);
  if (status.is_discarded() || status.value("ok", false) != true)
    violated("status answers after any input", status_line, status_answer);
  check_zones(status, publisher, status_line);
  return 0;
}
