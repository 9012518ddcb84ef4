// Writing the answer: size limits (512 without EDNS, the client's payload
// within EngineConfig.max_udp_payload, 65535 over TCP), TC with whole RRsets
// only (RFC 2181 §9), our OPT (payload, DO, NSID per RFC 5001), and
// compression (RFC 1035 §4.1.4: owners point into the question or earlier RDATA).
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "engine/response.hpp"
#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

// A TXT string of exactly 40 octets: "record 07" padded with dots.
std::string txt40(int i) {
  std::string s = "record " + std::to_string(i);
  s.resize(40, '.');
  return s;
}

std::string x60(char c) {
  return std::string(60, c);
}

//   big    60 TXT RRs of 53 octets each: 3180 octets of answer
//   a20    20 A RRs: 320 octets      a40   40 A RRs: 640 octets
//   chain  → xxx…1 → xxx…2 → xxx…3 → a40: three CNAMEs of ~87 octets, then 640
//   three  3 A RRs                  bar → foo, foo A: compression checks
//   @ MX   10 in-zone targets: the MX set fits in 512, their addresses do not
//   wide   20 MX to mail01..mail20 (no addresses): 680 octets written whole,
//          460 compressed
std::shared_ptr<const zones::Snapshot> snapshot() {
  static const auto snap = [] {
    std::string body;
    for (int i = 0; i < 60; ++i) body += "big TXT \"" + txt40(i) + "\"\n";
    for (int i = 1; i <= 20; ++i) body += "a20 A 198.51.100." + std::to_string(i) + "\n";
    for (int i = 1; i <= 40; ++i) body += "a40 A 203.0.113." + std::to_string(i) + "\n";
    body += "chain CNAME " + x60('p') + "\n";
    body += x60('p') + " CNAME " + x60('q') + "\n";
    body += x60('q') + " CNAME " + x60('r') + "\n";
    body += x60('r') + " CNAME a40\n";
    body += "three A 192.0.2.1\nthree A 192.0.2.2\nthree A 192.0.2.3\n";
    body += "foo A 192.0.2.23\nbar CNAME foo\n";
    for (int i = 1; i <= 10; ++i) {
      body += "@ MX " + std::to_string(i) + " mx" + std::to_string(i) + "\n";
      body += "mx" + std::to_string(i) + " A 192.0.2." + std::to_string(100 + i) + "\n";
      body += "mx" + std::to_string(i) + " AAAA 2001:db8::" + std::to_string(100 + i) + "\n";
    }
    for (int i = 1; i <= 20; ++i) {
      body += "wide MX " + std::to_string(i) + " mail" + (i < 10 ? "0" : "") + std::to_string(i) + "\n";
    }
    return compile_zones({{"example.com.", body}});
  }();
  return snap;
}

class Limits : public ::testing::Test {
 protected:
  Response ask(std::string_view name, std::string_view type,
               const tools::QueryOptions& options = {}, Transport transport = Transport::kUdp) {
    Response r = server_.query(name, type, options, transport);
    EXPECT_TRUE(r.parses()) << r.text();
    return r;
  }
  Server server_{snapshot()};
};

std::size_t count_type(const std::vector<std::string>& lines, std::string_view type) {
  const std::string needle = " IN " + std::string(type) + " ";
  return static_cast<std::size_t>(
      std::count_if(lines.begin(), lines.end(),
                    [&](const std::string& l) { return l.find(needle) != std::string::npos; }));
}

// ---- UDP without EDNS: 512 -----------------------------------------------------

