// The query-name policy: rules an operator writes (tools/canond/policy_file
// reads them from TOML), compiled here on the control thread into one
// Hyperscan database and published with the snapshot (engine/served.hpp).
//
//   rule i:  match (regex over "www.example.com", lower-cased, no trailing dot)
//            qtypes   (empty: any)      prefixes (empty: any source)
//            action   drop | refuse | nxdomain | nodata | truncate | answer
//            records  (answer: local RRsets, pre-rendered, owner = the question)
//
// The first rule in file order whose regex matches and whose qtypes and
// prefixes admit the query wins. An hs_scan costs about 60 ns however small
// the database, so a worker scans a whole burst at once: the names' texts
// one per line in one buffer, the database compiled with HS_FLAG_MULTILINE
// so that ^ and $ hold at each name's ends:
//
//   "www.example.com\nmail.example.net\nx.parked.example\n"   ends = {15, 32, 49}
//
// That scan is only a filter: a match is given to the name its end offset
// falls in, and a regex that runs across a line break can name the wrong
// one, so every name the filter picks is scanned again alone (match()),
// which decides. Names nothing matched cost one share of the burst scan.
// \A, \Z and \z would see only the buffer's ends, so rules may not use them.
// Each worker has its own hs_scratch (one per reader slot, allocated here,
// never on the data path) and counts matches in its own row:
//
//   counters: [slot 0: rule 0 .. rule R-1, pad to 64 B][slot 1: ...]...
//
// The same file holds the response rate limiting settings (RrlSpec); the
// buckets themselves live in each worker's Engine (engine/rrl.hpp).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/client_address.hpp"
#include "engine/counter.hpp"

struct hs_database;
struct hs_scratch;

namespace canon::engine {

enum class PolicyAction : std::uint8_t { kDrop, kRefuse, kNxdomain, kNodata, kTruncate, kAnswer };
inline constexpr std::size_t kPolicyActionCount = 6;

[[nodiscard]] const char* action_name(PolicyAction action) noexcept;
[[nodiscard]] std::optional<PolicyAction> parse_action(std::string_view text) noexcept;

inline constexpr std::uint32_t kNoPolicyRule = 0xffffffff;

// One local record of an `answer` rule; its owner is the question name.
struct LocalRecord {
  std::uint16_t type = 0;
  std::uint32_t ttl = 0;
  std::vector<std::uint8_t> rdata;  // wire form, names uncompressed
};

struct PolicyRuleSpec {
  std::string name;
  std::string match;
  PolicyAction action = PolicyAction::kDrop;
  std::vector<std::uint16_t> qtypes;
  std::vector<AddressPrefix> prefixes;
  std::vector<LocalRecord> records;
  std::string where;  // "policy.toml:12", for messages
};

// Response rate limiting (engine/rrl.hpp), in the manner of BIND's
// rate-limit and Knot's mod-rrl.
struct RrlSpec {
  bool enabled = false;
  std::uint32_t rate = 0;       // responses per second per source prefix and class, all workers together
  std::uint32_t slip = 2;       // every slip-th limited response goes out truncated; 0: none
  std::uint8_t ipv4_prefix = 24;
  std::uint8_t ipv6_prefix = 56;
  std::vector<AddressPrefix> exempt;
};

struct PolicySpec {
  std::vector<PolicyRuleSpec> rules;
  RrlSpec rrl;
};

// A rule refused at compile time: the message names the rule and says why.
class PolicyError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Policy {
 public:
  // An `answer` rule's records of one type, as answer RRs: C0 0C (the
  // question name), TYPE, CLASS IN, TTL, RDLENGTH, RDATA; `count` of them.
  struct LocalRRset {
    std::uint16_t type = 0;
    std::uint16_t count = 0;
    std::vector<std::uint8_t> bytes;
  };
  struct Rule {
    std::string name;
    PolicyAction action = PolicyAction::kDrop;
    std::vector<std::uint16_t> qtypes;
    std::vector<AddressPrefix> prefixes;
    std::vector<LocalRRset> answers;

    // A truncate rule never admits TCP: the retry it asks for must be answered.
    [[nodiscard]] bool admits(std::uint16_t qtype, const ClientAddress& source, bool tcp) const noexcept;
    // The local RRset answering QTYPE (a CNAME answers every type), or nullptr.
    [[nodiscard]] const LocalRRset* answer_for(std::uint16_t qtype) const noexcept;
  };

  // Compiles `spec` for `slots` readers (workers and the TCP server) of
  // which `workers` answer UDP. Throws PolicyError naming the rule.
  [[nodiscard]] static std::shared_ptr<const Policy> compile(const PolicySpec& spec, unsigned slots,
                                                             unsigned workers);
  ~Policy();
  Policy(const Policy&) = delete;
  Policy& operator=(const Policy&) = delete;

  [[nodiscard]] bool has_rules() const noexcept { return database_ != nullptr; }
  [[nodiscard]] std::size_t rule_count() const noexcept { return rules_.size(); }
  [[nodiscard]] const Rule& rule(std::uint32_t index) const noexcept { return rules_[index]; }
  [[nodiscard]] const RrlSpec& rrl() const noexcept { return rrl_; }
  // What each worker allows per prefix and class: the rate shared out.
  [[nodiscard]] std::uint32_t rrl_worker_rate() const noexcept { return rrl_worker_rate_; }
  [[nodiscard]] unsigned slots() const noexcept { return slots_; }

  // pick() and match() need has_rules() and slot < slots(): a policy
  // without rules has no database and no scratch (the engine checks once
  // per burst).
  //
  // Data path, reader `slot`: the burst filter. `text` holds `count` names,
  // each followed by '\n'; ends[k] is the offset of name k's '\n'. Sets
  // picked[k] when some regex may match name k (others stay untouched).
  void pick(unsigned slot, const char* text, std::size_t length, const std::uint16_t* ends, std::size_t count,
            bool* picked) const noexcept;

  // Data path, reader `slot`: the first rule admitting the query whose
  // regex matches `name` (`length` characters), or kNoPolicyRule. Counts
  // the match in the slot's row.
  [[nodiscard]] std::uint32_t match(unsigned slot, const char* name, std::size_t length,
                                    std::uint16_t qtype, const ClientAddress& source,
                                    bool tcp = false) const noexcept;

  // Control thread: matches of a rule, summed over the slots.
  [[nodiscard]] std::uint64_t matches(std::uint32_t rule) const noexcept;

 private:
  Policy() = default;
  std::vector<Rule> rules_;
  RrlSpec rrl_;
  std::uint32_t rrl_worker_rate_ = 0;
  unsigned slots_ = 0;
  std::size_t row_words_ = 0;  // counters per slot, padded to a cache line
  hs_database* database_ = nullptr;
  std::vector<hs_scratch*> scratch_;
  std::unique_ptr<Counter[]> counters_;  // counter.hpp: workers write, control reads
};

// The text a rule's regex sees: the wire name `wire` (lower-cased, as
// zones::IndexedName holds it) in presentation form without the trailing
// dot ("www.example.com"; the root is ""), a '.' or '\\' inside a label
// escaped with '\\', and octets outside '!'..'~' as \DDD, so a text never
// holds a line break. Returns the length written to `out`, which must have
// kNameTextSlack octets of room past the longest text.
inline constexpr std::size_t kMaxNameText = 4 * 255;
inline constexpr std::size_t kNameTextSlack = 16;
std::size_t name_text(const std::uint8_t* wire, char* out) noexcept;
// The same when the wire length (root included) is known.
std::size_t name_text(const std::uint8_t* wire, std::size_t wire_length, char* out) noexcept;

}  // namespace canon::engine
