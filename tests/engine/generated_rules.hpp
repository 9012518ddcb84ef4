// A generated blocklist shaped like real ones: rule i blocks one made-up
// domain and everything below it, `(^|\.)LABEL\.TLD$`, with labels of 6–14
// pseudo-random characters over a dozen TLDs. Shared by the policy tests
// and bench/bench_engine.cpp (the per-query cost of a policy).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "engine/policy.hpp"

namespace canon::engine::testing {

// The domain rule i blocks ("k3j9x0q.net").
inline std::string blocked_domain(int i) {
  static const char* const kTlds[] = {"com", "net", "org", "info", "biz", "xyz",
                                      "top", "io",  "ru",  "cn",   "de",  "uk"};
  std::uint32_t x = 2463534242u + static_cast<std::uint32_t>(i) * 2654435761u;
  std::string label;
  const int length = 6 + i % 9;
  for (int k = 0; k < length; ++k) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    label += "abcdefghijklmnopqrstuvwxyz0123456789"[x % 36];
  }
  return label + "." + kTlds[i % 12];
}

inline std::vector<PolicyRuleSpec> generated_blocklist(int count, PolicyAction action = PolicyAction::kNxdomain) {
  std::vector<PolicyRuleSpec> rules;
  rules.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    std::string domain = blocked_domain(i);
    std::string regex = "(^|\\.)";
    for (char c : domain) regex += c == '.' ? std::string("\\.") : std::string(1, c);
    regex += "$";
    PolicyRuleSpec rule;
    rule.name = "block-" + std::to_string(i);
    rule.match = std::move(regex);
    rule.action = action;
    rule.where = "generated:" + std::to_string(i + 1);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace canon::engine::testing
