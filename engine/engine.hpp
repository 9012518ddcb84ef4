// The engine's entry point: a burst of queries in, a burst of answers out,
// each written over its query in the same buffer. One Engine per worker; it
// holds the worker's counters and scratch, and is never shared.
//
//   answer_burst:  parse all ─▶ policy (one Hyperscan scan per name, when a
//                  policy has rules) ─▶ look up all (exact-name index, then the trie
//                  for the names it does not hold; prefetched) ─▶ look up all
//                  DNAME-substituted names ─▶ prefetch nodes, RRsets, bytes ─▶
//                  answer and write each ─▶ finish headers, OPT ─▶ rate
//                  limit (UDP, when the policy enables RRL) ─▶ count
//
// No allocation, no locks, no system calls. The zone table is passed in per
// burst: the caller (the worker loop) reads the published pointer once per
// burst and reports a quiescent state after it. Each name is looked up in
// the unit the table gives it (zones/zone_table.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/answer.hpp"
#include "engine/client_address.hpp"
#include "engine/config.hpp"
#include "engine/counters.hpp"
#include "engine/policy.hpp"
#include "engine/query.hpp"
#include "engine/rrl.hpp"
#include "engine/served.hpp"
#include "engine/wire.hpp"
#include "zones/snapshot.hpp"
#include "zones/zone_table.hpp"

namespace canon::engine {

// A query buffer: `length` bytes of query at `data`, room for `capacity`,
// from `source` (for the policy's prefixes and rate limiting). On return
// `length` is the answer's length, 0 when nothing must be sent.
struct Packet {
  std::uint8_t* data;
  std::uint16_t length;
  std::uint16_t capacity;
  ClientAddress source{};
};

inline constexpr std::size_t kMaxBurst = 64;

// An answer made of stored bytes only (engine.cpp, plain_answer): `set`
// after the question, or, for an alias asked by its own name, the chain's
// pre-rendered links and then `set` owned by the chain's last target. A
// NODATA has no set and a marker chain (engine.cpp's kNodata): the zone's
// negative SOA answers it.
struct PlainAnswer {
  const zones::RRset* set = nullptr;    // nullptr: not plain, answer_query decides
  const zones::Chain* chain = nullptr;
};

class alignas(64) Engine {
 public:
  // `slot`: this engine's reader id, its row in the policy's scratch and counters.
  // `config` answers when what is served carries none.
  explicit Engine(const EngineConfig& config, unsigned slot = 0)
      : base_config_(config), slot_(slot), policy_text_(std::make_unique<char[]>(kPolicyTextBytes)) {}

  // What a worker calls: the published zones, policy and answer settings.
  void answer_burst(const Served& served, Packet* packets, std::size_t count, Transport transport) noexcept {
    take_config(served);
    run_burst(*served.zones, served.policy.get(), packets, count, transport);
  }
  // `policy` may be null (no rules, no rate limiting).
  void answer_burst(const zones::ZoneTable& table, const Policy* policy, Packet* packets, std::size_t count,
                    Transport transport) noexcept {
    config_ = &base_config_;
    run_burst(table, policy, packets, count, transport);
  }
  // One unit: a table over it, made on the stack (no allocation).
  void answer_burst(const zones::Snapshot& snap, const Policy* policy, Packet* packets, std::size_t count,
                    Transport transport) noexcept {
    answer_burst(zones::ZoneTable(snap), policy, packets, count, transport);
  }
  void answer_burst(const zones::Snapshot& snap, Packet* packets, std::size_t count,
                    Transport transport) noexcept {
    answer_burst(snap, nullptr, packets, count, transport);
  }

  // One packet; returns the answer's length (0: send nothing).
  std::size_t answer_one(const Served& served, const ClientAddress& source, std::uint8_t* data,
                         std::size_t length, std::size_t capacity, Transport transport) noexcept {
    take_config(served);
    return run_one(*served.zones, served.policy.get(), source, data, length, capacity, transport);
  }
  std::size_t answer_one(const zones::ZoneTable& table, const Policy* policy, const ClientAddress& source,
                         std::uint8_t* data, std::size_t length, std::size_t capacity,
                         Transport transport) noexcept {
    config_ = &base_config_;
    return run_one(table, policy, source, data, length, capacity, transport);
  }
  std::size_t answer_one(const zones::Snapshot& snap, const Policy* policy, const ClientAddress& source,
                         std::uint8_t* data, std::size_t length, std::size_t capacity,
                         Transport transport) noexcept {
    return answer_one(zones::ZoneTable(snap), policy, source, data, length, capacity, transport);
  }
  std::size_t answer_one(const zones::Snapshot& snap, std::uint8_t* data, std::size_t length,
                         std::size_t capacity, Transport transport) noexcept {
    return answer_one(snap, nullptr, ClientAddress{}, data, length, capacity, transport);
  }

  [[nodiscard]] const WorkerCounters& counters() const noexcept { return counters_; }

