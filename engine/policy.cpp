#include "engine/policy.hpp"

#include <hs.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <array>
#include <cstring>

#include "engine/wire.hpp"

namespace canon::engine {

namespace {

constexpr const char* kActionNames[kPolicyActionCount] = {"drop",   "refuse",   "nxdomain",
                                                          "nodata", "truncate", "answer"};
constexpr std::uint16_t kCname = 5;
constexpr std::uint16_t kAny = 255;
constexpr std::uint16_t kClassIn = 1;

// Every rule: ^ and $ at each line (the burst filter, policy.hpp), ".*"
// matching the root's empty text, and an upper-case regex still matching
// the lower-cased name. Not SINGLEMATCH: the filter needs every name a
// rule matches in the burst, not only the first.
constexpr unsigned kRuleFlags = HS_FLAG_MULTILINE | HS_FLAG_ALLOWEMPTY | HS_FLAG_CASELESS;

// True when `regex` uses an anchor that sees the buffer's ends, not the
// name's (\A, \Z, \z), outside a character class or after an escaped '\\'.
bool uses_buffer_anchor(const std::string& regex) {
  for (std::size_t i = 0; i + 1 < regex.size(); ++i) {
    if (regex[i] != '\\') continue;
    const char next = regex[i + 1];
    if (next == 'A' || next == 'Z' || next == 'z') return true;
    ++i;  // an escaped character, perhaps a backslash
  }
  return false;
}

// The pre-rendered answer RRs of one type (Policy::LocalRRset).
void render(const LocalRecord& record, Policy::LocalRRset& set) {
  std::uint8_t fixed[12];
  fixed[0] = 0xc0;
  fixed[1] = header::kSize;  // a pointer to the question name
  store16(fixed + 2, record.type);
  store16(fixed + 4, kClassIn);
  fixed[6] = static_cast<std::uint8_t>(record.ttl >> 24);
  fixed[7] = static_cast<std::uint8_t>(record.ttl >> 16);
  fixed[8] = static_cast<std::uint8_t>(record.ttl >> 8);
  fixed[9] = static_cast<std::uint8_t>(record.ttl);
  store16(fixed + 10, static_cast<std::uint16_t>(record.rdata.size()));
  set.bytes.insert(set.bytes.end(), fixed, fixed + sizeof(fixed));
  set.bytes.insert(set.bytes.end(), record.rdata.begin(), record.rdata.end());
  ++set.count;
}

Policy::Rule compile_rule(const PolicyRuleSpec& spec) {
  Policy::Rule rule{spec.name, spec.action, spec.qtypes, spec.prefixes, {}};
  const std::string who = "rule '" + spec.name + "' (" + spec.where + ")";
  if (uses_buffer_anchor(spec.match)) {
    throw PolicyError(who + ": \\A, \\Z and \\z are not supported; use ^ and $ (they hold at the name's ends)");
  }
  if (spec.action == PolicyAction::kAnswer && spec.records.empty()) {
    throw PolicyError(who + ": action 'answer' needs records, e.g. records = [\"A 198.18.0.10\"]");
  }
  if (spec.action != PolicyAction::kAnswer && !spec.records.empty()) {
    throw PolicyError(who + ": records are only used with action 'answer'");
  }
  for (const LocalRecord& record : spec.records) {
    if (record.rdata.size() > 1024) throw PolicyError(who + ": a record's data is over 1024 octets");
    auto same = std::find_if(rule.answers.begin(), rule.answers.end(),
                             [&](const Policy::LocalRRset& s) { return s.type == record.type; });
    if (same == rule.answers.end()) {
      rule.answers.push_back({record.type, 0, {}});
      same = rule.answers.end() - 1;
    }
    render(record, *same);
  }
  const bool has_cname = std::any_of(rule.answers.begin(), rule.answers.end(),
                                     [](const Policy::LocalRRset& s) { return s.type == kCname; });
  if (has_cname && (rule.answers.size() > 1 || rule.answers.front().count > 1)) {
    throw PolicyError(who + ": a CNAME answer must be the rule's only record (RFC 2181 §10.1)");
  }
  return rule;
}

struct PickContext {
  const std::uint16_t* ends;
  std::size_t count;
  bool* picked;
};

int on_pick(unsigned int /*id*/, unsigned long long /*from*/, unsigned long long to, unsigned int /*flags*/,
            void* context) {
  auto* pick = static_cast<PickContext*>(context);
  // The name whose line holds the match's end: the first with ends[k] >= to.
  const std::uint16_t* at = std::lower_bound(pick->ends, pick->ends + pick->count, to);
  if (at != pick->ends + pick->count) pick->picked[at - pick->ends] = true;
  return 0;
}

struct ScanContext {
  const Policy* policy;
  std::uint16_t qtype;
  const ClientAddress* source;
  bool tcp;
  std::uint32_t best;
};

int on_match(unsigned int id, unsigned long long /*from*/, unsigned long long /*to*/, unsigned int /*flags*/,
             void* context) {
  auto* scan = static_cast<ScanContext*>(context);
  if (id < scan->best && scan->policy->rule(id).admits(scan->qtype, *scan->source, scan->tcp)) {
    scan->best = id;
    if (id == 0) return 1;  // nothing comes before rule 0: stop scanning
  }
  return 0;
}

}  // namespace

const char* action_name(PolicyAction action) noexcept {
  return kActionNames[static_cast<std::size_t>(action)];
}

std::optional<PolicyAction> parse_action(std::string_view text) noexcept {
  for (std::size_t i = 0; i < kPolicyActionCount; ++i) {
    if (text == kActionNames[i]) return static_cast<PolicyAction>(i);
  }
  return std::nullopt;
}

bool Policy::Rule::admits(std::uint16_t qtype, const ClientAddress& source, bool tcp) const noexcept {
  if (tcp && action == PolicyAction::kTruncate) return false;
  if (!qtypes.empty() && std::find(qtypes.begin(), qtypes.end(), qtype) == qtypes.end()) return false;
  if (prefixes.empty()) return true;
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const AddressPrefix& p) { return p.contains(source); });
}

