// The query-name policy (engine/policy.hpp, engine/policy_answer.hpp): which
// rule wins, what each action writes, the per-slot match counters, and that
// a bad rule is refused with its name. Answers go through the real Engine
// over a compiled zone, as a worker would.
#include <gtest/gtest.h>

#include <chrono>

#include "engine/policy.hpp"
#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/generated_rules.hpp"
#include "zones/rr_type.hpp"

namespace canon::engine::testing {
namespace {

const ClientAddress kClient = [] {
  const std::uint8_t a[4] = {198, 18, 0, 7};
  return ClientAddress::v4(a);
}();
const ClientAddress kOtherClient = [] {
  const std::uint8_t a[4] = {198, 19, 5, 1};
  return ClientAddress::v4(a);
}();

AddressPrefix prefix(const char* text) {
  std::string error;
  auto p = parse_prefix(text, error);
  if (!p) throw std::invalid_argument(error);
  return *p;
}

PolicyRuleSpec rule(std::string name, std::string match, PolicyAction action) {
  PolicyRuleSpec r;
  r.name = std::move(name);
  r.match = std::move(match);
  r.action = action;
  r.where = "test.toml:1";
  return r;
}

LocalRecord a_record(std::uint8_t last, std::uint32_t ttl = 30) {
  return LocalRecord{zones::rr::A, ttl, {198, 18, 0, last}};
}

std::shared_ptr<const zones::Snapshot> zone() {
  return compile_zones({{"example.com.",
                         "www A 192.0.2.1\n"
                         "alias CNAME www\n"
                         "mail A 192.0.2.25\n"}});
}

// One engine (slot 0) answering with a policy, from a chosen source.
class PolicyServer {
 public:
  PolicyServer(std::shared_ptr<const zones::Snapshot> snap, std::shared_ptr<const Policy> policy)
      : snap_(std::move(snap)), policy_(std::move(policy)), engine_(std::make_unique<Engine>(config_)) {}

  Response query(std::string_view name, std::string_view type, Transport transport = Transport::kUdp,
                 const ClientAddress& source = kClient, const tools::QueryOptions& options = {}) {
    const std::vector<std::uint8_t> q = make_query(name, type, options);
    std::vector<std::uint8_t> buffer(transport == Transport::kTcp ? 65535 : 4096);
    std::copy(q.begin(), q.end(), buffer.begin());
    buffer.resize(engine_->answer_one(*snap_, policy_.get(), source, buffer.data(), q.size(), buffer.size(),
                                      transport));
    return Response{std::move(buffer)};
  }
  // The same through answer_burst, one packet.
  Response burst(std::string_view name, std::string_view type, const ClientAddress& source = kClient) {
    const std::vector<std::uint8_t> q = make_query(name, type);
    std::vector<std::uint8_t> buffer(4096);
    std::copy(q.begin(), q.end(), buffer.begin());
    Packet packet{buffer.data(), static_cast<std::uint16_t>(q.size()), 4096, source};
    engine_->answer_burst(*snap_, policy_.get(), &packet, 1, Transport::kUdp);
    buffer.resize(packet.length);
    return Response{std::move(buffer)};
  }
  [[nodiscard]] const WorkerCounters& counters() const { return engine_->counters(); }

