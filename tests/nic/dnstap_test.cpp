// The dnstap ring and tap (nic/dnstap_ring.hpp, nic/dnstap_tap.hpp): what a
// worker hands the writer, in what order, and what it drops and counts.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <thread>
#include <vector>

#include "nic/dnstap_tap.hpp"

namespace canon::nic {
namespace {

using engine::Packet;
using engine::Transport;

// A "query" whose first 4 octets are its number, `length` octets in all,
// in a buffer with `room` octets more for the answer.
struct Burst {
  std::vector<std::vector<std::uint8_t>> buffers;
  std::vector<Packet> packets;

  Burst(std::uint32_t first, std::size_t count, std::size_t length = 32, std::size_t room = 256) {
    buffers.resize(count);
    for (std::size_t i = 0; i < count; ++i) {
      auto& b = buffers[i];
      b.assign(length + room, 0);
      const std::uint32_t n = first + static_cast<std::uint32_t>(i);
      std::memcpy(b.data(), &n, 4);
      for (std::size_t k = 4; k < length; ++k) b[k] = static_cast<std::uint8_t>(k);
      const std::uint8_t v4[4] = {198, 18, 0, static_cast<std::uint8_t>(i)};
      packets.push_back(Packet{b.data(), static_cast<std::uint16_t>(length),
                               static_cast<std::uint16_t>(b.size()),
                               engine::ClientAddress::v4(v4)});
    }
  }
  // The engine's part: each answer is the query with 0xAA appended `extra` times.
  void answer(std::size_t extra) {
    for (Packet& p : packets) {
      if (p.length == 0) continue;
      std::memset(p.data + p.length, 0xAA, extra);
      p.length = static_cast<std::uint16_t>(p.length + extra);
    }
  }
};

std::uint32_t number_of(const DnstapSample& s) {
  std::uint32_t n = 0;
  std::memcpy(&n, s.query_length ? s.query() : s.response(), 4);
  return n;
}

// Everything the ring holds, popped: the numbers of the samples.
std::vector<std::uint32_t> drain(DnstapRing& ring) {
  std::vector<std::uint32_t> out;
  while (const DnstapSample* s = ring.front()) {
    out.push_back(number_of(*s));
    ring.pop();
  }
  return out;
}

// One burst through a tap as a worker runs it: queries, engine, answers.
void run_burst(DnstapTap& tap, Burst& burst, std::size_t answer_extra = 8) {
  tap.take_queries(burst.packets.data(), burst.packets.size(), Transport::kUdp,
                   [](std::size_t i) { return static_cast<std::uint16_t>(40000 + i); });
  burst.answer(answer_extra);
  tap.take_answers(burst.packets.data());
}

std::unique_ptr<DnstapTap> make_tap(std::uint32_t sample, bool queries = true,
                                    bool responses = true) {
  return std::make_unique<DnstapTap>(DnstapConfig{true, sample, queries, responses});
}

TEST(DnstapRing, EmptyRingHasNothing) {
  auto ring = std::make_unique<DnstapRing>();
  EXPECT_EQ(ring->front(), nullptr);
}

TEST(DnstapRing, ClaimedSlotsAreInvisibleUntilPublished) {
  auto ring = std::make_unique<DnstapRing>();
  DnstapSample* a = ring->claim(0);
  DnstapSample* b = ring->claim(1);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_NE(a, b);
  EXPECT_EQ(ring->front(), nullptr);
  ring->publish(2);
  EXPECT_EQ(ring->front(), a);
  ring->pop();
  EXPECT_EQ(ring->front(), b);
  ring->pop();
  EXPECT_EQ(ring->front(), nullptr);
  EXPECT_EQ(ring->counters().sampled, 2u);
}

TEST(DnstapRing, FullRingClaimsNothingUntilTheWriterPops) {
  auto ring = std::make_unique<DnstapRing>();
  for (std::size_t k = 0; k < DnstapRing::kSlots; ++k) ASSERT_NE(ring->claim(k), nullptr) << k;
  EXPECT_EQ(ring->claim(DnstapRing::kSlots), nullptr);
  ring->publish(DnstapRing::kSlots);
  EXPECT_EQ(ring->claim(0), nullptr);
  ring->pop();
  EXPECT_NE(ring->claim(0), nullptr);
  EXPECT_EQ(ring->claim(1), nullptr);
}

TEST(DnstapTap, EverySampleInOrderAcrossWrapAround) {
  auto tap = make_tap(1);
  std::vector<std::uint32_t> seen;
  std::uint32_t next = 0;
  // 50 bursts of 60: three times round the ring, drained every 3 bursts.
  for (int b = 0; b < 50; ++b) {
    Burst burst(next, 60);
    next += 60;
    run_burst(*tap, burst);
    if (b % 3 == 2) {
      for (std::uint32_t n : drain(tap->ring())) seen.push_back(n);
    }
  }
  for (std::uint32_t n : drain(tap->ring())) seen.push_back(n);
  ASSERT_EQ(seen.size(), next);
  for (std::uint32_t i = 0; i < next; ++i) ASSERT_EQ(seen[i], i);
  EXPECT_EQ(tap->ring().counters().sampled, next);
  EXPECT_EQ(tap->ring().counters().dropped_full, 0u);
}

TEST(DnstapTap, FullRingDropsAndCounts) {
  auto tap = make_tap(1);
  std::uint32_t next = 0;
  const std::size_t offered = DnstapRing::kSlots + 100;
  while (next < offered) {
    Burst burst(next, 50);
    next += 50;
    run_burst(*tap, burst);
  }
  const auto kept = drain(tap->ring());
  EXPECT_EQ(kept.size(), DnstapRing::kSlots);
  EXPECT_EQ(tap->ring().counters().sampled, DnstapRing::kSlots);
  EXPECT_EQ(tap->ring().counters().dropped_full, next - DnstapRing::kSlots);
  // The first ones are kept, in order; the drops are the newest.
  for (std::uint32_t i = 0; i < kept.size(); ++i) ASSERT_EQ(kept[i], i);
  // Room again: the next burst is kept whole.
  Burst burst(next, 10);
  run_burst(*tap, burst);
  EXPECT_EQ(drain(tap->ring()).size(), 10u);
}

TEST(DnstapTap, SamplesOneInNAcrossBurstsOfAnySize) {
  for (std::uint32_t sample : {1u, 2u, 3u, 7u, 64u, 100u, 1000u}) {
    auto tap = make_tap(sample);
    std::vector<std::uint32_t> seen;
    std::uint32_t next = 0;
    const std::size_t sizes[] = {1, 5, 64, 2, 13, 64, 64, 30, 7};
    for (int round = 0; round < 40; ++round) {
      for (std::size_t size : sizes) {
        Burst burst(next, size);
        next += static_cast<std::uint32_t>(size);
        run_burst(*tap, burst);
        for (std::uint32_t n : drain(tap->ring())) seen.push_back(n);
      }
    }
    // Exactly queries N-1, 2N-1, ...: a countdown, whatever the burst sizes.
    ASSERT_EQ(seen.size(), next / sample) << "sample " << sample;
    for (std::size_t k = 0; k < seen.size(); ++k) {
      ASSERT_EQ(seen[k], (k + 1) * sample - 1) << "sample " << sample;
    }
  }
}

TEST(DnstapTap, KeepsClientPortTransportTimesAndBothMessages) {
  auto tap = make_tap(1);
  Burst burst(7, 3, 40);
  run_burst(*tap, burst, 100);
  const DnstapSample* s = tap->ring().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(number_of(*s), 7u);
  EXPECT_EQ(s->client_port, 40000);
  EXPECT_EQ(s->transport, static_cast<std::uint8_t>(Transport::kUdp));
  const std::uint8_t want[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 198, 18, 0, 0};
  EXPECT_EQ(std::memcmp(s->client, want, 16), 0);
  EXPECT_EQ(s->query_length, 40);
  EXPECT_EQ(s->response_length, 140);
  // The query as it came (before the engine wrote over it), then the answer.
  EXPECT_EQ(s->query()[39], 39);
  EXPECT_EQ(std::memcmp(s->response(), burst.buffers[0].data(), 140), 0);
  EXPECT_GT(s->sec, 1'600'000'000);  // the wall clock, not a monotonic one
  EXPECT_LT(s->nsec, 1'000'000'000u);
}

TEST(DnstapTap, QueriesOnlyOrAnswersOnly) {
  auto queries = make_tap(1, true, false);
  Burst a(0, 4);
  run_burst(*queries, a);
  const DnstapSample* s = queries->ring().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->query_length, 32);
  EXPECT_EQ(s->response_length, 0);

  auto answers = make_tap(1, false, true);
  Burst b(0, 4);
  run_burst(*answers, b);
  s = answers->ring().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->query_length, 0);
  EXPECT_EQ(s->response_length, 40);
  EXPECT_EQ(number_of(*s), 0u);
}

TEST(DnstapTap, NoAnswerKeepsTheQueryOnly) {
  auto tap = make_tap(1);
  Burst burst(0, 2);
  tap->take_queries(burst.packets.data(), 2, Transport::kUdp,
                    [](std::size_t) { return std::uint16_t{53}; });
  burst.packets[1].length = 0;  // the engine chose silence (RRL, malformed)
  tap->take_answers(burst.packets.data());
  const DnstapSample* s = tap->ring().front();
  tap->ring().pop();
  const DnstapSample* silent = tap->ring().front();
  ASSERT_NE(silent, nullptr);
  EXPECT_EQ(s->response_length, 32);
  EXPECT_EQ(silent->query_length, 32);
  EXPECT_EQ(silent->response_length, 0);
}

TEST(DnstapTap, TooBigIsCounted) {
  auto tap = make_tap(1);
  // A query longer than a slot holds: dropped, counted.
  Burst big(0, 1, DnstapSample::kData + 1);
  run_burst(*tap, big);
  EXPECT_EQ(tap->ring().front(), nullptr);
  EXPECT_EQ(tap->ring().counters().dropped_too_big, 1u);
  // A query that fits with an answer that does not: the query is kept.
  Burst long_answer(1, 1, 100, DnstapSample::kData);
  run_burst(*tap, long_answer, DnstapSample::kData - 50);
  const DnstapSample* s = tap->ring().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->query_length, 100);
  EXPECT_EQ(s->response_length, 0);
  EXPECT_EQ(tap->ring().counters().dropped_too_big, 2u);
}

TEST(DnstapTap, TcpOneAtATime) {
  auto tap = make_tap(2);
  const std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7};
  std::uint8_t query[20] = {1, 2, 3, 4};
  std::uint8_t answer[30] = {9, 9, 9, 9};
  for (int i = 0; i < 4; ++i) {
    tap->take_one(query, sizeof query, answer, sizeof answer, engine::ClientAddress::v6(v6), 5353,
                  Transport::kTcp);
  }
  const DnstapSample* s = tap->ring().front();
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->transport, static_cast<std::uint8_t>(Transport::kTcp));
  EXPECT_EQ(s->client_port, 5353);
  EXPECT_EQ(std::memcmp(s->client, v6, 16), 0);
  EXPECT_EQ(s->query_length, 20);
  EXPECT_EQ(s->response_length, 30);
  EXPECT_EQ(s->response()[0], 9);
  EXPECT_EQ(tap->ring().counters().sampled, 2u);  // 1 in 2 of 4
}

// A worker and a writer at once: every sample either arrives, in order, or
// is counted as dropped.
TEST(DnstapTap, ConcurrentWriterSeesOrderAndCountsAddUp) {
  auto tap = make_tap(1);
  constexpr std::uint32_t kBursts = 4000, kSize = 50;
  std::atomic<bool> done{false};
  std::vector<std::uint32_t> seen;
  std::thread writer([&] {
    for (;;) {
      const bool last = done.load(std::memory_order_acquire);
      while (const DnstapSample* s = tap->ring().front()) {
        seen.push_back(number_of(*s));
        tap->ring().pop();
      }
      if (last) break;
    }
  });
  for (std::uint32_t b = 0; b < kBursts; ++b) {
    Burst burst(b * kSize, kSize);
    run_burst(*tap, burst);
  }
  done.store(true, std::memory_order_release);
  writer.join();
  const auto& c = tap->ring().counters();
  EXPECT_EQ(seen.size(), c.sampled.load());
  EXPECT_EQ(c.sampled + c.dropped_full, std::uint64_t{kBursts} * kSize);
  for (std::size_t i = 1; i < seen.size(); ++i) ASSERT_LT(seen[i - 1], seen[i]);
}

}  // namespace
}  // namespace canon::nic