TEST_F(Limits, WithoutEdnsAnRRsetOver512IsLeftOutWithTc) {
  const Response r = ask("big.example.com", "TXT");
  EXPECT_EQ(r.text(), golden(R"(
;; NOERROR qr aa tc rd
;; QUESTION
big.example.com. IN TXT
;; ANSWER
;; AUTHORITY
;; ADDITIONAL
)"));
  EXPECT_LE(r.size(), 512u);
}

TEST_F(Limits, WithoutEdnsTheChainIsKeptAndTheSetThatDoesNotFitIsDropped) {
  const Response r = ask("chain.example.com", "A");
  EXPECT_TRUE(r.tc());
  EXPECT_LE(r.size(), 512u);
  const auto answer = r.section(";; ANSWER");
  EXPECT_EQ(count_type(answer, "CNAME"), 4u) << r.text();
  EXPECT_EQ(count_type(answer, "A"), 0u) << "whole RRsets only: none of the 40 A records";
  EXPECT_EQ(r.ancount(), 4);
}

TEST_F(Limits, WithoutEdnsASetThatFitsHasNoTc) {
  const Response r = ask("a20.example.com", "A");
  EXPECT_FALSE(r.tc());
  EXPECT_EQ(r.ancount(), 20);
  EXPECT_LE(r.size(), 512u);
  const Response over = ask("a40.example.com", "A");
  EXPECT_TRUE(over.tc());
  EXPECT_EQ(over.ancount(), 0);
}

// RFC 2181 §9: what does not fit in the additional section is left out, without TC.
TEST_F(Limits, AdditionalAddressesThatDoNotFitDoNotSetTc) {
  const Response r = ask("example.com", "MX");
  EXPECT_FALSE(r.tc()) << r.text();
  EXPECT_EQ(r.ancount(), 10);
  EXPECT_LT(r.arcount(), 20) << "20 address RRs cannot fit in 512 octets";
  EXPECT_GT(r.arcount(), 0);
  EXPECT_LE(r.size(), 512u);
}

// ---- UDP with EDNS ---------------------------------------------------------------

TEST_F(Limits, EdnsPayloadIsCappedByOurMaximum) {
  // Client offers 4096, we allow 1232 (the default).
  const Response big = ask("big.example.com", "TXT", with_edns(4096));
  EXPECT_TRUE(big.tc());
  EXPECT_LE(big.size(), 1232u);
  EXPECT_TRUE(big.has_opt()) << "room for our OPT is kept in a truncated answer";
  const Response a40 = ask("a40.example.com", "A", with_edns(4096));
  EXPECT_FALSE(a40.tc());
  EXPECT_EQ(a40.ancount(), 40);
  EXPECT_GT(a40.size(), 512u);
  const Response chain = ask("chain.example.com", "A", with_edns(4096));
  EXPECT_FALSE(chain.tc());
  EXPECT_EQ(chain.ancount(), 44);
}

TEST_F(Limits, ALargerMaximumLetsTheClientPayloadDecide) {
  EngineConfig config;
  config.max_udp_payload = 4096;
  Server server(snapshot(), config);
  const Response r = server.query("big.example.com", "TXT", with_edns(4096));
  EXPECT_FALSE(r.tc());
  EXPECT_EQ(r.ancount(), 60);
  EXPECT_GT(r.size(), 1232u);
  EXPECT_LE(r.size(), 4096u);
  const Response smaller = server.query("big.example.com", "TXT", with_edns(2048));
  EXPECT_TRUE(smaller.tc());
  EXPECT_LE(smaller.size(), 2048u);
}

TEST_F(Limits, AnEdnsPayloadBelow512Means512) {
  const Response a20 = ask("a20.example.com", "A", with_edns(100));
  EXPECT_FALSE(a20.tc());
  EXPECT_EQ(a20.ancount(), 20);
  EXPECT_GT(a20.size(), 100u);
  const Response a40 = ask("a40.example.com", "A", with_edns(100));
  EXPECT_TRUE(a40.tc());
  EXPECT_LE(a40.size(), 512u);
}

// ---- TCP --------------------------------------------------------------------------

TEST_F(Limits, OverTcpTheWholeAnswerComesBack) {
  const Response big = ask("big.example.com", "TXT", {}, Transport::kTcp);
  EXPECT_FALSE(big.tc());
  EXPECT_EQ(big.ancount(), 60);
  const auto answer = big.section(";; ANSWER");
  ASSERT_EQ(answer.size(), 60u);
  for (int i = 0; i < 60; ++i) {
    EXPECT_NE(std::find(answer.begin(), answer.end(),
                        "big.example.com. 3600 IN TXT \"" + txt40(i) + "\""),
              answer.end())
        << i;
  }
  const Response chain = ask("chain.example.com", "A", {}, Transport::kTcp);
  EXPECT_FALSE(chain.tc());
  EXPECT_EQ(chain.ancount(), 44);
  const Response mx = ask("example.com", "MX", {}, Transport::kTcp);
  EXPECT_EQ(mx.arcount(), 20) << "every MX target's A and AAAA";
}

// Owners past offset 0x3fff cannot be compression pointers; they must be
// written out and the message must still parse.
TEST(LimitsTcp, AnAnswerLargerThan16KiBParses) {
  std::string body;
  for (int i = 0; i < 600; ++i) {
    const std::string host = "mail-exchanger-" + std::to_string(i);
    body += "@ MX " + std::to_string(i) + " " + host + "\n";
    body += host + " A 10.0." + std::to_string(i / 256) + "." + std::to_string(i % 256) + "\n";
  }
  Server server(compile_zones({{"example.com.", body}}));
  const Response r = server.query("example.com", "MX", {}, Transport::kTcp);
  ASSERT_TRUE(r.parses()) << r.text().substr(0, 200);
  EXPECT_GT(r.size(), 0x4000u);
  EXPECT_FALSE(r.tc());
  EXPECT_EQ(r.ancount(), 600);
  ASSERT_EQ(r.arcount(), 600);
  const auto additional = r.section(";; ADDITIONAL");
  const std::set<std::string> lines(additional.begin(), additional.end());
  for (const int i : {0, 299, 599}) {
    const std::string line = "mail-exchanger-" + std::to_string(i) +
                             ".example.com. 3600 IN A 10.0." + std::to_string(i / 256) + "." +
                             std::to_string(i % 256);
    EXPECT_EQ(lines.count(line), 1u) << line;
  }
}

// ---- the buffer's capacity ----------------------------------------------------------

// Answers `query` in a buffer that has room for `capacity` bytes, followed by
// a guard area; returns the answer's length and how many guard bytes changed.
struct Guarded {
  std::size_t length;
  std::size_t guard_bytes_written;
};
Guarded answer_in(Engine& engine, const std::vector<std::uint8_t>& query, std::size_t capacity) {
  constexpr std::uint8_t kCanary = 0xab;
  std::vector<std::uint8_t> buffer(capacity + 256, kCanary);
  std::copy(query.begin(), query.end(), buffer.begin());
  const std::size_t n =
      engine.answer_one(*snapshot(), buffer.data(), query.size(), capacity, Transport::kUdp);
  const auto written = std::count_if(buffer.begin() + static_cast<std::ptrdiff_t>(capacity),
                                     buffer.end(), [](std::uint8_t b) { return b != kCanary; });
  return {n, static_cast<std::size_t>(written)};
}

TEST_F(Limits, AFullBufferTruncatesAndNothingIsWrittenBeyondIt) {
  const auto query = make_query("three.example.com", "A");
  const Guarded g = answer_in(server_.engine(), query, query.size());
  EXPECT_LE(g.length, query.size());
  EXPECT_EQ(g.guard_bytes_written, 0u);
}

// The answer must fit the buffer even when our OPT (with NSID) is larger than the client's.
TEST_F(Limits, OurOptNeverOverrunsTheBuffer) {
  EngineConfig config;
  config.nsid = "a-rather-long-name-server-identifier";
  Server server(snapshot(), config);
  tools::QueryOptions asks = with_edns();
  asks.nsid = true;
  const auto query = make_query("three.example.com", "A", asks);
  for (const std::size_t capacity : {query.size(), query.size() + 16}) {
    const Guarded g = answer_in(server.engine(), query, capacity);
    EXPECT_LE(g.length, capacity) << "capacity " << capacity;
    EXPECT_EQ(g.guard_bytes_written, 0u) << "capacity " << capacity;
  }
}

// ---- our OPT ------------------------------------------------------------------------

TEST_F(Limits, OurOptCarriesOurPayloadAndEchoesDo) {
  EXPECT_EQ(ask("three.example.com", "A", with_edns(4096)).section(";; ADDITIONAL"),
            std::vector<std::string>{});
  const std::string plain = ask("three.example.com", "A", with_edns(4096)).text();
  EXPECT_NE(plain.find("\n;; EDNS udp=1232 version=0\n"), std::string::npos) << plain;
  tools::QueryOptions dnssec = with_edns(4096);
  dnssec.do_bit = true;
  const std::string with_do = ask("three.example.com", "A", dnssec).text();
  EXPECT_NE(with_do.find("\n;; EDNS udp=1232 version=0 do\n"), std::string::npos) << with_do;

  EngineConfig config;
  config.max_udp_payload = 1400;
  Server server(snapshot(), config);
  const std::string custom = server.ask("three.example.com", "A", with_edns(512));
  EXPECT_NE(custom.find("\n;; EDNS udp=1400 version=0\n"), std::string::npos) << custom;
}

TEST_F(Limits, NoOptWithoutEdns) {
  const Response r = ask("three.example.com", "A");
  EXPECT_FALSE(r.has_opt());
  EXPECT_EQ(r.arcount(), 0);
}

TEST_F(Limits, NsidOnlyWhenAskedAndConfigured) {
  EngineConfig config;
  config.nsid = "edge-7";
  Server server(snapshot(), config);
  tools::QueryOptions asks = with_edns();
  asks.nsid = true;
  EXPECT_EQ(server.ask("three.example.com", "A", asks), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
three.example.com. IN A
;; ANSWER
three.example.com. 3600 IN A 192.0.2.1
three.example.com. 3600 IN A 192.0.2.2
three.example.com. 3600 IN A 192.0.2.3
;; AUTHORITY
;; ADDITIONAL
;; EDNS udp=1232 version=0 nsid="edge-7"
)"));
  const std::string not_asked = server.ask("three.example.com", "A", with_edns());
  EXPECT_EQ(not_asked.find("nsid"), std::string::npos) << not_asked;
  const std::string not_configured = ask("three.example.com", "A", asks).text();
  EXPECT_EQ(not_configured.find("nsid"), std::string::npos) << not_configured;
  // An error answer carries it too.
  const std::string refused = server.ask("www.example.test", "A", asks);
  EXPECT_NE(refused.find("nsid=\"edge-7\""), std::string::npos) << refused;
}

// ---- compression --------------------------------------------------------------------

TEST_F(Limits, OwnersArePointersIntoTheQuestion) {
  // Each A RR: pointer (2) + type, class, TTL, RDLENGTH (10) + address (4).
  const auto query = make_query("three.example.com", "A");
  const Response r = server_.answer(query);
  EXPECT_EQ(r.size(), query.size() + 3 * 16);

  const auto edns_query = make_query("three.example.com", "A", with_edns());
  const Response e = server_.answer(edns_query);
  EXPECT_EQ(e.size(), edns_query.size() + 3 * 16) << "our OPT is the same 11 octets as the query's";
}

TEST_F(Limits, ChainOwnersArePointersIntoEarlierRdata) {
  // bar CNAME foo.example.com.: RDATA "foo" then a pointer to "example.com."
  // in the question (4 + 2), then foo's A owned by a pointer into that RDATA.
  const auto query = make_query("bar.example.com", "A");
  const Response r = server_.answer(query);
  ASSERT_EQ(r.ancount(), 2);
  EXPECT_EQ(r.size(), query.size() + (12 + 6) + 16);
}

TEST_F(Limits, AdditionalOwnersArePointersIntoTheMxRdata) {
  const auto query = make_query("example.com", "MX");
  const Response r = server_.answer(query, Transport::kTcp);
  // 10 MX RRs: 12 + preference 2 + "mxN" (4 or 5) and a pointer to the
  // question's "example.com." (2), as RFC 1035 §4.1.4 compresses it (knotd
  // writes the same); 10 A (16) and 10 AAAA (28), each owned by a pointer
  // into an MX's RDATA.
  std::size_t expected = query.size();
  for (int i = 1; i <= 10; ++i) expected += 12 + 2 + (i < 10 ? 4 : 5) + 2;
  expected += 10 * 16 + 10 * 28;
  EXPECT_EQ(r.size(), expected);
}

TEST_F(Limits, AnRRsetThatFitsOnlyCompressedIsNotTruncated) {
  // 20 MX: 12 + 2 + "mailNN" (7) + a pointer to "example.com." (2) = 23
  // octets each, 460 in all: with the header and question, 494 <= 512.
  // Written whole (34 each, 680) they would not fit and the answer had TC.
  const Response r = ask("wide.example.com", "MX");
  const std::string text = r.text();
  EXPECT_EQ(text.find(" tc"), std::string::npos) << text;
  EXPECT_EQ(r.ancount(), 20);
  EXPECT_LE(r.size(), 512u);
  EXPECT_NE(text.find("MX 20 mail20.example.com."), std::string::npos) << text;
}

// An owner beyond 0x3FFF is written in full, RR by RR. The root is one
// octet, shorter than the pointer it replaces: the room check must not
// compute "length - 2" unsigned (it wrapped, and the set never fit).
TEST(LongOwner, RootOwnerBeyondPointerReachIsWrittenInFull) {
  // One A RR in answer form, owner a pointer to the question, as compiled.
  const std::uint8_t rr[16] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1};
  constexpr std::size_t kRoot = 0x4000;     // a root name the answer already holds
  constexpr std::size_t kQuestionEnd = 0x4100;
  constexpr std::size_t kWritten = 1 + 14;  // the root label, then type..RDATA
  for (const std::size_t room : {kWritten, kWritten - 1}) {
    SCOPED_TRACE(room);
    std::vector<std::uint8_t> packet(0x10000, 0xee);
    packet[kRoot] = 0;
    ResponseWriter w;
    w.start(packet.data(), packet.size(), kQuestionEnd, kQuestionEnd + room, 0);
    const std::size_t start = w.put_rrset(Section::kAnswer, rr, 1, NameRef{kRoot, 1});
    if (room < kWritten) {
      EXPECT_EQ(start, 0u) << "one octet short: not written";
      EXPECT_EQ(w.size(), kQuestionEnd);
      continue;
    }
    ASSERT_EQ(start, kQuestionEnd);
    EXPECT_EQ(w.size(), kQuestionEnd + kWritten);
    EXPECT_EQ(w.count(Section::kAnswer), 1u);
    const std::vector<std::uint8_t> expected{0, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 1};
    EXPECT_EQ(std::vector<std::uint8_t>(packet.begin() + kQuestionEnd, packet.begin() + kQuestionEnd + kWritten),
              expected);
  }
}

}  // namespace
}  // namespace canon::engine::testing
