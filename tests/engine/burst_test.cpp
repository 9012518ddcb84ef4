// The burst API: answer_burst over a mixed burst (hits, misses, aliases,
// malformed packets, responses) writes the same bytes per packet as
// answer_one, and the worker counters add up exactly to what was sent.
#include <gtest/gtest.h>

#include <numeric>
#include <string>
#include <vector>

#include "engine/counters.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/wire_builder.hpp"

namespace canon::engine::testing {
namespace {

std::shared_ptr<const zones::Snapshot> snapshot() {
  static const auto snap = [] {
    std::string big;
    for (int i = 0; i < 60; ++i)
      big += "big TXT \"text number " + std::to_string(i) + " padded to forty octets\"\n";
    return compile_zones({{"example.com.", R"(
foo      A     192.0.2.23
bar      CNAME foo
www      CNAME web
web      CNAME cdn.example.net.
dangling CNAME missing
old      DNAME new
host.new A     192.0.2.81
)" + big},
                          {"example.net.", "cdn CNAME edge\nedge A 203.0.113.10\n"}});
  }();
  return snap;
}

constexpr int kNoQtype = -1;  // not an IN query that reaches the answer stage

// One kind of packet in the mix, and what the counters must make of it.
struct Kind {
  std::string what;
  std::vector<std::uint8_t> packet;  // ID 0; each copy gets its own
  bool dropped = false;
  unsigned rcode = 0;
  unsigned links = 0;
  bool truncated = false;
  int qtype = kNoQtype;  // QtypeBucket, or kNoQtype
};

constexpr int bucket(QtypeBucket b) {
  return static_cast<int>(b);
}

std::vector<Kind> kinds() {
  tools::QueryOptions ch;
  ch.qclass = 3;
  tools::QueryOptions edns1 = with_edns();
  edns1.edns_version = 1;
  return {
      {"hit", make_query("foo.example.com", "A"), false, 0, 0, false, bucket(QtypeBucket::kA)},
      {"one link", make_query("bar.example.com", "A"), false, 0, 1, false, bucket(QtypeBucket::kA)},
      {"three links, two zones", make_query("www.example.com", "A", with_edns()), false, 0, 3,
       false, bucket(QtypeBucket::kA)},
      {"nxdomain", make_query("nothing.example.com", "AAAA"), false, 3, 0, false,
       bucket(QtypeBucket::kAaaa)},
      {"rfc 6604 nxdomain", make_query("dangling.example.com", "A"), false, 3, 1, false,
       bucket(QtypeBucket::kA)},
      {"dname", make_query("host.old.example.com", "A"), false, 0, 1, false,
       bucket(QtypeBucket::kA)},
      {"truncated", make_query("big.example.com", "TXT"), false, 0, 0, true,
       bucket(QtypeBucket::kTxt)},
      {"truncated with edns", make_query("big.example.com", "TXT", with_edns(4096)), false, 0, 0,
       true, bucket(QtypeBucket::kTxt)},
      {"nodata", make_query("foo.example.com", "MX"), false, 0, 0, false, bucket(QtypeBucket::kMx)},
      {"soa", make_query("example.com", "SOA"), false, 0, 0, false, bucket(QtypeBucket::kSoa)},
      {"any", make_query("bar.example.com", "ANY"), false, 0, 0, false, bucket(QtypeBucket::kAny)},
      {"other type", make_query("foo.example.com", "TYPE65280"), false, 0, 0, false,
       bucket(QtypeBucket::kOther)},
      {"refused", make_query("www.example.test", "A"), false, 5, 0, false, bucket(QtypeBucket::kA)},
      {"response", Wire().header(0, 0x8100, 1).question("foo.example.com").bytes, true},
      {"short", std::vector<std::uint8_t>{0, 0, 1, 0, 0}, true},
      {"no question", Wire().header(0, 0x0100, 0).bytes, false, 1},
      {"trailing byte", Wire().header(0, 0x0100, 1).question("foo.example.com").u8(0).bytes, false,
       1},
      {"update", Wire().header(0, 0x0100 | (5u << 11), 1).question("foo.example.com").bytes, false,
       4},
      {"edns version 1", make_query("foo.example.com", "A", edns1), false, 16},
      {"chaos", make_query("id.server", "TXT", ch), false, 0},
      {"class hs", Wire().header(0, 0x0100, 1).question("foo.example.com", 1, 4).bytes, false, 5},
      {"axfr over udp", make_query("example.com", "AXFR"), false, 1},
  };
}

// `count` packets cycling through the kinds, ID = position.
struct Mix {
  std::vector<const Kind*> kind;
  std::vector<std::vector<std::uint8_t>> packets;
};

Mix make_mix(const std::vector<Kind>& all, std::size_t count) {
  Mix mix;
  for (std::size_t i = 0; i < count; ++i) {
    const Kind& k =
        all[(i * 7) % all.size()];  // 7 is coprime with the kind count: a shuffled cycle
    std::vector<std::uint8_t> p = k.packet;
    if (p.size() >= 2) store16(p.data(), static_cast<std::uint16_t>(0x4000 + i));
    mix.kind.push_back(&k);
    mix.packets.push_back(std::move(p));
  }
  return mix;
}

// Runs the mix through answer_burst in one call; returns each packet's answer.
std::vector<std::vector<std::uint8_t>> run_burst(Engine& engine, const zones::Snapshot& snap,
                                                 const Mix& mix, Transport transport,
                                                 std::size_t capacity) {
  std::vector<std::vector<std::uint8_t>> buffers;
  std::vector<Packet> packets;
  for (const auto& p : mix.packets) {
    std::vector<std::uint8_t> b(capacity);
    std::copy(p.begin(), p.end(), b.begin());
    buffers.push_back(std::move(b));
  }
  for (std::size_t i = 0; i < buffers.size(); ++i) {
    packets.push_back(Packet{buffers[i].data(), static_cast<std::uint16_t>(mix.packets[i].size()),
                             static_cast<std::uint16_t>(capacity)});
  }
  engine.answer_burst(snap, packets.data(), packets.size(), transport);
  for (std::size_t i = 0; i < buffers.size(); ++i) buffers[i].resize(packets[i].length);
  return buffers;
}

void expect_same_as_answer_one(const Mix& mix, Transport transport, std::size_t capacity) {
  const EngineConfig config;
  auto burst_engine = std::make_unique<Engine>(config);
  auto one_engine = std::make_unique<Engine>(config);
  const auto& snap = *snapshot();
  const auto burst = run_burst(*burst_engine, snap, mix, transport, capacity);
  for (std::size_t i = 0; i < mix.packets.size(); ++i) {
    std::vector<std::uint8_t> b(capacity);
    std::copy(mix.packets[i].begin(), mix.packets[i].end(), b.begin());
    b.resize(one_engine->answer_one(snap, b.data(), mix.packets[i].size(), capacity, transport));
    EXPECT_EQ(burst[i], b) << "packet " << i << " (" << mix.kind[i]->what << ")";
    if (!b.empty()) {
      EXPECT_TRUE(tools::message_parses(b.data(), b.size())) << mix.kind[i]->what;
    }
  }
}

TEST(Burst, SameBytesAsAnswerOneOverUdp) {
  const auto all = kinds();
  expect_same_as_answer_one(make_mix(all, 150), Transport::kUdp, 4096);  // 64 + 64 + 22
}

TEST(Burst, SameBytesAsAnswerOneOverTcp) {
  const auto all = kinds();
  expect_same_as_answer_one(make_mix(all, 64), Transport::kTcp, 65535);
}

TEST(Burst, AnEmptyBurstChangesNothing) {
  const EngineConfig config;
  auto engine = std::make_unique<Engine>(config);
  engine->answer_burst(*snapshot(), nullptr, 0, Transport::kUdp);
  EXPECT_EQ(engine->counters().queries, 0u);
  EXPECT_EQ(engine->counters().responses, 0u);
}

TEST(Burst, DroppedPacketsGetLengthZero) {
  const auto all = kinds();
  const Mix mix = make_mix(all, 100);
  const EngineConfig config;
  auto engine = std::make_unique<Engine>(config);
  const auto answers = run_burst(*engine, *snapshot(), mix, Transport::kUdp, 4096);
  for (std::size_t i = 0; i < answers.size(); ++i) {
    EXPECT_EQ(answers[i].empty(), mix.kind[i]->dropped) << i << " " << mix.kind[i]->what;
    if (!answers[i].empty()) {
      EXPECT_EQ(load16(answers[i].data()), 0x4000 + i) << "each answer in its own packet";
    }
  }
}

TEST(Burst, CountersAddUpToWhatWasSent) {
  const auto all = kinds();
  constexpr std::size_t kCount = 200;
  const Mix mix = make_mix(all, kCount);
  WorkerCounters expected;
  for (const Kind* k : mix.kind) {
    ++expected.queries;
    if (k->dropped) {
      ++expected.dropped;
      continue;
    }
    ++expected.responses;
    ++expected.rcodes[k->rcode];
    ++expected.chain_links[k->links];
    if (k->truncated) ++expected.truncated;
    if (k->qtype != kNoQtype) ++expected.qtypes[static_cast<std::size_t>(k->qtype)];
  }

  const EngineConfig config;
  auto burst_engine = std::make_unique<Engine>(config);
  auto one_engine = std::make_unique<Engine>(config);
  const auto& snap = *snapshot();
  (void)run_burst(*burst_engine, snap, mix, Transport::kUdp, 4096);
  for (const auto& p : mix.packets) {
    std::vector<std::uint8_t> b(4096);
    std::copy(p.begin(), p.end(), b.begin());
    (void)one_engine->answer_one(snap, b.data(), p.size(), b.size(), Transport::kUdp);
  }

  for (const Engine* engine : {burst_engine.get(), one_engine.get()}) {
    const WorkerCounters& c = engine->counters();
    const char* which = engine == burst_engine.get() ? "answer_burst" : "answer_one";
    EXPECT_EQ(c.queries, kCount) << which;
    EXPECT_EQ(c.queries, expected.queries) << which;
    EXPECT_EQ(c.responses, expected.responses) << which;
    EXPECT_EQ(c.dropped, expected.dropped) << which;
    EXPECT_EQ(c.truncated, expected.truncated) << which;
    EXPECT_EQ(c.rcodes, expected.rcodes) << which;
    EXPECT_EQ(c.qtypes, expected.qtypes) << which;
    EXPECT_EQ(c.chain_links, expected.chain_links) << which;
    EXPECT_EQ(c.responses + c.dropped, c.queries) << which;
    EXPECT_EQ(std::accumulate(c.rcodes.begin(), c.rcodes.end(), std::uint64_t{0}), c.responses)
        << which;
    EXPECT_EQ(std::accumulate(c.chain_links.begin(), c.chain_links.end(), std::uint64_t{0}),
              c.responses)
        << which;
  }
}

TEST(Burst, CountersOfTwoWorkersAdd) {
  const auto all = kinds();
  const Mix mix = make_mix(all, 70);
  const EngineConfig config;
  auto a = std::make_unique<Engine>(config);
  auto b = std::make_unique<Engine>(config);
  (void)run_burst(*a, *snapshot(), mix, Transport::kUdp, 4096);
  (void)run_burst(*b, *snapshot(), mix, Transport::kUdp, 4096);
  WorkerCounters total;
  total.add(a->counters());
  total.add(b->counters());
  EXPECT_EQ(total.queries, 140u);
  EXPECT_EQ(total.responses, 2 * a->counters().responses);
  EXPECT_EQ(total.rcodes[3], 2 * a->counters().rcodes[3]);
  EXPECT_EQ(total.chain_links[3], 2 * a->counters().chain_links[3]);
}

}  // namespace
}  // namespace canon::engine::testing
