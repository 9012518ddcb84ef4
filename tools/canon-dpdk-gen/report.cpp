#include "report.hpp"

#include <cstdio>

namespace canon::gen {

namespace {

[[nodiscard]] std::uint64_t good(const Counters& c, bool echo) {
  return echo ? c.received : c.answered;
}

[[nodiscard]] double per_second(std::uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0;
}

[[nodiscard]] std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", value);
  return text;
}

[[nodiscard]] std::string rate_text(double pps) {
  char text[32];
  if (pps >= 1e6)
    std::snprintf(text, sizeof text, "%.2fM", pps / 1e6);
  else if (pps >= 1e3)
    std::snprintf(text, sizeof text, "%.1fk", pps / 1e3);
  else
    std::snprintf(text, sizeof text, "%.0f", pps);
  return text;
}

}  // namespace

const char* rcode_name(unsigned rcode) {
  static const char* const names[16] = {
      "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
      "NXRRSET", "NOTAUTH", "NOTZONE",  "RCODE11",  "RCODE12", "RCODE13", "RCODE14",  "RCODE15"};
  return rcode < 16 ? names[rcode] : "?";
}

std::string report_json(const Counters& c, const RunFacts& facts) {
  const std::uint64_t ok = good(c, facts.echo);
  const std::uint64_t lost = c.sent > ok ? c.sent - ok : 0;
  std::string j = "{\"mode\":\"";
  j += facts.echo ? "echo" : "dns";
  j += "\",\"sent\":" + std::to_string(c.sent);
  j += ",\"received\":" + std::to_string(c.received);
  j += ",\"answered\":" + std::to_string(c.answered);
  j += ",\"mismatched\":" + std::to_string(c.mismatched);
  j += ",\"lost\":" + std::to_string(lost);
  j += ",\"seconds\":" + number(c.seconds);
  j += ",\"sent_pps\":" + number(per_second(c.sent, c.seconds));
  j += facts.echo ? ",\"received_pps\":" : ",\"answered_pps\":";
  j += number(per_second(ok, c.seconds));
  j += ",\"rcodes\":{";
  bool first = true;
  for (unsigned r = 0; r < c.rcodes.size(); ++r) {
    if (c.rcodes[r] == 0 && !(r == 0 && !facts.echo)) continue;
    j += first ? "\"" : ",\"";
    j += rcode_name(r);
    j += "\":" + std::to_string(c.rcodes[r]);
    first = false;
  }
  j += "},\"mismatch\":{";
  for (std::size_t m = 0; m < c.mismatch.size(); ++m) {
    j += m == 0 ? "\"" : ",\"";
    j += mismatch_name(static_cast<Mismatch>(m));
    j += "\":" + std::to_string(c.mismatch[m]);
  }
  j += "},\"ignored\":" + std::to_string(c.ignored);
  j += ",\"arp_received\":" + std::to_string(c.arp_received);
  j += ",\"arp_answered\":" + std::to_string(c.arp_answered);
  j += ",\"tx_bursts\":" + std::to_string(c.tx_bursts);
  j += ",\"tx_full\":" + std::to_string(c.tx_full);
  j += ",\"alloc_failed\":" + std::to_string(c.alloc_failed);
  j += ",\"queries\":" + std::to_string(facts.queries);
  j += ",\"dst_mac\":\"" + facts.dst_mac + "\",\"dst_mac_by\":\"" + facts.dst_mac_by + "\"}";
  return j;
}

std::string report_summary(const Counters& c, const RunFacts& facts) {
  const std::uint64_t ok = good(c, facts.echo);
  std::string s = "canon-dpdk-gen: sent " + std::to_string(c.sent) + " in " + number(c.seconds) +
                  " s (" + rate_text(per_second(c.sent, c.seconds)) + " pps), ";
  s += facts.echo ? "echoed " : "answered ";
  s += std::to_string(ok) + " (" + rate_text(per_second(ok, c.seconds)) + " pps), lost " +
       std::to_string(c.sent > ok ? c.sent - ok : 0) + ", mismatched " +
       std::to_string(c.mismatched);
  const char* separator = "; ";
  for (unsigned r = 0; r < c.rcodes.size(); ++r) {
    if (c.rcodes[r] == 0) continue;
    s += std::string(separator) + rcode_name(r) + " " + std::to_string(c.rcodes[r]);
    separator = ", ";
  }
  return s;
}

}  // namespace canon::gen
