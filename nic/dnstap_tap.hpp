// A worker's dnstap tap: picks one query in N and copies it, with its client
// and its answer, into the worker's ring (nic/dnstap_ring.hpp).
//
//   burst:  take_queries  — before the engine writes the answers over the
//                           queries: the sampler picks, each pick claims a
//                           slot and gets the query's bytes; one clock
//                           reading for the whole burst (when it picked any)
//           engine answers in place
//           take_answers  — the answers' bytes, one publish
//   TCP:    take_one      — the query and its answer at once (they live in
//                           different buffers there)
//
// The sampler is a countdown, no division: `countdown_` is the number of
// queries up to and including the next one sampled. A burst that ends
// before the next pick costs one compare and one subtraction:
//
//   sample = 3, countdown 2:  burst of 5 → picks queries 1 and 4, countdown 2 again
//
// Only workers with dnstap configured have a tap; the others test one
// pointer per burst. A pick that finds the ring full, or a query too long
// for a slot, is dropped and counted (DnstapCounters).
#pragma once

#include <time.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "engine/engine.hpp"
#include "nic/dnstap_ring.hpp"

namespace canon::nic {

class DnstapTap {
 public:
  explicit DnstapTap(const DnstapConfig& config) noexcept
      : sample_(config.sample == 0 ? 1 : config.sample),
        countdown_(sample_),
        queries_(config.queries),
        responses_(config.responses) {}
  DnstapTap(const DnstapTap&) = delete;
  DnstapTap& operator=(const DnstapTap&) = delete;

  [[nodiscard]] DnstapRing& ring() noexcept { return ring_; }

  // Before the engine answers `packets[0, count)`. `port_of(i)`: the client's
  // port of packet i (the backends keep it in different places).
  template <typename PortOf>
  void take_queries(const engine::Packet* packets, std::size_t count, engine::Transport transport,
                    PortOf&& port_of) noexcept {
    picked_ = 0;
    if (countdown_ > count) {  // no pick in this burst
      countdown_ -= static_cast<std::uint32_t>(count);
      return;
    }
    for (std::size_t i = 0; i < count; ++i) {
      if (--countdown_ != 0) continue;
      countdown_ = sample_;
      const engine::Packet& p = packets[i];
      if (p.length == 0) continue;  // cut by the kernel: nothing to log
      DnstapSample* s = claim(queries_ ? p.length : 0);
      if (s == nullptr) continue;
      fill(*s, p.source, port_of(i), transport, p.data, p.length);
      slots_[picked_] = s;
      index_[picked_] = static_cast<std::uint8_t>(i);
      ++picked_;
    }
    if (picked_ == 0) return;
    const timespec now = clock_now();
    for (std::size_t k = 0; k < picked_; ++k) stamp(*slots_[k], now);
  }

  // After the engine answered the same packets (length 0: no answer).
  void take_answers(const engine::Packet* packets) noexcept {
    if (picked_ == 0) return;
    if (responses_) {
      for (std::size_t k = 0; k < picked_; ++k) {
        const engine::Packet& p = packets[index_[k]];
        keep_answer(*slots_[k], p.data, p.length);
      }
    }
    ring_.publish(picked_);
    picked_ = 0;
  }

  // One TCP query and its answer (`answer_length` 0: none).
  void take_one(const std::uint8_t* query, std::size_t query_length, const std::uint8_t* answer,
                std::size_t answer_length, const engine::ClientAddress& client, std::uint16_t port,
                engine::Transport transport) noexcept {
    if (--countdown_ != 0) return;
    countdown_ = sample_;
    picked_ = 0;
    DnstapSample* s = claim(queries_ ? query_length : 0);
    if (s == nullptr) return;
    fill(*s, client, port, transport, query, query_length);
    stamp(*s, clock_now());
    if (responses_) keep_answer(*s, answer, answer_length);
    ring_.publish(1);
  }

 private:
  [[nodiscard]] static timespec clock_now() noexcept {
    timespec now{};
    ::clock_gettime(CLOCK_REALTIME, &now);  // vDSO: no system call
    return now;
  }

  // The next free slot for a query of `length` kept octets; nullptr (counted) when none.
  [[nodiscard]] DnstapSample* claim(std::size_t length) noexcept {
    if (length > DnstapSample::kData) {
      ++ring_.counters().dropped_too_big;
      return nullptr;
    }
    DnstapSample* s = ring_.claim(picked_);
    if (s == nullptr) ++ring_.counters().dropped_full;
    return s;
  }

  // The client and, with auth-query, the query's bytes (claim() checked they fit).
  void fill(DnstapSample& s, const engine::ClientAddress& client, std::uint16_t port,
            engine::Transport transport, const std::uint8_t* query, std::size_t length) noexcept {
    std::memcpy(s.client, client.bytes.data(), sizeof(s.client));
    s.client_port = port;
    s.transport = static_cast<std::uint8_t>(transport);
    s.query_length = queries_ ? static_cast<std::uint16_t>(length) : 0;
    s.response_length = 0;
    if (queries_) std::memcpy(s.data, query, length);
  }

  static void stamp(DnstapSample& s, const timespec& now) noexcept {
    s.sec = now.tv_sec;
    s.nsec = static_cast<std::uint32_t>(now.tv_nsec);
  }

  // The answer's bytes after the query's, when they fit; otherwise only the
  // query is logged and the answer counted as too big.
  void keep_answer(DnstapSample& s, const std::uint8_t* answer, std::size_t length) noexcept {
    if (length == 0) return;
    if (s.query_length + length > DnstapSample::kData) {
      ++ring_.counters().dropped_too_big;
      return;
    }
    std::memcpy(s.data + s.query_length, answer, length);
    s.response_length = static_cast<std::uint16_t>(length);
  }

  DnstapRing ring_;
  const std::uint32_t sample_;
  std::uint32_t countdown_;
  const bool queries_;
  const bool responses_;
  // The current burst's picks: their slots and packet indices.
  std::size_t picked_ = 0;
  DnstapSample* slots_[engine::kMaxBurst];
  std::uint8_t index_[engine::kMaxBurst];
};

}  // namespace canon::nic
