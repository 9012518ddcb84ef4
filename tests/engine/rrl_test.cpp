// Response rate limiting: the token buckets (engine/rrl.hpp) with a clock the
// test sets, then the engine's use of them (classes, slip, exempt, TCP).
#include <gtest/gtest.h>

#include "engine/rrl.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

ClientAddress v4(std::uint8_t a, std::uint8_t b, std::uint8_t c, std::uint8_t d) {
  const std::uint8_t bytes[4] = {a, b, c, d};
  return ClientAddress::v4(bytes);
}
ClientAddress v6(std::uint16_t first, std::uint16_t third_word, std::uint16_t last) {
  std::uint8_t bytes[16] = {};
  bytes[0] = static_cast<std::uint8_t>(first >> 8);
  bytes[1] = static_cast<std::uint8_t>(first);
  bytes[4] = static_cast<std::uint8_t>(third_word >> 8);
  bytes[5] = static_cast<std::uint8_t>(third_word);
  bytes[14] = static_cast<std::uint8_t>(last >> 8);
  bytes[15] = static_cast<std::uint8_t>(last);
  return ClientAddress::v6(bytes);
}

constexpr unsigned kV4Slash24 = 96 + 24;

// How many of `n` responses at time `now` the bucket lets through.
int allowed(RrlTable& table, const ClientAddress& source, unsigned prefix, RrlClass cls, std::uint32_t rate,
            std::uint32_t now, int n) {
  int yes = 0;
  for (int i = 0; i < n; ++i) yes += table.allow(source, prefix, cls, rate, now) ? 1 : 0;
  return yes;
}

TEST(RrlTable, ABucketHoldsOneSecondOfTheRateAndRefillsWithTime) {
  RrlTable table;
  const ClientAddress client = v4(198, 18, 0, 7);
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 1000, 50), 10);
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 1000, 5), 0);
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 1500, 50), 5) << "half a second: half";
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 60'000, 50), 10) << "never above one second";
}

TEST(RrlTable, TheWholeSlash24SharesABucketAndOthersDoNot) {
  RrlTable table;
  EXPECT_EQ(allowed(table, v4(198, 18, 0, 1), kV4Slash24, RrlClass::kPositive, 4, 0, 4), 4);
  EXPECT_EQ(allowed(table, v4(198, 18, 0, 200), kV4Slash24, RrlClass::kPositive, 4, 0, 4), 0);
  EXPECT_EQ(allowed(table, v4(198, 18, 1, 1), kV4Slash24, RrlClass::kPositive, 4, 0, 4), 4);
  EXPECT_EQ(allowed(table, v4(198, 18, 0, 1), kV4Slash24, RrlClass::kNxdomain, 4, 0, 4), 4) << "classes apart";
}

TEST(RrlTable, IPv6SharesBySlash56) {
  RrlTable table;
  EXPECT_EQ(allowed(table, v6(0x2001, 0x00ff, 1), 56, RrlClass::kError, 3, 0, 3), 3);
  EXPECT_EQ(allowed(table, v6(0x2001, 0x00ff, 9), 56, RrlClass::kError, 3, 0, 3), 0) << "same /56";
  EXPECT_EQ(allowed(table, v6(0x2001, 0x0100, 1), 56, RrlClass::kError, 3, 0, 3), 3) << "another /56";
}

TEST(RrlTable, TheClockMayWrap) {
  RrlTable table;
  const ClientAddress client = v4(198, 18, 0, 7);
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 0xffffff00u, 20), 10);
  EXPECT_EQ(allowed(table, client, kV4Slash24, RrlClass::kPositive, 10, 0xffffff00u + 500, 20), 5);
}

// ---- the engine ----

std::shared_ptr<const Policy> rrl_policy(std::uint32_t rate, std::uint32_t slip, std::vector<AddressPrefix> exempt = {}) {
  PolicySpec spec;
  spec.rrl.enabled = true;
  spec.rrl.rate = rate;
  spec.rrl.slip = slip;
  spec.rrl.exempt = std::move(exempt);
  return Policy::compile(spec, 1, 1);
}

