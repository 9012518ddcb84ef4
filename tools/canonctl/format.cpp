#include "format.hpp"

#include <string_view>
#include <vector>

#include "format_status.hpp"

namespace canon::ctl {

namespace {

[[nodiscard]] std::vector<std::string> lines_of(const Json& reply, const char* key) {
  std::vector<std::string> lines;
  if (!reply.contains(key)) return lines;
  for (const Json& line : reply.at(key)) lines.push_back(scalar_text(line));
  return lines;
}

[[nodiscard]] std::string joined(const std::vector<std::string>& lines) {
  std::string text;
  for (const std::string& line : lines) text += line + "\n";
  return text;
}

// Findings are "FILE:LINE: error|warning: OWNER TYPE: message [check-id]".
[[nodiscard]] std::size_t count_of(const std::vector<std::string>& findings,
                                   std::string_view severity) {
  std::size_t n = 0;
  for (const std::string& line : findings) n += line.find(severity) != std::string::npos;
  return n;
}

// canond's sentence, then the checker's lines as they are (FILE:LINE first,
// so an editor can jump to them).
[[nodiscard]] std::string failure_text(const Json& reply) {
  std::string text = "canond: ";
  text += reply.contains("error") ? scalar_text(reply["error"]) : "the command failed";
  return text + "\n" + joined(lines_of(reply, "findings"));
}

// zone-load, zone-reload, zone-drop.
[[nodiscard]] std::string published_text(const Json& reply) {
  std::string text = "generation " + scalar_text(reply.at("generation")) +
                     " published: " + counted(reply.at("zones").get<std::uint64_t>(), "zone") +
                     ", " + counted(reply.at("records").get<std::uint64_t>(), "record");
  if (reply.contains("load_seconds") && reply.contains("compile_seconds")) {
    text += " (load " + seconds(reply["load_seconds"].get<double>()) + ", compile " +
            seconds(reply["compile_seconds"].get<double>()) + ")";
  }
  // Zones whose new version had errors: they keep the version they served,
  // or answer SERVFAIL when they never had one (a zone new to the config).
  const auto refused = lines_of(reply, "refused");
  if (!refused.empty())
    text += "\nrefused (each keeps the version it served; one never loaded answers SERVFAIL):\n" + joined(refused) +
            joined(lines_of(reply, "findings"));
  if (reply.contains("restart_warning"))
    text += "\n" + scalar_text(reply["restart_warning"]) + "\n";
  return text + "\n" + joined(lines_of(reply, "warnings"));
}

[[nodiscard]] Rendered check_rendered(const Json& reply) {
  const auto findings = lines_of(reply, "findings");
  const std::size_t errors = count_of(findings, ": error: ");
  const std::size_t warnings = count_of(findings, ": warning: ");
  std::string summary = counted(reply.at("records").get<std::uint64_t>(), "record") + ", " +
                        (errors ? counted(errors, "error") : "no errors");
  if (warnings) summary += ", " + counted(warnings, "warning");
  Rendered r;
  if (reply.at("ok").get<bool>()) {
    r.out = joined(findings) + "ok: " + summary + "\n";
  } else {
    r.err = (reply.contains("error") ? "canond: " + scalar_text(reply["error"]) + "\n" : "") +
            joined(findings) + "refused: " + summary + "\n";
  }
  return r;
}

// Extra fields of a reply, as "key: value" lines (policy-reload's "...").
[[nodiscard]] std::string extras(const Json& reply) {
  KeyValues pairs;
  for (const auto& [key, value] : reply.items()) {
    if (key != "ok") pairs.emplace_back(words(key), scalar_text(value));
  }
  return aligned(pairs);
}

[[nodiscard]] Rendered render_known(std::string_view command, const Json& reply) {
  Rendered r;
  if (command == "zone-check" && reply.contains("records")) return check_rendered(reply);
  if (!reply.at("ok").get<bool>())
    r.err = failure_text(reply);
  else if (command == "status")
    r.out = status_text(reply);
  else if (command == "zone-list" || (command == "zone-status" && reply.contains("zones")))
    r.out = zone_list_text(reply);
  else if (command == "zone-status")
    r.out = zone_status_text(reply);
  else if (command == "stats")
    r.out = stats_text(reply);
  else if (command == "zone-load" || command == "zone-reload" || command == "zone-drop" ||
           command == "reload")
    r.out = published_text(reply);
  else if (command == "metrics")
    r.out = reply.at("text").get<std::string>();  // Prometheus text, byte for byte
  else if (command == "stop")
    r.out = "canond is stopping\n";
  else if (command == "policy-reload")
    r.out = "policy reloaded\n" + extras(reply);
  else
    r.out = reply.dump(2) + "\n";
  return r;
}

}  // namespace

int exit_code_of(const Json& reply) {
  if (reply.at("ok").get<bool>()) return 0;
  const auto it = reply.find("error");
  const bool turned_away = it != reply.end() && it->is_string() &&
                           it->get<std::string>().rfind("permission denied", 0) == 0;
  return turned_away ? 3 : 1;
}

Rendered render(std::string_view command, const Json& reply) {
  Rendered r;
  try {
    r = render_known(command, reply);
  } catch (const nlohmann::json::exception&) {
    // A shape this canonctl does not know: show everything rather than guess.
    r = Rendered{};
    (reply.at("ok").get<bool>() ? r.out : r.err) = reply.dump(2) + "\n";
  }
  r.exit_code = exit_code_of(reply);
  return r;
}

}  // namespace canon::ctl
