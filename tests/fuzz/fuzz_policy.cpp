// libFuzzer target: any bytes as a policy file (TOML) → parse_policy either
// refuses it with a std::runtime_error or gives a spec; a small enough spec
// is compiled (Hyperscan), a refusal being a PolicyError, and a compiled
// policy is run over a few fixed names: match() must name a rule that exists
// or none, and pick() must only set flags of names it was given.
// Also: the input as a wire name, when it is one, through name_text.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "engine/policy.hpp"
#include "tools/canond/policy_file.hpp"

namespace {

using namespace canon::engine;

// Hyperscan compile time grows with the rules and regexes; beyond these the
// fuzzer would spend its time compiling, not finding bugs in the parser.
constexpr std::size_t kMaxRules = 32;
constexpr std::size_t kMaxRegex = 256;

constexpr const char* kNames[] = {
    "www.example.com", "", "a", "x.parked.example.com", "ftp.example.com", "c2.botnet.example",
    "abcdefghijklmnopqrstuvwxyz0123456789-.example", "a\\.b.example", "\\000.example",
};
constexpr std::uint16_t kQtypes[] = {1, 28, 255, 16};

void scan(const Policy& policy) {
  const std::uint8_t v4[4] = {198, 18, 0, 1};
  const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  const ClientAddress sources[] = {ClientAddress::v4(v4), ClientAddress::v6(v6)};
  std::string burst;
  std::uint16_t ends[std::size(kNames)];
  std::size_t count = 0;
  for (const char* name : kNames) {
    burst += name;
    ends[count++] = static_cast<std::uint16_t>(burst.size());
    burst += '\n';
    for (unsigned slot = 0; slot < policy.slots(); ++slot) {
      for (std::uint16_t qtype : kQtypes) {
        for (const auto& source : sources) {
          for (bool tcp : {false, true}) {
            const std::uint32_t rule = policy.match(slot, name, std::strlen(name), qtype, source, tcp);
            if (rule != kNoPolicyRule && rule >= policy.rule_count()) std::abort();
            if (rule != kNoPolicyRule) {
              // A truncate rule never admits TCP.
              if (tcp && policy.rule(rule).action == PolicyAction::kTruncate) std::abort();
              (void)policy.rule(rule).answer_for(qtype);
            }
          }
        }
      }
    }
  }
  bool picked[std::size(kNames) + 1] = {};
  policy.pick(0, burst.data(), burst.size(), ends, count, picked);
  if (picked[count]) std::abort();
  std::uint64_t total = 0;
  for (std::uint32_t r = 0; r < policy.rule_count(); ++r) total += policy.matches(r);
  (void)total;
}

void fuzz_name_text(const std::uint8_t* data, std::size_t size) {
  // A valid wire name: labels of 1..63 octets, ending at a root label, 255
  // octets at most.
  std::size_t at = 0;
  while (at < size && data[at] != 0) {
    if (data[at] > 63) return;
    at += 1 + data[at];
  }
  if (at >= size || at + 1 > 255) return;
  std::uint8_t padded[255 + kNameTextSlack + 1] = {};
  std::memcpy(padded, data, at + 1);
  char out[kMaxNameText + kNameTextSlack];
  const std::size_t length = name_text(padded, out);
  if (length > kMaxNameText) std::abort();
  if (name_text(padded, at + 1, out) != length) std::abort();
  for (std::size_t i = 0; i < length; ++i) {
    if (out[i] == '\n' || out[i] < '!' || out[i] > '~') std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) { return 0; }

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz_name_text(data, size);
  if (size > 16384) return 0;
  const std::string text(reinterpret_cast<const char*>(data), size);
  PolicySpec spec;
  try {
    spec = canon::daemon::parse_policy(text, "fuzz.toml");
  } catch (const std::runtime_error&) {
    return 0;  // refused with a message: fine
  }
  if (spec.rules.size() > kMaxRules) return 0;
  for (const auto& rule : spec.rules) {
    if (rule.match.size() > kMaxRegex) return 0;
  }
  std::shared_ptr<const Policy> policy;
  try {
    policy = Policy::compile(spec, 2, 1);
  } catch (const PolicyError&) {
    return 0;
  }
  if (!policy) std::abort();
  if (policy->rule_count() != spec.rules.size()) std::abort();
  if (policy->has_rules() != (policy->rule_count() > 0)) std::abort();
  // Like the engine (engine.cpp), scan only a policy with rules.
  if (policy->has_rules()) scan(*policy);
  return 0;
}