struct Tally {
  int full = 0;
  int slipped = 0;
  int silent = 0;
};

Tally ask(Engine& engine, const zones::Snapshot& snap, const Policy& policy, const char* name, int n,
          const ClientAddress& source, Transport transport = Transport::kUdp) {
  Tally t;
  const std::vector<std::uint8_t> q = make_query(name, "A", with_edns());
  for (int i = 0; i < n; ++i) {
    std::vector<std::uint8_t> buffer(4096);
    std::copy(q.begin(), q.end(), buffer.begin());
    const std::size_t length = engine.answer_one(snap, &policy, source, buffer.data(), q.size(), buffer.size(), transport);
    if (length == 0) {
      ++t.silent;
      continue;
    }
    buffer.resize(length);
    const Response r{buffer};
    if (r.tc()) {
      ++t.slipped;
      EXPECT_EQ(r.ancount() + r.nscount(), 0);
      EXPECT_TRUE(r.has_opt()) << "a slipped answer keeps the OPT";
      EXPECT_EQ(r.qdcount(), 1);
    } else {
      ++t.full;
    }
  }
  return t;
}

class RrlEngine : public ::testing::Test {
 protected:
  std::shared_ptr<const zones::Snapshot> snap_ = compile_zones({{"example.com.", "www A 192.0.2.1\n"}});
  EngineConfig config_;
  Engine engine_{config_};
};

// The test runs well inside one second, so refill adds < 1 token.
TEST_F(RrlEngine, AFloodIsHeldToTheRateAndEverySecondLimitedAnswerSlips) {
  const auto policy = rrl_policy(5, 2);
  const Tally t = ask(engine_, *snap_, *policy, "www.example.com", 25, v4(198, 18, 0, 7));
  EXPECT_EQ(t.full, 5);
  EXPECT_EQ(t.slipped, 10);
  EXPECT_EQ(t.silent, 10);
  EXPECT_EQ(engine_.counters().rrl_limited, 20u);
  EXPECT_EQ(engine_.counters().rrl_slipped, 10u);
  EXPECT_EQ(engine_.counters().truncated, 10u);
  // Another network is served in full; so is another class from the same one.
  EXPECT_EQ(ask(engine_, *snap_, *policy, "www.example.com", 5, v4(198, 18, 1, 7)).full, 5);
  EXPECT_EQ(ask(engine_, *snap_, *policy, "nothere.example.com", 5, v4(198, 18, 0, 7)).full, 5);
}

TEST_F(RrlEngine, SlipZeroDropsEveryLimitedAnswer) {
  const auto policy = rrl_policy(3, 0);
  const Tally t = ask(engine_, *snap_, *policy, "www.example.com", 10, v4(198, 18, 0, 7));
  EXPECT_EQ(t.full, 3);
  EXPECT_EQ(t.slipped, 0);
  EXPECT_EQ(t.silent, 7);
}

TEST_F(RrlEngine, ExemptPrefixesAndTcpAreNeverLimited) {
  std::string error;
  const auto policy = rrl_policy(2, 2, {*parse_prefix("198.18.0.0/24", error)});
  EXPECT_EQ(ask(engine_, *snap_, *policy, "www.example.com", 20, v4(198, 18, 0, 7)).full, 20);
  EXPECT_EQ(ask(engine_, *snap_, *policy, "www.example.com", 20, v4(198, 18, 9, 7), Transport::kTcp).full, 20);
  EXPECT_EQ(engine_.counters().rrl_limited, 0u);
}

TEST_F(RrlEngine, TheRateIsSharedOutOverTheWorkers) {
  PolicySpec spec;
  spec.rrl.enabled = true;
  spec.rrl.rate = 100;
  EXPECT_EQ(Policy::compile(spec, 5, 4)->rrl_worker_rate(), 25u);
  spec.rrl.rate = 3;
  EXPECT_EQ(Policy::compile(spec, 5, 4)->rrl_worker_rate(), 1u) << "never zero";
}

}  // namespace
}  // namespace canon::engine::testing