const Policy::LocalRRset* Policy::Rule::answer_for(std::uint16_t qtype) const noexcept {
  for (const LocalRRset& set : answers) {
    if (set.type == qtype || set.type == kCname) return &set;
  }
  if (qtype == kAny && !answers.empty()) return &answers.front();  // RFC 8482: one RRset
  return nullptr;
}

std::shared_ptr<const Policy> Policy::compile(const PolicySpec& spec, unsigned slots, unsigned workers) {
  std::shared_ptr<Policy> policy(new Policy());
  policy->rrl_ = spec.rrl;
  policy->slots_ = slots;
  const unsigned sharers = std::max(1u, workers);
  policy->rrl_worker_rate_ = spec.rrl.rate == 0 ? 0 : std::max(1u, spec.rrl.rate / sharers);
  policy->rules_.reserve(spec.rules.size());
  for (const PolicyRuleSpec& rule : spec.rules) policy->rules_.push_back(compile_rule(rule));
  policy->row_words_ = (spec.rules.size() + 7) / 8 * 8;
  policy->counters_ = std::make_unique<Counter[]>(policy->row_words_ * std::max(1u, slots));
  if (spec.rules.empty()) return policy;

  std::vector<const char*> expressions;
  std::vector<unsigned> flags(spec.rules.size(), kRuleFlags);
  std::vector<unsigned> ids;
  for (std::size_t i = 0; i < spec.rules.size(); ++i) {
    expressions.push_back(spec.rules[i].match.c_str());
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(), static_cast<unsigned>(ids.size()),
                       HS_MODE_BLOCK, nullptr, &policy->database_, &error) != HS_SUCCESS) {
    std::string message = error != nullptr && error->message != nullptr ? error->message : "unknown error";
    std::string who = "the policy";
    if (error != nullptr && error->expression >= 0 &&
        static_cast<std::size_t>(error->expression) < spec.rules.size()) {
      const PolicyRuleSpec& bad = spec.rules[static_cast<std::size_t>(error->expression)];
      who = "rule '" + bad.name + "' (" + bad.where + ") match \"" + bad.match + "\"";
    }
    hs_free_compile_error(error);
    throw PolicyError(who + ": Hyperscan cannot compile it: " + message);
  }
  hs_scratch_t* first = nullptr;
  if (hs_alloc_scratch(policy->database_, &first) != HS_SUCCESS) {
    throw PolicyError("cannot allocate Hyperscan scratch space for the policy");
  }
  policy->scratch_.push_back(first);
  for (unsigned s = 1; s < slots; ++s) {
    hs_scratch_t* clone = nullptr;
    if (hs_clone_scratch(first, &clone) != HS_SUCCESS) throw PolicyError("cannot clone Hyperscan scratch space");
    policy->scratch_.push_back(clone);
  }
  return policy;
}

Policy::~Policy() {
  for (hs_scratch* s : scratch_) hs_free_scratch(s);
  hs_free_database(database_);
}

void Policy::pick(unsigned slot, const char* text, std::size_t length, const std::uint16_t* ends,
                  std::size_t count, bool* picked) const noexcept {
  PickContext pick{ends, count, picked};
  (void)hs_scan(database_, text, static_cast<unsigned>(length), 0, scratch_[slot], on_pick, &pick);
}

std::uint32_t Policy::match(unsigned slot, const char* name, std::size_t length, std::uint16_t qtype,
                            const ClientAddress& source, bool tcp) const noexcept {
  ScanContext scan{this, qtype, &source, tcp, kNoPolicyRule};
  // A scan error (none is expected from a valid database and scratch)
  // leaves the query unmatched: the policy never breaks answering.
  (void)hs_scan(database_, name, static_cast<unsigned>(length), 0, scratch_[slot], on_match, &scan);
  if (scan.best != kNoPolicyRule) ++counters_[slot * row_words_ + scan.best];
  return scan.best;
}