 private:
  // The answer settings `served` carries, else the Engine's own.
  void take_config(const Served& served) noexcept {
    config_ = served.answers ? served.answers.get() : &base_config_;
  }
  void run_burst(const zones::ZoneTable& table, const Policy* policy, Packet* packets, std::size_t count,
                 Transport transport) noexcept;
  std::size_t run_one(const zones::ZoneTable& table, const Policy* policy, const ClientAddress& source,
                      std::uint8_t* data, std::size_t length, std::size_t capacity,
                      Transport transport) noexcept;
  void prefetch_answers(const zones::Snapshot* const* units, const zones::TrieMatch* found,
                        const std::uint8_t* query_of, std::size_t count,
                        PlainAnswer* plain) noexcept;
  // Takes `policy` for the coming burst (and the time, when it rate-limits);
  // true when its rules apply to this engine.
  bool begin_policy(const Policy* policy) noexcept;
  // The policy stage over queries [0, n) of a burst (policy.hpp: one scan
  // filters the burst, the names it picks are matched alone).
  void policy_stage(const Policy& policy, const Packet* burst, std::size_t n, Transport transport) noexcept;
  // Matches one query's name (`text`); a rule that decides the answer
  // without the zones makes the query Verdict::kPolicy (or kDrop).
  void apply_policy(const Policy& policy, Query& query, const char* text, std::size_t length,
                    const ClientAddress& source, Transport transport) noexcept;
  // A NOTIFY or a transfer request the control side answers (config.hpp).
  [[nodiscard]] bool for_control_side(const Query& query, const std::uint8_t* data, Transport transport) const noexcept;
  // A plain answer (stored bytes only) when no policy rule applies: written
  // after the question with the header, as the long way would write it, and
  // rate-limited; false, with nothing written, when it does not fit (respond
  // takes the long way, which sets TC).
  bool respond_plain(const Query& query, const zones::Snapshot& unit, const PlainAnswer& plain, Packet& packet,
                     Transport transport) noexcept;
  // An NXDOMAIN (zones::stand) or a NODATA (plain_answer's) without DO and
  // no policy rule: the zone's prepared negative SOA in authority, as
  // Answerer::negative writes it; false, with nothing sent, when anything
  // else applies (respond answers).
  bool respond_negative(const Query& query, const zones::Snapshot& unit, const zones::TrieMatch& match,
                        const PlainAnswer& plain, Packet& packet, Transport transport) noexcept;
  // What both write after their sections: the header (AA, the counts), our
  // OPT, the counters and RRL, the packet's length.
  void finish_prepared(const Query& query, Packet& packet, std::size_t length, Rcode rcode,
                       std::uint16_t answers, std::uint16_t authority, bool opt, unsigned links,
                       Transport transport) noexcept;
  std::size_t respond(const zones::ZoneTable& table, const Query& query, const zones::Snapshot* unit,
                      const zones::TrieMatch& match, std::uint8_t* data, std::size_t capacity, Transport transport,
                      const zones::Snapshot* restart_unit, const zones::TrieMatch* restart,
                      const ClientAddress& source) noexcept;
  // RRL over an answer of `length` octets already written: the length to
  // send (0: dropped, counted), the question and OPT alone when it slips (TC=1).
  std::size_t rate_limited(const Query& query, std::uint8_t* data, std::size_t length, std::size_t question_end,
                           bool opt, Rcode rcode, bool authoritative, std::uint16_t answers,
                           const ClientAddress& source, bool& truncated) noexcept;
  // RRL for a UDP answer written with `rcode`, AA and `answers` RRs.
  enum class RateVerdict : std::uint8_t { kSend, kDrop, kSlip };
  RateVerdict rate_limit(Rcode rcode, bool authoritative, std::uint16_t answers,
                         const ClientAddress& source) noexcept;

  WorkerCounters counters_;
  const EngineConfig& base_config_;
  const EngineConfig* config_ = &base_config_;  // per burst: the served one, else base_config_
  const unsigned slot_;
  // Per burst: the policy (null: none) and, when it rate-limits, the time.
  const Policy* policy_ = nullptr;
  std::uint32_t now_ms_ = 0;
  std::uint32_t slip_count_ = 0;
  RrlTable rrl_;
  // The policy stage's scratch: the burst's names, one per line.
  static constexpr std::size_t kPolicyTextBytes = kMaxBurst * (kMaxNameText + 1) + kNameTextSlack;
  std::unique_ptr<char[]> policy_text_;
  std::uint16_t text_ends_[kMaxBurst];
  std::uint8_t text_query_[kMaxBurst];
  bool picked_[kMaxBurst];
  Query queries_[kMaxBurst];
  // Per lookup j (a query with something to look up), in query order:
  const zones::IndexedName* names_[kMaxBurst];  // its question name
  std::uint8_t lookups_[kMaxBurst];              // its query
  const zones::Snapshot* units_[kMaxBurst];      // the unit it is looked up in
  zones::TrieMatch found_[kMaxBurst];            // what it found there
  PlainAnswer plain_[kMaxBurst];                 // its answer when plain
  const zones::TrieMatch no_match_{};
  // Second batch: names made by DNAME substitution (see answer_burst).
  static constexpr std::uint8_t kNoRestart = 0xff;
  std::uint8_t restart_of_[kMaxBurst];     // lookup → its index in the second batch
  std::uint8_t restart_query_[kMaxBurst];  // second batch → its query
  zones::IndexedName restart_names_[kMaxBurst];
  const zones::IndexedName* restart_name_of_[kMaxBurst];
  const zones::Snapshot* restart_units_[kMaxBurst];
  zones::TrieMatch restart_matches_[kMaxBurst];
};

}  // namespace canon::engine
