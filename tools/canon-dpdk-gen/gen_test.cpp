// canon-dpdk-gen's byte-level parts: the query file parser, the prebuilt
// frames (checksums verified by recomputing them from scratch), the flight
// table, the response and echo checks, ARP and the options. No DPDK.
#include <gtest/gtest.h>

#include <vector>

#include "arp.hpp"
#include "checksum.hpp"
#include "flight_table.hpp"
#include "memif_socket.hpp"
#include "options.hpp"
#include "query_frames.hpp"
#include "report.hpp"
#include "response_check.hpp"

namespace canon::gen {
namespace {

const MacAddress kOurMac = {0x02, 0, 0, 0, 0, 0x01};
const MacAddress kServerMac = {0x02, 0, 0, 0, 0, 0x02};
constexpr Ipv4 kSrc{0xc6120001};
constexpr Ipv4 kDst{0xc6120002};

Endpoints endpoints() {
  Endpoints e;
  e.src_mac = kOurMac;
  e.dst_mac = kServerMac;
  e.src = kSrc;
  e.dst = kDst;
  e.dst_port = 53;
  return e;
}

// Both checksums of an Ethernet/IPv4/UDP frame verify (recomputed from all bytes).
void expect_checksums_ok(const std::vector<std::uint8_t>& f) {
  const std::uint8_t* ip = f.data() + kIpOff;
  EXPECT_EQ(fold(sum_words(ip, kIpLen)), 0xffff) << "IPv4 header checksum";
  const std::size_t udp_length = load16(f.data() + kUdpOff + 4);
  std::uint32_t sum = sum_words(ip + 12, 8) + kProtoUdp + static_cast<std::uint32_t>(udp_length);
  EXPECT_NE(load16(f.data() + kUdpOff + 6), 0);
  EXPECT_EQ(fold(sum_words(f.data() + kUdpOff, udp_length, sum)), 0xffff) << "UDP checksum";
}

std::vector<std::uint8_t> frame_copy(const FrameSet& set, std::size_t i) {
  const QueryFrame& q = set.frames[i];
  return {set.data(q), set.data(q) + q.length};
}

// Recomputes both checksums of a frame after an edit.
void reseal(std::vector<std::uint8_t>& r) {
  store16(r.data() + kIpOff + 10, 0);
  store16(r.data() + kIpOff + 10, ipv4_checksum(sum_words(r.data() + kIpOff, kIpLen)));
  store16(r.data() + kUdpOff + 6, 0);
  const std::size_t udp_length = load16(r.data() + kUdpOff + 4);
  std::uint32_t sum =
      sum_words(r.data() + kIpOff + 12, 8) + kProtoUdp + static_cast<std::uint32_t>(udp_length);
  store16(r.data() + kUdpOff + 6, udp_checksum(sum_words(r.data() + kUdpOff, udp_length, sum)));
}

// The server's answer to a query frame: addresses swapped, QR=1, rcode, the
// name in upper case, checksums recomputed.
std::vector<std::uint8_t> response_to(const std::vector<std::uint8_t>& f, std::uint8_t rcode) {
  std::vector<std::uint8_t> r = f;
  std::copy(f.begin() + 6, f.begin() + 12, r.begin());
  std::copy(f.begin(), f.begin() + 6, r.begin() + 6);
  std::copy(f.begin() + kIpOff + 16, f.begin() + kIpOff + 20, r.begin() + kIpOff + 12);
  std::copy(f.begin() + kIpOff + 12, f.begin() + kIpOff + 16, r.begin() + kIpOff + 16);
  store16(r.data() + kUdpOff, load16(f.data() + kUdpOff + 2));
  store16(r.data() + kUdpOff + 2, load16(f.data() + kUdpOff));
  r[kDnsOff + 2] = 0x84;  // QR AA
  r[kDnsOff + 3] = rcode;
  for (std::size_t i = kQuestionOff; i < r.size(); ++i)
    if (r[i] >= 'a' && r[i] <= 'z') r[i] = static_cast<std::uint8_t>(r[i] - 32);
  // (the OPT and type bytes hold no letters for these queries)
  reseal(r);
  return r;
}

TEST(QueryFile, ParsesNamesAndTypesSkippingCommentsAndBlanks) {
  const auto result = parse_queries(
      "# a comment\n\nwww.example.com A\n  ; another\nexample.com.\tMX\r\nx.example AAAA", "q.txt");
  ASSERT_EQ(result.error, "");
  ASSERT_EQ(result.queries.size(), 3u);
  EXPECT_EQ(result.queries[0].line, 3u);
  EXPECT_EQ(result.queries[1].line, 5u);
  EXPECT_EQ(result.queries[2].line, 6u);
  const auto& m = result.queries[0].message;
  // id 0, RD=0, QD=1, AR=1, www.example.com A IN, OPT with payload 1232
  const std::vector<std::uint8_t> expected = {
      0, 0,   0,   0,    0,    1,   0,   0,   0,   0,   0,   1,  //
      3, 'w', 'w', 'w',  7,    'e', 'x', 'a', 'm', 'p', 'l', 'e',
      3, 'c', 'o', 'm',  0,    0,   1,   0,   1,  //
      0, 0,   41,  0x04, 0xd0, 0,   0,   0,   0,   0,   0};
  EXPECT_EQ(m, expected);
  EXPECT_EQ(load16(result.queries[1].message.data() + 12 + 13), 15);  // MX
}

TEST(QueryFile, UnknownTypeIsAnErrorWithFileAndLine) {
  const auto result = parse_queries("a.example A\n\nb.example BOGUS\n", "q.txt");
  EXPECT_EQ(result.error.rfind("q.txt:3: ", 0), 0u) << result.error;
  EXPECT_NE(result.error.find("BOGUS"), std::string::npos);
}

TEST(QueryFile, WrongWordCountAndEmptyFileAreErrors) {
  EXPECT_EQ(parse_queries("a.example\n", "f").error.rfind("f:1: ", 0), 0u);
  EXPECT_EQ(parse_queries("ok.example A\na.example A extra\n", "f").error.rfind("f:2: ", 0), 0u);
  EXPECT_EQ(parse_queries("# nothing\n\n", "f").error, "f: no queries");
  EXPECT_EQ(parse_queries("x A\n", "f").error, "");
  EXPECT_EQ(parse_queries("x TYPE65000\n", "f").error, "");
}

TEST(Frames, HeadersAndChecksumsAfterEveryPatch) {
  const auto queries = parse_queries("www.example.com A\nexample.com TXT\nz MX\n", "q").queries;
  const FrameSet set = build_frames(queries, endpoints());
  ASSERT_EQ(set.frames.size(), 3u);
  const std::uint16_t ports[] = {10000, 10001, 14095, 65535, 1};
  const std::uint16_t ids[] = {0, 1, 0xfffe, 0xffff, 0x1234};
  for (std::size_t q = 0; q < set.frames.size(); ++q) {
    const QueryFrame& frame = set.frames[q];
    EXPECT_EQ(frame.length, kDnsOff + queries[q].message.size());
    EXPECT_EQ(frame.question_length, queries[q].message.size() - 12 - 11);
    for (const std::uint16_t sport : ports) {
      for (const std::uint16_t id : ids) {
        auto f = frame_copy(set, q);
        patch_frame(f.data(), frame, sport, id);
        EXPECT_TRUE(mac_equal(f.data(), kServerMac));
        EXPECT_TRUE(mac_equal(f.data() + 6, kOurMac));
        EXPECT_EQ(load16(f.data() + 12), kEtherIpv4);
        EXPECT_EQ(load16(f.data() + kIpOff + 2), f.size() - kEthLen);
        EXPECT_EQ(load32(f.data() + kIpOff + 12), kSrc.value);
        EXPECT_EQ(load32(f.data() + kIpOff + 16), kDst.value);
        EXPECT_EQ(load16(f.data() + kUdpOff), sport);
        EXPECT_EQ(load16(f.data() + kUdpOff + 2), 53);
        EXPECT_EQ(load16(f.data() + kUdpOff + 4), f.size() - kUdpOff);
        EXPECT_EQ(load16(f.data() + kDnsOff), id);
        expect_checksums_ok(f);
      }
    }
  }
}

TEST(Checksum, ZeroIsSentAsAllOnes) {
  EXPECT_EQ(udp_checksum(0xffff), 0xffff);
  EXPECT_EQ(ipv4_checksum(0xffff), 0);
  EXPECT_EQ(fold(0x1fffe), 0xffff);
  // RFC 1071 example: 0x0001 f203 f4f5 f6f7 sums to 0xddf2
  const std::uint8_t bytes[] = {0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
  EXPECT_EQ(fold(sum_words(bytes, sizeof bytes)), 0xddf2);
}

TEST(Flights, DistinctKeysForConsecutivePacketsAndAWindow) {
  FlightTable flights(10000, 4);  // a window of 16
  const auto k0 = flights.key_of(0);
  const auto k1 = flights.key_of(1);
  const auto k4096 = flights.key_of(4096);
  EXPECT_EQ(k0.sport, 10000);
  EXPECT_EQ(k0.id, 0);
  EXPECT_EQ(k1.sport, 10001);
  EXPECT_EQ(k4096.sport, 10000);
  EXPECT_EQ(k4096.id, 1);
  EXPECT_EQ(flights.key_of(4095).sport, 14095);
  EXPECT_TRUE(flights.port_in_range(14095));
  EXPECT_FALSE(flights.port_in_range(14096));
  EXPECT_FALSE(flights.port_in_range(9999));

  std::uint32_t query = 0;
  EXPECT_EQ(flights.find(k0.sport, k0.id, query), FlightTable::Landing::kUnknown);
  flights.launch(0, 7);
  ASSERT_EQ(flights.find(k0.sport, k0.id, query), FlightTable::Landing::kFirst);
  EXPECT_EQ(query, 7u);
  flights.land(k0.sport, k0.id);
  EXPECT_EQ(flights.find(k0.sport, k0.id, query), FlightTable::Landing::kDuplicate);
  flights.launch(16, 3);  // same window entry: packet 0 is forgotten
  EXPECT_EQ(flights.find(k0.sport, k0.id, query), FlightTable::Landing::kUnknown);
  const auto k16 = flights.key_of(16);
  EXPECT_EQ(flights.find(k16.sport, k16.id, query), FlightTable::Landing::kFirst);
  EXPECT_EQ(query, 3u);
}

class ResponseCheck : public ::testing::Test {
 protected:
  void SetUp() override {
    queries_ = parse_queries("www.example.com A\nmail.example.com MX\n", "q").queries;
    set_ = build_frames(queries_, endpoints());
    context_ = CheckContext{kOurMac, kSrc, kDst, 53, &set_, &flights_};
  }
  // Launches packet `seq` carrying query q and returns its frame.
  std::vector<std::uint8_t> send(std::uint64_t seq, std::uint32_t q) {
    auto f = frame_copy(set_, q);
    const auto key = flights_.key_of(seq);
    patch_frame(f.data(), set_.frames[q], key.sport, key.id);
    flights_.launch(seq, q);
    return f;
  }
  CheckResult check(const std::vector<std::uint8_t>& f) {
    return check_response(f.data(), f.size(), context_);
  }
  CheckResult mismatch(Mismatch m) {
    return CheckResult{Verdict::kMismatched, static_cast<std::uint8_t>(m)};
  }

  std::vector<Query> queries_;
  FrameSet set_;
  FlightTable flights_{10000, 8};
  CheckContext context_;
};

TEST_F(ResponseCheck, AnswerCountsOnceWithItsRcode) {
  const auto r = response_to(send(5, 1), 3);
  EXPECT_EQ(check(r), (CheckResult{Verdict::kAnswered, 3}));
  EXPECT_EQ(check(r), mismatch(Mismatch::kDuplicate));
}

TEST_F(ResponseCheck, WrongIdQuestionChecksumAddressAndQr) {
  auto unknown = response_to(send(1, 0), 0);
  store16(unknown.data() + kDnsOff, 0x4444);
  reseal(unknown);
  EXPECT_EQ(check(unknown), mismatch(Mismatch::kUnknownId));

  // answer of query 0's packet carrying query 1's question
  auto wrong_question = send(2, 0);
  const auto other = frame_copy(set_, 1);
  std::vector<std::uint8_t> w(wrong_question.begin(), wrong_question.begin() + kQuestionOff);
  w.insert(w.end(), other.begin() + kQuestionOff, other.end());
  store16(w.data() + kIpOff + 2, static_cast<std::uint16_t>(w.size() - kEthLen));
  store16(w.data() + kUdpOff + 4, static_cast<std::uint16_t>(w.size() - kUdpOff));
  EXPECT_EQ(check(response_to(w, 0)), mismatch(Mismatch::kQuestion));

  auto bad_sum = response_to(send(3, 0), 0);
  bad_sum[bad_sum.size() - 1] ^= 1;
  EXPECT_EQ(check(bad_sum), mismatch(Mismatch::kChecksum));

  auto qr_clear = response_to(send(4, 0), 0);
  qr_clear[kDnsOff + 2] = 0;
  reseal(qr_clear);
  EXPECT_EQ(check(qr_clear), mismatch(Mismatch::kNotResponse));

  auto from_elsewhere = response_to(send(6, 0), 0);
  store32(from_elsewhere.data() + kIpOff + 12, 0x0a000001);
  reseal(from_elsewhere);
  EXPECT_EQ(check(from_elsewhere), mismatch(Mismatch::kAddress));
  auto no_udp_sum = response_to(send(8, 0), 3);
  store16(no_udp_sum.data() + kUdpOff + 6, 0);  // UDP checksum 0: not computed, accepted
  EXPECT_EQ(check(no_udp_sum), (CheckResult{Verdict::kAnswered, 3}));
}

TEST_F(ResponseCheck, OtherTrafficIsNotOurs) {
  auto r = response_to(send(7, 0), 0);
  auto other_port = r;
  store16(other_port.data() + kUdpOff + 2, 53);
  EXPECT_EQ(check(other_port).verdict, Verdict::kNotOurs);
  auto other_mac = r;
  other_mac[5] ^= 0x10;
  EXPECT_EQ(check(other_mac).verdict, Verdict::kNotOurs);
  std::vector<std::uint8_t> runt(r.begin(), r.begin() + 30);
  EXPECT_EQ(check(runt).verdict, Verdict::kNotOurs);
  auto truncated = r;
  truncated.resize(r.size() - 3);
  EXPECT_EQ(check(truncated), mismatch(Mismatch::kMalformed));
  EXPECT_EQ(check(r).verdict, Verdict::kAnswered);
}

TEST_F(ResponseCheck, EchoCountsOurOwnFramesWithMacsSwapped) {
  auto f = send(9, 1);
  std::copy(kOurMac.begin(), kOurMac.end(), f.begin());
  std::copy(kServerMac.begin(), kServerMac.end(), f.begin() + 6);
  EXPECT_EQ(check_echo(f.data(), f.size(), context_).verdict, Verdict::kEchoed);
  EXPECT_EQ(check_echo(f.data(), f.size(), context_), mismatch(Mismatch::kDuplicate));
  auto not_swapped = send(10, 1);
  EXPECT_EQ(check_echo(not_swapped.data(), not_swapped.size(), context_).verdict,
            Verdict::kNotOurs);
}

TEST(Arp, RequestAnsweredInPlaceAndReplyRecognised) {
  std::uint8_t frame[kArpFrameLen];
  ASSERT_EQ(build_arp_request(frame, kServerMac, kDst, kSrc), kArpFrameLen);
  EXPECT_TRUE(mac_equal(frame, kBroadcastMac));
  // The server asks for us: we answer.
  EXPECT_FALSE(answer_arp_request(frame, sizeof frame, kOurMac, kDst));  // not our address
  ASSERT_TRUE(answer_arp_request(frame, sizeof frame, kOurMac, kSrc));
  EXPECT_TRUE(mac_equal(frame, kServerMac));
  EXPECT_TRUE(mac_equal(frame + 6, kOurMac));
  // Seen from the server, that is a reply from kSrc carrying our MAC.
  const auto mac = arp_reply_from(frame, sizeof frame, kServerMac, kDst, kSrc);
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(*mac, kOurMac);
  EXPECT_FALSE(arp_reply_from(frame, sizeof frame, kServerMac, kDst, kDst).has_value());
  EXPECT_FALSE(answer_arp_request(frame, sizeof frame, kOurMac, kSrc));  // a reply: no answer
}

TEST(Options, DefaultsAndErrors) {
  const char* ok[] = {"gen", "--eal", "--no-huge  -l 0", "--queries", "q.txt", "--echo"};
  const auto parsed = parse_options(6, ok);
  ASSERT_EQ(parsed.error, "");
  EXPECT_EQ(parsed.options.eal_args, (std::vector<std::string>{"--no-huge", "-l", "0"}));
  EXPECT_EQ(parsed.options.src.value, kSrc.value);
  EXPECT_EQ(parsed.options.dst.value, kDst.value);
  EXPECT_EQ(parsed.options.duration, 5);
  EXPECT_EQ(parsed.options.burst, 32u);
  EXPECT_TRUE(parsed.options.echo);

  const char* count_only[] = {"gen", "--eal=-l 0", "--queries=q", "--count", "1000"};
  EXPECT_EQ(parse_options(5, count_only).options.duration, kCountOnlyDurationLimit);
  const char* bad_ip[] = {"gen", "--eal", "x", "--queries", "q", "--dst", "1.2.3"};
  EXPECT_NE(parse_options(7, bad_ip).error, "");
  const char* bad_mac[] = {"gen", "--eal", "x", "--queries", "q", "--dst-mac", "01:02"};
  EXPECT_NE(parse_options(7, bad_mac).error, "");
  const char* no_queries[] = {"gen", "--eal", "x"};
  EXPECT_EQ(parse_options(3, no_queries).error, "--queries is required");
  const char* unknown[] = {"gen", "--bogus"};
  EXPECT_NE(parse_options(2, unknown).error, "");
  const auto mac = parse_mac("02:00:00:AA:bb:0c");
  ASSERT_TRUE(mac.has_value());
  EXPECT_EQ(to_string(*mac), "02:00:00:aa:bb:0c");
}

TEST(MemifSocket, OnlyServerSocketFiles) {
  const std::vector<std::string> eal = {
      "-l",
      "0",
      "--vdev",
      "net_memif0,role=server,socket=/tmp/a.sock,socket-abstract=no",
      "--vdev=net_memif1,socket=/tmp/b.sock,socket-abstract=no",  // server is the default
      "--vdev",
      "net_memif2,role=client,socket=/tmp/c.sock,socket-abstract=no",
      "--vdev",
      "net_memif3,role=server,socket=/tmp/d.sock",  // abstract: no file
      "--vdev",
      "net_null0"};
  EXPECT_EQ(memif_server_sockets(eal), (std::vector<std::string>{"/tmp/a.sock", "/tmp/b.sock"}));
}

TEST(Report, JsonHasTheFieldsScriptsRead) {
  Counters c;
  c.sent = 100;
  c.received = 99;
  c.answered = 98;
  c.mismatched = 1;
  c.mismatch[static_cast<std::size_t>(Mismatch::kQuestion)] = 1;
  c.rcodes[0] = 90;
  c.rcodes[3] = 8;
  c.seconds = 2;
  RunFacts facts;
  facts.dst_mac = "02:00:00:00:00:02";
  facts.dst_mac_by = "arp";
  const std::string j = report_json(c, facts);
  EXPECT_NE(j.find("\"sent\":100,\"received\":99,\"answered\":98,\"mismatched\":1,\"lost\":2,"
                   "\"seconds\":2.000,\"sent_pps\":50.000,\"answered_pps\":49.000,"
                   "\"rcodes\":{\"NOERROR\":90,\"NXDOMAIN\":8}"),
            std::string::npos)
      << j;
  facts.echo = true;
  EXPECT_NE(report_json(c, facts).find("\"received_pps\":49.500"), std::string::npos);
}

}  // namespace
}  // namespace canon::gen