std::uint64_t Policy::matches(std::uint32_t rule) const noexcept {
  std::uint64_t total = 0;
  for (unsigned s = 0; s < std::max(1u, slots_); ++s) total += counters_[s * row_words_ + rule];
  return total;
}

namespace {

// Octets a label's text holds as they are: '!'..'~' but '.' and '\\'.
constexpr auto kPlainOctet = [] {
  std::array<bool, 256> plain{};
  for (unsigned c = 0x21; c <= 0x7e; ++c) plain[c] = c != '.' && c != '\\';
  return plain;
}();

}  // namespace

namespace {

// The general case: label by label, escaping what presentation form escapes.
std::size_t escaped_name_text(const std::uint8_t* wire, char* out) noexcept {
  std::size_t length = 0;
  for (std::size_t at = 0; wire[at] != 0;) {
    const std::uint8_t label = wire[at];
    if (at != 0) out[length++] = '.';
    for (std::uint8_t i = 1; i <= label; ++i) {
      const std::uint8_t c = wire[at + i];
      if (kPlainOctet[c]) {
        out[length++] = static_cast<char>(c);
      } else if (c == '.' || c == '\\') {
        out[length++] = '\\';
        out[length++] = static_cast<char>(c);
      } else {
        out[length++] = '\\';
        out[length++] = static_cast<char>('0' + c / 100);
        out[length++] = static_cast<char>('0' + c / 10 % 10);
        out[length++] = static_cast<char>('0' + c % 10);
      }
    }
    at += label + 1u;
  }
  return length;
}

}  // namespace

// The common case in one copy: "\3www\7example\3com\0" → copy from the
// first label on, put '.' where the inner length octets were, then check in
// 16-octet steps that nothing needs escaping: every octet printable, no
// '\\', and no '.' but the separators. Reads up to 15 octets past the name
// (zones::IndexedName has the room) and writes up to 15 past the text
// (the caller's buffer has kNameTextSlack).
std::size_t name_text(const std::uint8_t* wire, char* out) noexcept {
  std::size_t wire_length = 0;
  while (wire[wire_length] != 0) wire_length += wire[wire_length] + 1u;
  return name_text(wire, wire_length + 1, out);
}

namespace {

// Copies the `length` octets of text after the first length octet and marks
// the separators; true when nothing needs escaping. Two forms, one per
// target, chosen here rather than inside name_text.
#if defined(__SSE2__)
bool copy_plain_text(const std::uint8_t* wire, std::size_t length, char* out) noexcept {
  for (std::size_t i = 0; i < length; i += 16) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i),
                     _mm_loadu_si128(reinterpret_cast<const __m128i*>(wire + 1 + i)));
  }
  unsigned separators = 0;
  for (std::size_t at = wire[0]; at < length; at += wire[at + 1] + 1u, ++separators) out[at] = '.';
  unsigned odd = 0;
  unsigned dots = 0;
  for (std::size_t i = 0; i < length; i += 16) {
    const __m128i c = _mm_loadu_si128(reinterpret_cast<const __m128i*>(out + i));
    // Signed compare: octets 0x80-0xff are negative, so "< 0x21" takes them too.
    const __m128i bad = _mm_or_si128(_mm_cmplt_epi8(c, _mm_set1_epi8(0x21)),
                                     _mm_or_si128(_mm_cmpeq_epi8(c, _mm_set1_epi8(0x7f)),
                                                  _mm_cmpeq_epi8(c, _mm_set1_epi8('\\'))));
    const unsigned keep = length - i >= 16 ? 0xffffu : (1u << (length - i)) - 1u;
    odd |= static_cast<unsigned>(_mm_movemask_epi8(bad)) & keep;
    dots += static_cast<unsigned>(
        __builtin_popcount(static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(c, _mm_set1_epi8('.')))) & keep));
  }
  return odd == 0 && dots == separators;
}
#else
bool copy_plain_text(const std::uint8_t* wire, std::size_t length, char* out) noexcept {
  std::memcpy(out, wire + 1, length);
  unsigned separators = 0;
  for (std::size_t at = wire[0]; at < length; at += wire[at + 1] + 1u, ++separators) out[at] = '.';
  unsigned odd = 0;
  unsigned dots = 0;
  for (std::size_t i = 0; i < length; ++i) {
    const auto c = static_cast<std::uint8_t>(out[i]);
    odd |= static_cast<unsigned>(!kPlainOctet[c] && c != '.');
    dots += static_cast<unsigned>(c == '.');
  }
  return odd == 0 && dots == separators;
}
#endif

}  // namespace

std::size_t name_text(const std::uint8_t* wire, std::size_t wire_length, char* out) noexcept {
  if (wire_length <= 1) return 0;
  const std::size_t length = wire_length - 2;  // no first length octet, no root
  if (copy_plain_text(wire, length, out)) [[likely]] return length;
  return escaped_name_text(wire, out);
}

}  // namespace canon::engine
