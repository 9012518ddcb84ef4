// canonctl top's frame: rates between two `stats` samples 2 s apart, the
// ordering of policy rules and qtypes, counter resets.
#include "tools/canonctl/top_view.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <vector>

namespace canon::ctl {
namespace {

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// The line starting with `prefix`, or "" (the test then fails on content).
std::string line_starting(const std::string& text, const std::string& prefix) {
  for (const std::string& line : lines_of(text)) {
    if (line.rfind(prefix, 0) == 0) return line;
  }
  return {};
}

std::vector<std::string> words_of(const std::string& line) {
  std::vector<std::string> words;
  std::istringstream in(line);
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

Json rule(const char* name, const char* action, int matches) {
  return Json{{"rule", name}, {"action", action}, {"matches", matches}};
}

Json before_sample() {
  Json s = Json::parse(R"({
    "ok": true, "version": "0.1.0", "uptime_seconds": 100, "backend": "socket", "generation": 3,
    "zones": [{"origin": "example.com.", "serial": 1}, {"origin": "example.net.", "serial": 2}],
    "queries": 1000, "responses": 990, "dropped": 10, "truncated": 0,
    "rcodes": {"NOERROR": 900, "FORMERR": 0, "SERVFAIL": 0, "NXDOMAIN": 80, "NOTIMP": 0,
               "REFUSED": 10, "YXDOMAIN": 0, "BADVERS": 0},
    "qtypes": {"A": 500, "AAAA": 300, "MX": 100, "TXT": 50, "NS": 20, "SOA": 10, "SRV": 10, "CNAME": 0, "other": 10},
    "rrl": {"enabled": true, "limited": 0, "slipped": 0, "dropped": 0},
    "workers": [{"worker": 0, "cpu": 1, "queries": 400, "responses": 396},
                {"worker": 1, "cpu": 2, "queries": 600, "responses": 594}]
  })");
  Json matches =
      Json::array({rule("r1", "drop", 10), rule("r2", "refuse", 100), rule("r3", "log", 0)});
  for (int i = 5; i <= 12; ++i)
    matches.push_back(rule(("z" + std::to_string(i)).c_str(), "drop", i));
  s["policy"] = Json{
      {"file", "/etc/canon/policy.toml"}, {"rules", 11}, {"generation", 1}, {"matches", matches}};
  return s;
}

// 2 s later.
Json after_sample() {
  Json s = before_sample();
  s["uptime_seconds"] = 102;
  s["queries"] = 2000;            // 500/s
  s["responses"] = 1970;          // 490/s
  s["dropped"] = 30;              // 10/s
  s["truncated"] = 4;             // 2/s
  s["rrl"]["limited"] = 6;        // 3/s
  s["rcodes"]["NOERROR"] = 1700;  // 400/s
  s["rcodes"]["NXDOMAIN"] = 240;  // 80/s
  s["rcodes"]["REFUSED"] = 30;    // 10/s
  s["rcodes"]["YXDOMAIN"] = 2;    // 1/s: not one of the five, shown because it moved
  s["qtypes"] =
      Json::parse(R"({"A": 1100, "AAAA": 500, "MX": 140, "TXT": 80, "NS": 40, "SOA": 30, "SRV": 20,
                                "CNAME": 0, "other": 15})");  // 300, 100, 20, 15, 10, 10, 5, 0, 2.5
                                                              // /s
  Json matches =
      Json::array({rule("r1", "drop", 50), rule("r2", "refuse", 110), rule("r3", "log", 0),
                   rule("r4", "drop", 8)});  // 20/s, 5/s, 0/s; r4 is new: 4/s
  for (int i = 5; i <= 12; ++i)
    matches.push_back(rule(("z" + std::to_string(i)).c_str(), "drop", i));
  s["policy"]["matches"] = matches;
  s["workers"][0]["queries"] = 650;   // 125/s
  s["workers"][1]["queries"] = 1350;  // 375/s
  return s;
}

TEST(TopView, Totals) {
  const std::string frame = top_frame(before_sample(), after_sample(), 2.0);
  EXPECT_EQ(lines_of(frame)[0],
            "canond 0.1.0, socket backend, generation 3, 2 zones, up 1m 42s; rates over 2.0 s");
  EXPECT_EQ(words_of(line_starting(frame, "queries/s:")),
            (std::vector<std::string>{"queries/s:", "500.0"}));
  EXPECT_EQ(words_of(line_starting(frame, "answered/s:")),
            (std::vector<std::string>{"answered/s:", "490.0"}));
  EXPECT_EQ(words_of(line_starting(frame, "dropped/s:")),
            (std::vector<std::string>{"dropped/s:", "10.0"}));
  EXPECT_EQ(words_of(line_starting(frame, "truncated/s:")),
            (std::vector<std::string>{"truncated/s:", "2.0"}));
  EXPECT_EQ(words_of(line_starting(frame, "rrl limited/s:")),
            (std::vector<std::string>{"rrl", "limited/s:", "3.0"}));
}

TEST(TopView, RcodesAndQtypes) {
  const std::string frame = top_frame(before_sample(), after_sample(), 2.0);
  EXPECT_EQ(line_starting(frame, "rcodes/s:"),
            "rcodes/s: NOERROR 400.0, NXDOMAIN 80.0, REFUSED 10.0, SERVFAIL 0.0, FORMERR 0.0, "
            "YXDOMAIN 1.0");
  // The six busiest, busiest first; equal rates keep canond's order.
  EXPECT_EQ(line_starting(frame, "qtypes/s:"),
            "qtypes/s: A 300.0, AAAA 100.0, MX 20.0, TXT 15.0, NS 10.0, SOA 10.0");
}

TEST(TopView, PolicyRulesBusiestFirst) {
  const std::string frame = top_frame(before_sample(), after_sample(), 2.0);
  const std::vector<std::string> lines = lines_of(frame);
  std::size_t at = 0;
  while (at < lines.size() && lines[at] != "policy rules, busiest first:") ++at;
  ASSERT_LT(at + 11, lines.size()) << frame;
  EXPECT_EQ(words_of(lines[at + 1]),
            (std::vector<std::string>{"rule", "action", "matches/s", "total"}));
  std::vector<std::vector<std::string>> rows;
  for (std::size_t i = at + 2; i < lines.size() && lines[i].rfind("  ", 0) == 0; ++i)
    rows.push_back(words_of(lines[i]));
  ASSERT_EQ(rows.size(), kTopRules) << frame;
  EXPECT_EQ(rows[0], (std::vector<std::string>{"r1", "drop", "20.0", "50"}));
  EXPECT_EQ(rows[1], (std::vector<std::string>{"r2", "refuse", "5.0", "110"}));
  EXPECT_EQ(rows[2], (std::vector<std::string>{"r4", "drop", "4.0", "8"}));
  // Then the idle ones, the largest total first: z12 .. z6 (z5 and r3 cut).
  EXPECT_EQ(rows[3], (std::vector<std::string>{"z12", "drop", "0.0", "12"}));
  EXPECT_EQ(rows[9], (std::vector<std::string>{"z6", "drop", "0.0", "6"}));
}

TEST(TopView, Workers) {
  const std::string frame = top_frame(before_sample(), after_sample(), 2.0);
  const std::vector<std::string> lines = lines_of(frame);
  std::size_t at = 0;
  while (at < lines.size() && lines[at] != "workers:") ++at;
  ASSERT_LT(at + 3, lines.size()) << frame;
  EXPECT_EQ(words_of(lines[at + 1]), (std::vector<std::string>{"worker", "cpu", "queries/s"}));
  EXPECT_EQ(words_of(lines[at + 2]), (std::vector<std::string>{"0", "1", "125.0"}));
  EXPECT_EQ(words_of(lines[at + 3]), (std::vector<std::string>{"1", "2", "375.0"}));
}

TEST(TopView, ResetCountsFromZero) {
  // canond restarted between the samples: 40 queries since, over 2 s.
  Json after = before_sample();
  after["queries"] = 40;
  const std::string frame = top_frame(before_sample(), after, 2.0);
  EXPECT_EQ(words_of(line_starting(frame, "queries/s:")),
            (std::vector<std::string>{"queries/s:", "20.0"}));
}

TEST(TopView, SparseSamplesAndNoTime) {
  // An older canond: no policy, rrl, zones or workers; no time between samples.
  const Json bare = Json::parse(R"({"ok": true, "queries": 5})");
  const std::string frame = top_frame(bare, bare, 0.0);
  EXPECT_EQ(words_of(line_starting(frame, "queries/s:")),
            (std::vector<std::string>{"queries/s:", "0.0"}));
  EXPECT_EQ(line_starting(frame, "qtypes/s:"), "qtypes/s: none");
  EXPECT_EQ(frame.find("policy"), std::string::npos);
  EXPECT_EQ(frame.find("workers"), std::string::npos);
}

}  // namespace
}  // namespace canon::ctl
