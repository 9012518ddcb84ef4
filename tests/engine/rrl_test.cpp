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

// A /24 other than the victim's that lands in the victim's bucket: what a
// spoofer who knew (or had guessed) the table's secret would send from.
// About 65,536 candidates are tried before one collides.
ClientAddress colliding_prefix(const RrlTable& table, const ClientAddress& victim, RrlClass cls) {
  const std::uint32_t target = table.bucket_of(victim, kV4Slash24, cls);
  const std::uint32_t own = std::uint32_t{victim.bytes[12]} << 16 |
                            std::uint32_t{victim.bytes[13]} << 8 | victim.bytes[14];
  for (std::uint32_t n = 0; n < (1u << 24); ++n) {
    if (n == own) continue;
    const ClientAddress candidate =
        v4(static_cast<std::uint8_t>(n >> 16), static_cast<std::uint8_t>(n >> 8),
           static_cast<std::uint8_t>(n), 1);
    if (table.bucket_of(candidate, kV4Slash24, cls) == target) return candidate;
  }
  ADD_FAILURE() << "no /24 collides with the victim's";
  return victim;
}

TEST(RrlTable, ASpooferInTheVictimsBucketCannotLiftTheVictimsLimit) {
  RrlTable table(0x0123'4567'89ab'cdefull, 0xfedc'ba98'7654'3210ull);
  const ClientAddress victim = v4(198, 18, 0, 7);
  const ClientAddress spoofer = colliding_prefix(table, victim, RrlClass::kPositive);
  ASSERT_EQ(table.bucket_of(spoofer, kV4Slash24, RrlClass::kPositive),
            table.bucket_of(victim, kV4Slash24, RrlClass::kPositive));
  // One second, rate 5: 1,000 spoofed queries interleaved with the victim's 1,000.
  int victim_passed = 0;
  int spoofer_passed = 0;
  for (std::uint32_t ms = 0; ms < 1000; ++ms) {
    spoofer_passed += table.allow(spoofer, kV4Slash24, RrlClass::kPositive, 5, 5000 + ms) ? 1 : 0;
    victim_passed += table.allow(victim, kV4Slash24, RrlClass::kPositive, 5, 5000 + ms) ? 1 : 0;
  }
  EXPECT_LE(victim_passed, 10) << "a collision must never hand the victim's bucket fresh tokens";
  EXPECT_LE(victim_passed + spoofer_passed, 10)
      << "the bucket as a whole: 5 at once plus 5 refilled";
  EXPECT_GE(victim_passed + spoofer_passed, 9);
}

TEST(RrlTable, DifferentSecretsPutTheSameKeysInDifferentBuckets) {
  RrlTable a(1, 2);
  RrlTable b(3, 4);
  RrlTable random_c;
  RrlTable random_d;
  int same_ab = 0;
  int same_cd = 0;
  for (std::uint32_t n = 0; n < 1000; ++n) {
    const ClientAddress c4 =
        v4(10, static_cast<std::uint8_t>(n >> 8), static_cast<std::uint8_t>(n), 1);
    const ClientAddress c6 = v6(0x2001, static_cast<std::uint16_t>(n), 1);
    same_ab += a.bucket_of(c4, kV4Slash24, RrlClass::kPositive) ==
               b.bucket_of(c4, kV4Slash24, RrlClass::kPositive);
    same_ab += a.bucket_of(c6, 56, RrlClass::kNxdomain) == b.bucket_of(c6, 56, RrlClass::kNxdomain);
    same_cd += random_c.bucket_of(c4, kV4Slash24, RrlClass::kPositive) ==
               random_d.bucket_of(c4, kV4Slash24, RrlClass::kPositive);
  }
  // By chance alone about 2,000 / 65,536 and 1,000 / 65,536.
  EXPECT_LE(same_ab, 10);
  EXPECT_LE(same_cd, 10) << "each table draws its own secret";
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
