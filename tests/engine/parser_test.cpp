// The parser's rules (engine/query.hpp), each with a hand-built packet:
// what is dropped, what is FORMERR, NOTIMP, BADVERS, REFUSED, CHAOS, and the
// invariants every error answer keeps (QR=1, the query's ID, RD and CD
// echoed, no larger than max(query size, 512)).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"
#include "tests/engine/wire_builder.hpp"

namespace canon::engine::testing {
namespace {

constexpr std::uint16_t kId = 0xbeef;

// One zone, compiled once for the whole file.
std::shared_ptr<const zones::Snapshot> snapshot() {
  static const auto snap = compile_zones({{"example.com.", "www A 192.0.2.1\n"}});
  return snap;
}

class Parser : public ::testing::Test {
 protected:
  // A well-formed A query for www.example.com with RD and CD set.
  static Wire good() { return Wire().header(kId, kRdCd, 1).question("www.example.com"); }

  Server server_{snapshot()};
};

// What every answer to a query we refuse or cannot parse must look like.
void expect_error_answer(const std::vector<std::uint8_t>& query, const Response& r,
                         const std::string& rcode) {
  ASSERT_TRUE(r.sent());
  EXPECT_EQ(r.rcode(), rcode) << r.text();
  EXPECT_TRUE(r.qr());
  EXPECT_EQ(r.id(), kId);
  EXPECT_TRUE(r.rd()) << "RD echoed";
  EXPECT_TRUE(r.cd()) << "CD echoed";
  EXPECT_FALSE(r.aa());
  EXPECT_EQ(r.ancount(), 0);
  EXPECT_EQ(r.nscount(), 0);
  EXPECT_LE(r.size(), std::max<std::size_t>(query.size(), 512));
  EXPECT_TRUE(r.parses()) << r.text();
}

// ---- dropped -----------------------------------------------------------------

TEST_F(Parser, AResponseIsNeverAnswered) {
  const auto query = Wire().header(kId, 0x8000 | kRdCd, 1).question("www.example.com").bytes;
  EXPECT_FALSE(server_.answer(query).sent());
}

TEST_F(Parser, APacketShorterThanAHeaderIsNotAnswered) {
  for (std::size_t n = 0; n < 12; ++n) {
    auto query = good().bytes;
    query.resize(n);
    EXPECT_FALSE(server_.answer(query).sent()) << n << " bytes";
  }
}

// ---- FORMERR -----------------------------------------------------------------

struct Malformed {
  std::string title;
  std::vector<std::uint8_t> packet;
};

std::vector<Malformed> malformed() {
  using W = Wire;
  return {
      {"qdcount_0", W().header(kId, kRdCd, 0).bytes},
      {"qdcount_2",
       W().header(kId, kRdCd, 2).question("www.example.com").question("example.com").bytes},
      {"label_over_63",
       W().header(kId, kRdCd, 1).label(64).name("example.com").u16(1).u16(1).bytes},
      {"name_over_255",  // 4 × 63-octet labels: 256 octets with the root
       W().header(kId, kRdCd, 1).label(63).label(63).label(63).label(62).u8(0).u16(1).u16(1).bytes},
      {"compression_pointer_in_question",
       W().header(kId, kRdCd, 1).raw({3, 'w', 'w', 'w', 0xc0, 0x0c}).u16(1).u16(1).bytes},
      {"reserved_label_type_0x40",
       W().header(kId, kRdCd, 1).raw({0x41, 'w', 0}).u16(1).u16(1).bytes},
      {"reserved_label_type_0x80",
       W().header(kId, kRdCd, 1).raw({0x81, 'w', 0}).u16(1).u16(1).bytes},
      {"qdcount_1_without_a_question", W().header(kId, kRdCd, 1).bytes},
      {"name_overruns_the_packet", W().header(kId, kRdCd, 1).raw({3, 'w', 'w'}).bytes},
      {"question_without_qclass", W().header(kId, kRdCd, 1).name("www.example.com").u16(1).bytes},
      {"ancount_claims_a_missing_record",
       W().header(kId, kRdCd, 1, 1).question("www.example.com").bytes},
      {"arcount_claims_a_missing_record",
       W().header(kId, kRdCd, 1, 0, 0, 1).question("www.example.com").bytes},
      {"record_rdata_overruns",  // an A record whose RDLENGTH says 4, with 2 bytes present
       W().header(kId, kRdCd, 1, 0, 0, 1)
           .question("www.example.com")
           .raw({0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 0, 0, 4, 1, 2})
           .bytes},
      {"trailing_byte", W().header(kId, kRdCd, 1).question("www.example.com").u8(0).bytes},
      {"trailing_bytes_after_opt",
       W().header(kId, kRdCd, 1, 0, 0, 1).question("www.example.com").opt().raw({0, 0, 0}).bytes},
      {"two_opt_records",
       W().header(kId, kRdCd, 1, 0, 0, 2).question("www.example.com").opt().opt().bytes},
      {"opt_in_answer", W().header(kId, kRdCd, 1, 1).question("www.example.com").opt().bytes},
      {"opt_in_authority", W().header(kId, kRdCd, 1, 0, 1).question("www.example.com").opt().bytes},
      {"opt_with_non_root_owner", W().header(kId, kRdCd, 1, 0, 0, 1)
                                      .question("www.example.com")
                                      .opt(1232, 0, false, {}, "example.com")
                                      .bytes},
      {"edns_option_overruns_the_opt",  // NSID option claiming 8 bytes, 1 present
       W().header(kId, kRdCd, 1, 0, 0, 1)
           .question("www.example.com")
           .opt(1232, 0, false, {0, 3, 0, 8, 'a'})
           .bytes},
      {"edns_option_header_cut_short", W().header(kId, kRdCd, 1, 0, 0, 1)
                                           .question("www.example.com")
                                           .opt(1232, 0, false, {0, 3, 0})
                                           .bytes},
      {"axfr_over_udp", W().header(kId, kRdCd, 1).question("example.com", 252).bytes},
      {"ixfr_over_udp", W().header(kId, kRdCd, 1).question("example.com", 251).bytes},
  };
}

class FormErr : public ::testing::TestWithParam<Malformed> {};

void PrintTo(const Malformed& m, std::ostream* os) {
  *os << m.title;
}

TEST_P(FormErr, IsAnsweredFormErrWithTheHeaderEchoed) {
  Server server(snapshot());
  const std::vector<std::uint8_t>& query = GetParam().packet;
  const Response r = server.answer(query);
  expect_error_answer(query, r, "FORMERR");
}

INSTANTIATE_TEST_SUITE_P(Parser, FormErr, ::testing::ValuesIn(malformed()),
                         [](const auto& row) { return row.param.title; });

TEST_F(Parser, FormErrWithoutAQuestionIsAHeaderOnly) {
  const auto query = Wire().header(kId, kRdCd, 0).bytes;
  const Response r = server_.answer(query);
  EXPECT_EQ(r.size(), 12u);
  EXPECT_EQ(r.qdcount(), 0);
}

TEST_F(Parser, FormErrForTrailingBytesEchoesTheQuestion) {
  const auto query = good().u8(0).bytes;
  EXPECT_EQ(server_.answer(query).text(), golden(R"(
;; FORMERR qr rd cd
;; QUESTION
www.example.com. IN A
;; ANSWER
;; AUTHORITY
;; ADDITIONAL
)"));
}

// Just inside the limits: not FORMERR.
TEST_F(Parser, ALabelOf63AndANameOf255AreAccepted) {
  const auto label63 =
      Wire().header(kId, kRdCd, 1).label(63).name("example.com").u16(1).u16(1).bytes;
  EXPECT_EQ(server_.answer(label63).rcode(), "NXDOMAIN");
  // 63+63+63+61 octets of labels, 4 length bytes and the root: 255.
  const auto name255 = Wire()
                           .header(kId, kRdCd, 1)
                           .label(63)
                           .label(63)
                           .label(63)
                           .label(61)
                           .u8(0)
                           .u16(1)
                           .u16(1)
                           .bytes;
  ASSERT_EQ(name255.size(), 12u + 255u + 4u);
  EXPECT_EQ(server_.answer(name255).rcode(), "REFUSED");
}

TEST_F(Parser, AQueryWithRecordsInEverySectionIsAnswered) {
  // RFC 1035 allows them; only the counts must be honest.
  const auto query = Wire()
                         .header(kId, kRdCd, 1, 1, 1, 2)
                         .question("www.example.com")
                         .a_record()
                         .a_record()
                         .a_record()
                         .opt()
                         .bytes;
  const Response r = server_.answer(query);
  EXPECT_EQ(r.rcode(), "NOERROR") << r.text();
  EXPECT_EQ(r.ancount(), 1);
}

TEST_F(Parser, AxfrAndIxfrOverTcpAreNotFormErr) {
  for (const std::uint16_t qtype : {252, 251}) {
    const auto query = Wire().header(kId, kRdCd, 1).question("example.com", qtype).bytes;
    const Response r = server_.answer(query, Transport::kTcp);
    ASSERT_TRUE(r.sent());
    EXPECT_NE(r.rcode(), "FORMERR") << qtype;
    EXPECT_TRUE(r.qr());
    EXPECT_EQ(r.id(), kId);
  }
}

// ---- NOTIMP ------------------------------------------------------------------

TEST_F(Parser, OpcodesOtherThanQueryAreNotImp) {
  for (const unsigned opcode : {1u, 2u, 4u, 5u, 15u}) {
    const auto query = Wire()
                           .header(kId, static_cast<std::uint16_t>(kRdCd | (opcode << 11)), 1)
                           .question("www.example.com")
                           .bytes;
    const Response r = server_.answer(query);
    expect_error_answer(query, r, "NOTIMP");
    EXPECT_EQ(r.opcode(), opcode) << "the OPCODE is echoed";
  }
}

// canond with secondary zones: a NOTIFY is left untouched (nothing sent)
// for the control side; with the DPDK backend only over TCP, and a UDP one
// gets NOTIMP. Other opcodes stay NOTIMP either way.
TEST_F(Parser, ANotifyIsLeftForTheControlSideWhereTheBackendCanHandItOver) {
  const auto notify = Wire().header(kId, static_cast<std::uint16_t>(4u << 11), 1).question("www.example.com").bytes;
  const auto update = Wire().header(kId, static_cast<std::uint16_t>(5u << 11), 1).question("www.example.com").bytes;
  EngineConfig sockets;
  sockets.notify_to_control = true;
  EngineConfig dpdk = sockets;
  dpdk.udp_notify_to_control = false;
  Server socket_backend(snapshot(), sockets);
  Server dpdk_backend(snapshot(), dpdk);
  EXPECT_FALSE(socket_backend.answer(notify).sent());
  EXPECT_FALSE(socket_backend.answer(notify, Transport::kTcp).sent());
  EXPECT_EQ(dpdk_backend.answer(notify).rcode(), "NOTIMP");
  EXPECT_FALSE(dpdk_backend.answer(notify, Transport::kTcp).sent());
  EXPECT_EQ(socket_backend.engine().counters().to_control.load(), 2u);
  EXPECT_EQ(dpdk_backend.engine().counters().to_control.load(), 1u);
  EXPECT_EQ(socket_backend.answer(update).rcode(), "NOTIMP");
  EXPECT_EQ(dpdk_backend.answer(update, Transport::kTcp).rcode(), "NOTIMP");
}

// RFC 6891 §7: a responder MUST include an OPT in its response to a request with one.
TEST_F(Parser, NotImpForAQueryWithEdnsKeepsAnOpt) {
  const auto query =
      Wire().header(kId, kRdCd | (5u << 11), 1, 0, 0, 1).question("www.example.com").opt().bytes;
  const Response r = server_.answer(query);
  EXPECT_EQ(r.rcode(), "NOTIMP");
  EXPECT_TRUE(r.has_opt()) << r.text();
}

// ---- BADVERS -----------------------------------------------------------------

TEST_F(Parser, EdnsVersion1IsBadVersWithTheExtendedRcodeInOurOpt) {
  const auto query = good().bytes;
  Wire w{query};
  w.bytes[11] = 1;  // ARCOUNT
  w.opt(4096, 1);
  const Response r = server_.answer(w.bytes);
  ASSERT_TRUE(r.sent());
  EXPECT_EQ(r.rcode(), "BADVERS") << r.text();
  EXPECT_EQ(r.header_rcode(), 0u) << "BADVERS = 16: low 4 bits in the header are 0";
  EXPECT_TRUE(r.qr());
  EXPECT_EQ(r.id(), kId);
  EXPECT_EQ(r.ancount(), 0);
  ASSERT_EQ(r.arcount(), 1);
  // Our OPT is the last 11 bytes: owner, TYPE 41, payload, ext-rcode, version, flags, RDLENGTH.
  ASSERT_GE(r.size(), 12u + 11u);
  const std::uint8_t* opt = r.bytes.data() + r.size() - 11;
  EXPECT_EQ(opt[0], 0);
  EXPECT_EQ(load16(opt + 1), 41);
  EXPECT_EQ(opt[5], 1) << "extended RCODE 1 (16 >> 4)";
  EXPECT_EQ(opt[6], 0) << "our version is 0";
  EXPECT_TRUE(r.parses());
}

// ---- classes -----------------------------------------------------------------

TEST_F(Parser, ClassChaosAnswersWhoWeAre) {
  EngineConfig config;
  config.identity = "edge-7.example";
  config.version = "canon 9.9";
  Server server(snapshot(), config);
  tools::QueryOptions ch;
  ch.qclass = 3;
  EXPECT_EQ(server.ask("id.server", "TXT", ch), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
id.server. CH TXT
;; ANSWER
id.server. 0 CH TXT "edge-7.example"
;; AUTHORITY
;; ADDITIONAL
)"));
  EXPECT_EQ(server.ask("hostname.bind", "TXT", ch), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
hostname.bind. CH TXT
;; ANSWER
hostname.bind. 0 CH TXT "edge-7.example"
;; AUTHORITY
;; ADDITIONAL
)"));
  EXPECT_EQ(server.ask("VERSION.BIND", "TXT", ch), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
VERSION.BIND. CH TXT
;; ANSWER
VERSION.BIND. 0 CH TXT "canon 9.9"
;; AUTHORITY
;; ADDITIONAL
)"));
  EXPECT_EQ(server.query("version.server", "TXT", ch).section(";; ANSWER"),
            std::vector<std::string>{"version.server. 0 CH TXT \"canon 9.9\""});
}

TEST_F(Parser, ClassChaosIsRefusedWhenTurnedOffOrForAnotherName) {
  tools::QueryOptions ch;
  ch.qclass = 3;
  const Response other = server_.query("www.example.com", "TXT", ch);
  EXPECT_EQ(other.rcode(), "REFUSED");
  EXPECT_EQ(other.ancount(), 0);
  EXPECT_FALSE(other.aa());

  EngineConfig config;
  config.chaos = false;
  Server quiet(snapshot(), config);
  for (const char* name : {"id.server", "version.bind", "hostname.bind"}) {
    const Response r = quiet.query(name, "TXT", ch);
    EXPECT_EQ(r.rcode(), "REFUSED") << name;
    EXPECT_EQ(r.ancount(), 0) << name;
  }
}

TEST_F(Parser, ClassHesiodAndNoneAreRefused) {
  for (const std::uint16_t qclass : {4, 254}) {
    const auto query = Wire().header(kId, kRdCd, 1).question("www.example.com", 1, qclass).bytes;
    expect_error_answer(query, server_.answer(query), "REFUSED");
  }
}

TEST_F(Parser, ClassAnyIsAnsweredLikeIn) {
  tools::QueryOptions any;
  any.qclass = 255;
  EXPECT_EQ(server_.ask("www.example.com", "A", any), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
www.example.com. ANY A
;; ANSWER
www.example.com. 3600 IN A 192.0.2.1
;; AUTHORITY
;; ADDITIONAL
)"));
}

// ---- what every answer echoes ------------------------------------------------

TEST_F(Parser, IdRdAndCdAreEchoedOnAnAnswerToo) {
  const auto query = good().bytes;
  const Response r = server_.answer(query);
  EXPECT_EQ(r.id(), kId);
  EXPECT_TRUE(r.rd());
  EXPECT_TRUE(r.cd());
  auto plain = Wire().header(0x0102, 0, 1).question("www.example.com").bytes;
  const Response p = server_.answer(plain);
  EXPECT_EQ(p.id(), 0x0102);
  EXPECT_FALSE(p.rd());
  EXPECT_FALSE(p.cd());
}

TEST_F(Parser, AnErrorAnswerIsNoLargerThanTheQueryOr512) {
  // A large query (question of 255 octets and padding in an EDNS option) and a
  // minimal one: the answer stays within max(query, 512) either way.
  const auto small = Wire().header(kId, kRdCd, 0).bytes;
  EXPECT_LE(server_.answer(small).size(), 512u);
  Wire big = Wire().header(kId, kRdCd | (2u << 11), 1, 0, 0, 1);
  big.label(63).label(63).label(63).label(61).u8(0).u16(1).u16(1);
  big.opt(1232, 0, false, {0, 12, 0, 4, 0, 0, 0, 0});
  const Response r = server_.answer(big.bytes);
  EXPECT_EQ(r.rcode(), "NOTIMP");
  EXPECT_LE(r.size(), std::max<std::size_t>(big.bytes.size(), 512));
}

// ---- the common shape's fast reading ------------------------------------------

// parse_query reads the common shape with a few wide compares and anything
// else with parse_query_general; what it decides must be the general
// reading's, field by field, for the common shape and for every packet one
// octet away from it (each octet of each of these queries set to values
// that matter to one rule or another), over UDP and TCP.
void expect_same_reading(const std::vector<std::uint8_t>& packet, Transport transport) {
  Query fast;
  Query general;
  parse_query(packet.data(), packet.size(), transport, fast);
  detail::parse_query_general(packet.data(), packet.size(), transport, general);
  const std::string what = "packet of " + std::to_string(packet.size()) + " octets";
  ASSERT_EQ(static_cast<int>(fast.verdict), static_cast<int>(general.verdict)) << what;
  ASSERT_EQ(fast.question_ok, general.question_ok) << what;
  ASSERT_EQ(fast.has_edns, general.has_edns) << what;
  ASSERT_EQ(fast.do_bit, general.do_bit) << what;
  ASSERT_EQ(fast.nsid_requested, general.nsid_requested) << what;
  ASSERT_EQ(fast.qtype, general.qtype) << what;
  ASSERT_EQ(fast.qclass, general.qclass) << what;
  ASSERT_EQ(fast.udp_payload, general.udp_payload) << what;
  ASSERT_EQ(fast.qname_length, general.qname_length) << what;
  ASSERT_EQ(fast.question_end, general.question_end) << what;
  ASSERT_EQ(fast.policy_rule, general.policy_rule) << what;
  ASSERT_EQ(fast.name.length, general.name.length) << what;
  if (fast.question_ok) {
    ASSERT_EQ(fast.name.hash, general.name.hash) << what;
    ASSERT_EQ(0, std::memcmp(fast.name.bytes, general.name.bytes, fast.name.length)) << what;
  }
}

TEST(ParserFastShape, DecidesWhatTheGeneralReadingDecides) {
  const std::vector<std::vector<std::uint8_t>> shapes = {
      Wire().header(kId, kRdCd, 1).question("www.Example.com").bytes,
      Wire().header(kId, 0, 1, 0, 0, 1).question("www.example.com", 28).opt(1232, 0, true).bytes,
      Wire().header(kId, 0, 1, 0, 0, 1).question("a-much-longer-label-than-most.example.com", 15).opt(4096).bytes,
      Wire().header(kId, 0, 1, 0, 0, 1).question("x").opt(512, 0, false, {0, 3, 0, 0}).bytes,
      Wire().header(kId, 0, 1).question("").bytes,
  };
  const std::uint8_t kValues[] = {0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x0b, 0x0c, 0x10, 0x20, 0x29, 0x3f,
                                  0x40, 0x41, 0x80, 0x81, 0xc0, 0xfb, 0xfc, 0xfe, 0xff};
  std::size_t checked = 0;
  for (const auto& shape : shapes) {
    for (const Transport transport : {Transport::kUdp, Transport::kTcp}) {
      expect_same_reading(shape, transport);
      for (std::size_t at = 0; at < shape.size(); ++at) {
        for (const std::uint8_t value : kValues) {
          auto changed = shape;
          changed[at] = value;
          expect_same_reading(changed, transport);
          ++checked;
        }
      }
      for (std::size_t cut = 0; cut < shape.size(); ++cut) {  // every truncation, and one octet more
        expect_same_reading({shape.begin(), shape.begin() + static_cast<std::ptrdiff_t>(cut)}, transport);
      }
      auto longer = shape;
      longer.push_back(0);
      expect_same_reading(longer, transport);
    }
  }
  EXPECT_GT(checked, 2000u);
}

}  // namespace
}  // namespace canon::engine::testing
