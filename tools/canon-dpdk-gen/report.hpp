// The end of a run: one line of JSON for scripts (stdout), one line for people
// (stderr).
//
//   {"mode":"dns","sent":..,"received":..,"answered":..,"mismatched":..,"lost":..,
//    "seconds":..,"sent_pps":..,"answered_pps":..,"rcodes":{"NOERROR":..},...}
//
// lost = sent - answered (DNS mode) or sent - received (echo mode, where the
// rate is "received_pps").
#pragma once

#include <string>

#include "counters.hpp"

namespace canon::gen {

struct RunFacts {
  bool echo = false;
  std::string dst_mac;      // the MAC the queries went to
  std::string dst_mac_by;   // "option", "arp" or "broadcast"
  std::size_t queries = 0;  // distinct queries in the file
};

[[nodiscard]] std::string report_json(const Counters& counters, const RunFacts& facts);
[[nodiscard]] std::string report_summary(const Counters& counters, const RunFacts& facts);
[[nodiscard]] const char* rcode_name(unsigned rcode);

}  // namespace canon::gen
