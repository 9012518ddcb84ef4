// The engine's entry point: a burst of queries in, a burst of answers out,
// each written over its query in the same buffer. One Engine per worker; it
// holds the worker's counters and scratch, and is never shared.
//
//   answer_burst:  parse all ─▶ look up all (exact-name index, then the trie
//                  for the names it does not hold; prefetched) ─▶ look up all
//                  DNAME-substituted names ─▶ prefetch nodes, RRsets, bytes ─▶
//                  answer and write each ─▶ finish headers, OPT ─▶ count
//
// No allocation, no locks, no system calls. The snapshot is passed in per
// burst: the caller (the worker loop) reads the published pointer once per
// burst and reports a quiescent state after it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "engine/config.hpp"
#include "engine/counters.hpp"
#include "engine/query.hpp"
#include "zones/snapshot.hpp"

namespace canon::engine {

// A query buffer: `length` bytes of query at `data`, room for `capacity`.
// On return `length` is the answer's length, 0 when nothing must be sent.
struct Packet {
  std::uint8_t* data;
  std::uint16_t length;
  std::uint16_t capacity;
};

inline constexpr std::size_t kMaxBurst = 64;

// An answer made of stored bytes only (engine.cpp, plain_answer): `set`
// after the question, or, for an alias asked by its own name, the chain's
// pre-rendered links and then `set` owned by the chain's last target.
struct PlainAnswer {
  const zones::RRset* set = nullptr;    // nullptr: not plain, answer_query decides
  const zones::Chain* chain = nullptr;
};

class alignas(64) Engine {
 public:
  explicit Engine(const EngineConfig& config) noexcept : config_(config) {}

  void answer_burst(const zones::Snapshot& snap, Packet* packets, std::size_t count,
                    Transport transport) noexcept;

  // One packet; returns the answer's length (0: send nothing).
  std::size_t answer_one(const zones::Snapshot& snap, std::uint8_t* data, std::size_t length,
                         std::size_t capacity, Transport transport) noexcept;

  [[nodiscard]] const WorkerCounters& counters() const noexcept { return counters_; }

 private:
  void prefetch_answers(const zones::Snapshot& snap, const zones::TrieMatch* found,
                        const std::uint8_t* query_of, std::size_t count,
                        PlainAnswer* plain) noexcept;
  std::size_t respond(const zones::Snapshot& snap, const Query& query, const zones::TrieMatch& match,
                      const PlainAnswer& plain, std::uint8_t* data, std::size_t capacity,
                      Transport transport, const zones::TrieMatch* restart) noexcept;

  WorkerCounters counters_;
  const EngineConfig& config_;
  Query queries_[kMaxBurst];
  // Per lookup j (a query with something to look up), in query order:
  const zones::IndexedName* names_[kMaxBurst];  // its question name
  std::uint8_t lookups_[kMaxBurst];              // its query
  std::uint32_t exact_[kMaxBurst];               // the exact-name index's node, or kNone
  zones::TrieMatch found_[kMaxBurst];            // what it found
  PlainAnswer plain_[kMaxBurst];                 // its answer when plain
  // The lookups the index left to the trie (trie lookup m is lookup miss_of_[m]).
  std::span<const std::uint8_t> keys_[kMaxBurst];
  std::uint8_t miss_of_[kMaxBurst];
  zones::TrieMatch walked_[kMaxBurst];
  const zones::TrieMatch no_match_{};
  // Second batch: names made by DNAME substitution (see answer_burst).
  static constexpr std::uint8_t kNoRestart = 0xff;
  std::uint8_t restart_of_[kMaxBurst];     // lookup → its index in the second batch
  std::uint8_t restart_query_[kMaxBurst];  // second batch → its query
  zones::LookupKey restart_keys_[kMaxBurst];
  std::span<const std::uint8_t> restart_views_[kMaxBurst];
  zones::TrieMatch restart_matches_[kMaxBurst];
};

}  // namespace canon::engine
