// The policy file (tools/canond/policy_file.hpp): what a correct file gives
// the engine, and that every mistake is refused with FILE:LINE and the rule.
#include <gtest/gtest.h>

#include <string>

#include "tools/canond/policy_file.hpp"
#include "zones/rr_type.hpp"

namespace canon::daemon {
namespace {

// The message parse_policy throws for `text`, or "" when it does not throw.
std::string refusal(const std::string& text) {
  try {
    (void)parse_policy(text, "policy.toml");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "";
}

TEST(PolicyFile, ReadsRulesInOrderWithTheirFilters) {
  const engine::PolicySpec spec = parse_policy(R"(
[[rule]]
name = "parked"
match = '\.parked\.example$'
action = "answer"
qtypes = ["A", "aaaa"]
prefixes = ["198.18.0.0/15", "2001:db8::/32"]
records = ["A 198.18.0.10", "AAAA 2001:db8::10", "TXT \"parked by policy\""]
ttl = 42

[[rule]]
name = "evil"
match = '(^|\.)evil\.example$'
action = "drop"
)",
                                               "policy.toml");
  ASSERT_EQ(spec.rules.size(), 2u);
  const engine::PolicyRuleSpec& parked = spec.rules[0];
  EXPECT_EQ(parked.name, "parked");
  EXPECT_EQ(parked.match, R"(\.parked\.example$)");
  EXPECT_EQ(parked.action, engine::PolicyAction::kAnswer);
  EXPECT_EQ(parked.qtypes, (std::vector<std::uint16_t>{zones::rr::A, zones::rr::AAAA}));
  ASSERT_EQ(parked.prefixes.size(), 2u);
  EXPECT_EQ(engine::prefix_text(parked.prefixes[0]), "198.18.0.0/15");
  ASSERT_EQ(parked.records.size(), 3u);
  EXPECT_EQ(parked.records[0].type, zones::rr::A);
  EXPECT_EQ(parked.records[0].ttl, 42u);
  EXPECT_EQ(parked.records[0].rdata, (std::vector<std::uint8_t>{198, 18, 0, 10}));
  EXPECT_EQ(parked.records[1].rdata.size(), 16u);
  EXPECT_EQ(parked.records[2].rdata[0], 16) << "TXT: one string of 16 octets";
  EXPECT_EQ(parked.where, "policy.toml:2");
  EXPECT_EQ(spec.rules[1].action, engine::PolicyAction::kDrop);
  EXPECT_FALSE(spec.rrl.enabled);
}

TEST(PolicyFile, ReadsRateLimiting) {
  const engine::PolicySpec spec = parse_policy(R"(
[rrl]
rate = 50
slip = 3
ipv4-prefix = 22
ipv6-prefix = 48
exempt = ["127.0.0.0/8", "::1"]
)",
                                               "p.toml");
  EXPECT_TRUE(spec.rrl.enabled);
  EXPECT_EQ(spec.rrl.rate, 50u);
  EXPECT_EQ(spec.rrl.slip, 3u);
  EXPECT_EQ(spec.rrl.ipv4_prefix, 22);
  EXPECT_EQ(spec.rrl.ipv6_prefix, 48);
  ASSERT_EQ(spec.rrl.exempt.size(), 2u);
  EXPECT_EQ(engine::prefix_text(spec.rrl.exempt[1]), "::1/128");
}

TEST(PolicyFile, AnEmptyFileIsAnEmptyPolicy) {
  const engine::PolicySpec spec = parse_policy("# nothing yet\n", "p.toml");
  EXPECT_TRUE(spec.rules.empty());
  EXPECT_FALSE(spec.rrl.enabled);
}

TEST(PolicyFile, MistakesAreRefusedWithFileLineAndRule) {
  struct Case {
    const char* text;
    const char* expected;  // a part of the message
  };
  const Case cases[] = {
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"block\"\n", "policy.toml:4: rule 'x': unknown action 'block'"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\n", "rule 'x' needs an action"},
      {"[[rule]]\nname = \"x\"\naction = \"drop\"\n", "rule 'x' needs a match"},
      {"[[rule]]\nmatch = \"a\"\naction = \"drop\"\n", "policy.toml:1: a rule needs a name"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"drop\"\n[[rule]]\nname = \"x\"\nmatch = \"b\"\naction = \"drop\"\n",
       "policy.toml:5: a second rule named 'x'"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"drop\"\nqtypes = [\"AX\"]\n", "rule 'x': unknown query type 'AX'"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"drop\"\nprefixes = [\"198.18.0.1/24\"]\n", "policy.toml:5: '198.18.0.1/24' has host bits set"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"answer\"\nrecords = [\"A 300.1.1.1\"]\n", "policy.toml:5: rule 'x': record \"A 300.1.1.1\""},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"answer\"\nrecords = [\"CNAME portal\"]\n", "write names in full, with the final dot"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"answer\"\nrecords = [\"A 1.2.3.4\\n$INCLUDE /etc/passwd\"]\n", "may not hold newlines"},
      {"[[rule]]\nname = \"x\"\nmatch = \"a\"\naction = \"drop\"\ncolour = \"red\"\n", "policy.toml:5: unknown rule key 'colour'"},
      {"[rrl]\nslip = 2\n", "[rrl] needs a rate"},
      {"[rrl]\nrate = 0\n", "'rate' must be an integer from 1"},
      {"[limits]\nx = 1\n", "policy.toml:1: unknown key 'limits'"},
      {"[[rule]\n", "policy.toml:1:"},
  };
  for (const Case& c : cases) {
    const std::string message = refusal(c.text);
    EXPECT_NE(message.find(c.expected), std::string::npos) << "file:\n" << c.text << "\nmessage: " << message;
  }
}

TEST(PolicyFile, ACompiledFileRefusesABadRegexNamingTheRule) {
  const std::string path = ::testing::TempDir() + "/bad-policy.toml";
  FILE* f = std::fopen(path.c_str(), "w");
  ASSERT_NE(f, nullptr);
  std::fputs("[[rule]]\nname = \"good\"\nmatch = \"^a$\"\naction = \"drop\"\n\n"
             "[[rule]]\nname = \"bad\"\nmatch = \"(unclosed\"\naction = \"drop\"\n",
             f);
  std::fclose(f);
  try {
    (void)load_policy(path, 2, 1);
    FAIL() << "a bad regex compiled";
  } catch (const std::exception& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rule 'bad' (" + path + ":6)"), std::string::npos) << what;
    EXPECT_NE(what.find("Hyperscan"), std::string::npos) << what;
  }
  EXPECT_THROW((void)load_policy(::testing::TempDir() + "/no-such-policy.toml", 1, 1), std::runtime_error);
}

}  // namespace
}  // namespace canon::daemon
