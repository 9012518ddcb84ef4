// dnstap samples from one worker to canond's dnstap writer
// (tools/canond/dnstap_writer.hpp): a single-producer single-consumer ring
// of fixed 4 KiB slots, one ring per worker (and one for the TCP server).
//
//   worker:  claim(k)   — the k-th free slot past the published ones, or
//                         nullptr when the ring has no room (the caller
//                         drops the sample and counts it)
//            publish(n) — the n claimed slots become the writer's: one release store
//   writer:  front()    — the oldest published slot, or nullptr
//            pop()      — gives it back: one release store
//
// No lock, no allocation, no system call on the worker's side. Each side
// keeps a copy of the other's index and reads the shared one only when its
// copy says full (worker) or empty (writer), so a burst that finds room
// touches no cache line the writer writes.
//
// A slot is one sample: the client, the transport, the time its burst was
// received (one clock reading per burst, for the query and its answer: the
// answer leaves within the same burst, microseconds later) and the
// messages' bytes one after the other:
//
//   0      8     12    14    16    18  19  20        36                        4096
//   | sec  | nsec| port| qlen| alen| tr|   | client  |  query ...  answer ...  |
//
// The slots are left uninitialised at allocation: a ring costs memory only
// for the slots it has used.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>

#include "engine/counter.hpp"

namespace canon::nic {

// What a worker samples (tools/canond's `dnstap` table): nothing unless
// `enabled`; one query in `sample`; which messages are kept.
struct DnstapConfig {
  bool enabled = false;
  std::uint32_t sample = 1;
  bool queries = true;    // auth-query: the query's bytes
  bool responses = true;  // auth-response: the answer's bytes

  bool operator==(const DnstapConfig&) const = default;
};

struct alignas(64) DnstapSample {
  static constexpr std::size_t kBytes = 4096;
  static constexpr std::size_t kHeader = 36;
  static constexpr std::size_t kData = kBytes - kHeader;  // query + answer octets

  std::int64_t sec;  // CLOCK_REALTIME when the burst was received
  std::uint32_t nsec;
  std::uint16_t client_port;
  std::uint16_t query_length;     // 0: not kept (auth-query not asked for)
  std::uint16_t response_length;  // 0: no answer sent, or not kept
  std::uint8_t transport;         // engine::Transport
  std::uint8_t reserved;
  std::uint8_t client[16];   // engine::ClientAddress bytes (IPv4 mapped)
  std::uint8_t data[kData];  // the query, then the answer

  [[nodiscard]] const std::uint8_t* query() const noexcept { return data; }
  [[nodiscard]] const std::uint8_t* response() const noexcept { return data + query_length; }
};
static_assert(sizeof(DnstapSample) == DnstapSample::kBytes);
static_assert(offsetof(DnstapSample, data) == DnstapSample::kHeader);

// Written by the worker only; read by the writer for the metrics.
struct alignas(64) DnstapCounters {
  engine::Counter sampled;          // samples published
  engine::Counter dropped_full;     // samples lost: the ring was full
  engine::Counter dropped_too_big;  // queries (or answers) longer than a slot holds
};

class DnstapRing {
 public:
  static constexpr std::size_t kSlots = 1024;  // 4 MiB; ~7 ms of 150k samples/s
  static_assert((kSlots & (kSlots - 1)) == 0);

  DnstapRing() noexcept {}  // NOLINT: user-provided, so that make_unique leaves the slots alone
  DnstapRing(const DnstapRing&) = delete;
  DnstapRing& operator=(const DnstapRing&) = delete;

  // Worker side. The slot `k` places past the last published one (k <
  // kSlots), or nullptr when the writer still holds it.
  [[nodiscard]] DnstapSample* claim(std::size_t k) noexcept {
    const std::size_t slot = head_.load(std::memory_order_relaxed) + k;
    if (slot - writer_tail_ >= kSlots) {
      writer_tail_ = tail_.load(std::memory_order_acquire);
      if (slot - writer_tail_ >= kSlots) return nullptr;
    }
    return &slots_[slot & (kSlots - 1)];
  }
  // The first `n` claimed slots go to the writer, in order.
  void publish(std::size_t n) noexcept {
    head_.store(head_.load(std::memory_order_relaxed) + n, std::memory_order_release);
    counters_.sampled += n;
  }
  [[nodiscard]] DnstapCounters& counters() noexcept { return counters_; }
  [[nodiscard]] const DnstapCounters& counters() const noexcept { return counters_; }

  // Writer side. The oldest published sample, nullptr when there is none.
  [[nodiscard]] const DnstapSample* front() noexcept {
    const std::size_t tail = tail_.load(std::memory_order_relaxed);
    if (worker_head_ == tail) {
      worker_head_ = head_.load(std::memory_order_acquire);
      if (worker_head_ == tail) return nullptr;
    }
    return &slots_[tail & (kSlots - 1)];
  }
  void pop() noexcept {
    tail_.store(tail_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

 private:
  alignas(64) std::atomic<std::size_t> head_{0};  // written by the worker
  std::size_t writer_tail_ = 0;                   // the worker's copy of tail_
  alignas(64) std::atomic<std::size_t> tail_{0};  // written by the writer
  std::size_t worker_head_ = 0;                   // the writer's copy of head_
  DnstapCounters counters_;
  DnstapSample slots_[kSlots];
};

// A ring and the thread that fills it ("worker 0", "tcp"), for the writer's metrics.
struct DnstapSource {
  std::string name;
  DnstapRing* ring = nullptr;
};

}  // namespace canon::nic