 private:
  std::shared_ptr<const zones::Snapshot> snap_;
  std::shared_ptr<const Policy> policy_;
  EngineConfig config_;
  std::unique_ptr<Engine> engine_;
};

std::shared_ptr<const Policy> compile(std::vector<PolicyRuleSpec> rules, unsigned slots = 1) {
  PolicySpec spec;
  spec.rules = std::move(rules);
  return Policy::compile(spec, slots, 1);
}

// name_text of a wire name, from a buffer as roomy as zones::IndexedName's.
std::string text_of(std::initializer_list<std::uint8_t> wire) {
  std::uint8_t padded[zones::kMaxNameLength + 17] = {};
  std::copy(wire.begin(), wire.end(), padded);
  char out[kMaxNameText + kNameTextSlack];
  return std::string(out, name_text(padded, out));
}

TEST(PolicyText, NameTextIsLowerCaseDottedWithoutTheRoot) {
  EXPECT_EQ(text_of({3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}), "www.example.com");
  EXPECT_EQ(text_of({0}), "");
  EXPECT_EQ(text_of({1, 'a', 0}), "a");
  // Longer than one 16-octet step, with the odd octet in the second.
  EXPECT_EQ(text_of({20, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p', 'q', 'r',
                     's', 0x7f, 3, 'c', 'o', 'm', 0}),
            "abcdefghijklmnopqrs\\127.com");
}

TEST(PolicyMatch, FirstRuleInFileOrderWinsAndFiltersAdmit) {
  PolicyRuleSpec aaaa_only = rule("aaaa-only", R"(^www\.example\.com$)", PolicyAction::kNodata);
  aaaa_only.qtypes = {zones::rr::AAAA};
  PolicyRuleSpec from_net = rule("from-net", R"(example\.com$)", PolicyAction::kRefuse);
  from_net.prefixes = {prefix("198.18.0.0/24")};
  const auto policy = compile({aaaa_only, from_net, rule("catch-all", ".*", PolicyAction::kTruncate)});
  auto match = [&](const char* name, std::uint16_t qtype, const ClientAddress& source) {
    return policy->match(0, name, std::strlen(name), qtype, source);
  };
  EXPECT_EQ(match("www.example.com", zones::rr::AAAA, kClient), 0u);
  EXPECT_EQ(match("www.example.com", zones::rr::A, kClient), 1u) << "qtypes leave A to the next rule";
  EXPECT_EQ(match("www.example.com", zones::rr::A, kOtherClient), 2u) << "prefixes leave others to the next";
  EXPECT_EQ(match("", zones::rr::NS, kClient), 2u) << ".* matches the root's empty text";
  EXPECT_EQ(policy->matches(0), 1u);
  EXPECT_EQ(policy->matches(1), 1u);
  EXPECT_EQ(policy->matches(2), 2u);
}

TEST(PolicyMatch, ATruncateRuleLeavesTcpToTheNextRule) {
  const auto policy = compile({rule("tc", "^a$", PolicyAction::kTruncate), rule("no", "^a$", PolicyAction::kRefuse)});
  EXPECT_EQ(policy->match(0, "a", 1, 1, kClient, /*tcp=*/false), 0u);
  EXPECT_EQ(policy->match(0, "a", 1, 1, kClient, /*tcp=*/true), 1u);
  EXPECT_EQ(policy->matches(0), 1u) << "the TCP query is not the truncate rule's";
}

TEST(PolicyMatch, NamesMatchingNothingAreNotCounted) {
  const auto policy = compile({rule("evil", R"((^|\.)evil\.example$)", PolicyAction::kDrop)});
  EXPECT_EQ(policy->match(0, "notevil.example", 15, 1, kClient), kNoPolicyRule);
  EXPECT_EQ(policy->match(0, "x.evil.example", 14, 1, kClient), 0u);
  EXPECT_EQ(policy->matches(0), 1u);
}

TEST(PolicyMatch, EachSlotCountsInItsOwnRow) {
  const auto policy = compile({rule("any", ".", PolicyAction::kRefuse)}, 3);
  (void)policy->match(0, "a", 1, 1, kClient);
  (void)policy->match(2, "a", 1, 1, kClient);
  (void)policy->match(2, "a", 1, 1, kClient);
  EXPECT_EQ(policy->matches(0), 3u);
}

TEST(PolicyCompile, ABadRegexIsRefusedWithTheRulesNameAndHyperscansMessage) {
  try {
    (void)compile({rule("fine", "^a$", PolicyAction::kDrop), rule("broken", "(unclosed", PolicyAction::kDrop)});
    FAIL() << "compiled";
  } catch (const PolicyError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("rule 'broken' (test.toml:1)"), std::string::npos) << what;
    EXPECT_NE(what.find("Hyperscan"), std::string::npos) << what;
    EXPECT_NE(what.find("(unclosed"), std::string::npos) << what;
  }
}

TEST(PolicyCompile, AnswerRulesNeedRecordsAndACnameStandsAlone) {
  EXPECT_THROW((void)compile({rule("empty", "x", PolicyAction::kAnswer)}), PolicyError);
  PolicyRuleSpec stray = rule("stray", "x", PolicyAction::kRefuse);
  stray.records = {a_record(1)};
  EXPECT_THROW((void)compile({stray}), PolicyError);
  PolicyRuleSpec mixed = rule("mixed", "x", PolicyAction::kAnswer);
  mixed.records = {a_record(1), LocalRecord{zones::rr::CNAME, 30, {4, 'w', 'a', 'l', 'l', 0}}};
  EXPECT_THROW((void)compile({mixed}), PolicyError);
}

TEST(PolicyCompile, TenThousandGeneratedRulesCompileAndMatch) {
  const auto start = std::chrono::steady_clock::now();
  const auto policy = Policy::compile(PolicySpec{generated_blocklist(10'000), {}}, 2, 1);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("10,000 generated rules compiled in %.1f s\n", seconds);
  ASSERT_EQ(policy->rule_count(), 10'000u);
  for (int i : {0, 4321, 9999}) {
    const std::string below = "www." + blocked_domain(i);
    EXPECT_EQ(policy->match(1, below.data(), below.size(), 1, kClient), static_cast<std::uint32_t>(i)) << below;
    const std::string itself = blocked_domain(i);
    EXPECT_EQ(policy->match(0, itself.data(), itself.size(), 1, kClient), static_cast<std::uint32_t>(i));
    const std::string longer = "x" + blocked_domain(i);
    EXPECT_EQ(policy->match(0, longer.data(), longer.size(), 1, kClient), kNoPolicyRule) << longer;
  }
}

TEST(PolicyCompile, BufferAnchorsAreRefused) {
  EXPECT_THROW((void)compile({rule("a", "\\Aevil", PolicyAction::kDrop)}), PolicyError);
  EXPECT_THROW((void)compile({rule("z", "evil\\z", PolicyAction::kDrop)}), PolicyError);
  EXPECT_NO_THROW((void)compile({rule("escaped", "evil\\\\z", PolicyAction::kDrop)})) << "a backslash, then z";
}

TEST(PolicyText, OddOctetsAreEscapedSoATextNeverHoldsALineBreak) {
  EXPECT_EQ(text_of({4, 'a', '\n', '.', '\\', 3, 'c', 'o', 'm', 0}), "a\\010\\.\\\\.com");
  EXPECT_EQ(text_of({2, 'a', 0xe9, 0}), "a\\233");
  EXPECT_EQ(text_of({3, 'a', ' ', 'b', 0}), "a\\032b");
}

// The burst filter may pick a name for a regex that ran across a line break
// from the name before; the name's own scan must then turn it down.
// Queries for `names` answered in one answer_burst call; returns the rcodes.
std::vector<std::string> burst_rcodes(Engine& engine, const Policy& policy, const std::vector<std::string>& names) {
  const auto snap = zone();
  std::vector<std::vector<std::uint8_t>> buffers;
  std::vector<Packet> packets;
  for (const std::string& name : names) {
    const std::vector<std::uint8_t> q = make_query(name, "A");
    buffers.emplace_back(4096);
    std::copy(q.begin(), q.end(), buffers.back().begin());
    packets.push_back({buffers.back().data(), static_cast<std::uint16_t>(q.size()), 4096, kClient});
  }
  engine.answer_burst(*snap, &policy, packets.data(), packets.size(), Transport::kUdp);
  std::vector<std::string> rcodes;
  for (std::size_t i = 0; i < packets.size(); ++i) {
    rcodes.push_back(Response{{buffers[i].begin(), buffers[i].begin() + packets[i].length}}.rcode());
  }
  return rcodes;
}

TEST(PolicyBurst, AMatchAcrossNamesDoesNotReachTheSecondName) {
  const auto policy = compile({rule("span", "x[^y]*www\\.example\\.com$", PolicyAction::kRefuse)});
  Engine engine(EngineConfig{});
  EXPECT_EQ(burst_rcodes(engine, *policy, {"xa.example.com", "www.example.com"}),
            (std::vector<std::string>{"NXDOMAIN", "NOERROR"}));
  EXPECT_EQ(policy->matches(0), 0u);
}

TEST(PolicyBurst, EveryNameOfABurstIsJudgedAsIfAlone) {
  // 150 queries (bursts of 64, 64, 22): every 3rd blocked, the same rule
  // several times per burst (the filter must not stop at a rule's first).
  const auto policy = Policy::compile(PolicySpec{generated_blocklist(50, PolicyAction::kRefuse), {}}, 1, 1);
  std::vector<std::string> names;
  std::vector<std::string> expected;
  for (int i = 0; i < 150; ++i) {
    const bool block = i % 3 == 0;
    names.push_back(block ? "host" + std::to_string(i) + "." + blocked_domain(i % 7) : "www.example.com");
    expected.push_back(block ? "REFUSED" : "NOERROR");
  }
  Engine engine(EngineConfig{});
  EXPECT_EQ(burst_rcodes(engine, *policy, names), expected);
  EXPECT_EQ(engine.counters().policy_actions[static_cast<std::size_t>(PolicyAction::kRefuse)], 50u);
}

// ---- what each action writes ----

class PolicyActions : public ::testing::Test {
 protected:
  PolicyActions() : server_(zone(), make_policy()) {}

  static std::shared_ptr<const Policy> make_policy() {
    PolicyRuleSpec nodata = rule("nodata-aaaa", R"(^www\.example\.com$)", PolicyAction::kNodata);
    nodata.qtypes = {zones::rr::AAAA};
    PolicyRuleSpec garden = rule("garden", R"(\.parked\.example$)", PolicyAction::kAnswer);
    garden.records = {a_record(10), a_record(11), LocalRecord{zones::rr::AAAA, 30, std::vector<std::uint8_t>(16, 0x20)}};
    PolicyRuleSpec portal = rule("portal", R"(^portal\.example\.com$)", PolicyAction::kAnswer);
    portal.records = {LocalRecord{zones::rr::CNAME, 60, {3, 'w', 'w', 'w', 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0}}};
    return compile({rule("drop", R"(^drop\.example\.com$)", PolicyAction::kDrop),
                    rule("refuse", R"(^refuse\.example\.com$)", PolicyAction::kRefuse),
                    rule("nx", R"(^mail\.example\.com$)", PolicyAction::kNxdomain),
                    rule("nx-outside", R"(^gone\.example\.org$)", PolicyAction::kNxdomain),
                    nodata,
                    rule("tc", R"(^alias\.example\.com$)", PolicyAction::kTruncate),
                    garden, portal});
  }

  PolicyServer server_;
};

TEST_F(PolicyActions, DropSendsNothing) {
  EXPECT_FALSE(server_.query("drop.example.com", "A").sent());
  EXPECT_FALSE(server_.burst("drop.example.com", "A").sent());
  EXPECT_EQ(server_.counters().dropped, 2u);
  EXPECT_EQ(server_.counters().policy_actions[static_cast<std::size_t>(PolicyAction::kDrop)], 2u);
}

TEST_F(PolicyActions, RefuseAnswersRefusedWithTheQuestion) {
  const Response r = server_.query("REFUSE.example.com", "A");
  EXPECT_EQ(r.rcode(), "REFUSED");
  EXPECT_FALSE(r.aa());
  EXPECT_EQ(r.qdcount(), 1);
  EXPECT_EQ(r.ancount() + r.nscount(), 0);
}

TEST_F(PolicyActions, NxdomainCarriesTheZonesSoaEvenForANameThatExists) {
  const Response r = server_.query("mail.example.com", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN");
  EXPECT_TRUE(r.aa());
  EXPECT_EQ(r.ancount(), 0);
  ASSERT_EQ(r.section(";; AUTHORITY").size(), 1u);
  EXPECT_EQ(r.section(";; AUTHORITY")[0] + "\n", soa_line("example.com.", 300));
  EXPECT_EQ(server_.burst("mail.example.com", "A").bytes, r.bytes) << "answer_burst writes the same";
}

TEST_F(PolicyActions, NxdomainOutsideTheServedZonesHasNoSoaAndNoAa) {
  const Response r = server_.query("gone.example.org", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN");
  EXPECT_FALSE(r.aa());
  EXPECT_EQ(r.nscount(), 0);
}

TEST_F(PolicyActions, NodataOnlyForTheListedQtype) {
  const Response aaaa = server_.query("www.example.com", "AAAA");
  EXPECT_EQ(aaaa.rcode(), "NOERROR");
  EXPECT_EQ(aaaa.ancount(), 0);
  EXPECT_EQ(aaaa.section(";; AUTHORITY").size(), 1u);
  const Response a = server_.query("www.example.com", "A");
  EXPECT_EQ(a.section(";; ANSWER"), std::vector<std::string>{"www.example.com. 3600 IN A 192.0.2.1"});
}

TEST_F(PolicyActions, TruncateSetsTcOverUdpAndLetsTcpAnswer) {
  const Response udp = server_.query("alias.example.com", "A");
  EXPECT_TRUE(udp.tc());
  EXPECT_EQ(udp.rcode(), "NOERROR");
  EXPECT_EQ(udp.ancount() + udp.nscount() + udp.arcount(), 0);
  const Response tcp = server_.query("alias.example.com", "A", Transport::kTcp);
  EXPECT_FALSE(tcp.tc());
  EXPECT_EQ(tcp.section(";; ANSWER"),
            (std::vector<std::string>{"alias.example.com. 3600 IN CNAME www.example.com.",
                                      "www.example.com. 3600 IN A 192.0.2.1"}));
}

TEST_F(PolicyActions, AnswerWritesTheLocalRecordsOfQtype) {
  const Response a = server_.query("Host.Parked.Example", "A", Transport::kUdp, kClient, with_edns());
  EXPECT_EQ(a.rcode(), "NOERROR");
  EXPECT_TRUE(a.aa());
  EXPECT_TRUE(a.has_opt());
  EXPECT_EQ(a.section(";; ANSWER"), (std::vector<std::string>{"Host.Parked.Example. 30 IN A 198.18.0.10",
                                                              "Host.Parked.Example. 30 IN A 198.18.0.11"}));
  const Response aaaa = server_.query("host.parked.example", "AAAA");
  EXPECT_EQ(aaaa.section(";; ANSWER"),
            std::vector<std::string>{"host.parked.example. 30 IN AAAA 2020:2020:2020:2020:2020:2020:2020:2020"});
  const Response mx = server_.query("host.parked.example", "MX");
  EXPECT_EQ(mx.rcode(), "NOERROR");
  EXPECT_EQ(mx.ancount(), 0);
  const Response portal = server_.query("portal.example.com", "MX");
  EXPECT_EQ(portal.section(";; ANSWER"),
            std::vector<std::string>{"portal.example.com. 60 IN CNAME www.example.com."});
}

TEST_F(PolicyActions, NamesMatchingNothingAreAnsweredAsWithoutAPolicy) {
  Server plain(zone());
  for (const char* name : {"www.example.com", "alias.example.com", "nothere.example.com", "example.com"}) {
    for (const char* type : {"A", "AAAA", "MX", "SOA"}) {
      if (std::string(name) == "www.example.com" && std::string(type) == "AAAA") continue;  // nodata rule
      if (std::string(name) == "alias.example.com") continue;                               // tc rule
      EXPECT_EQ(server_.query(name, type).bytes, plain.query(name, type).bytes) << name << " " << type;
      EXPECT_EQ(server_.burst(name, type).bytes, plain.query(name, type).bytes) << name << " " << type;
    }
  }
  for (const std::uint64_t decided : server_.counters().policy_actions) EXPECT_EQ(decided, 0u);
}

}  // namespace
}  // namespace canon::engine::testing
