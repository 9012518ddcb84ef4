// Answers from a signed zone (RFC 4035 §3.1): with DO=1 every RRset in the
// answer, authority and additional sections carries its RRSIGs (owner as
// written: the query name for a wildcard, the synthesized CNAME unsigned);
// type RRSIG answers every signature at the name, each with its own TTL;
// type RRSIG and NSEC at an alias answer the alias's own records; an answer
// that does not fit drops additional sets (with their RRSIGs) first, then
// sets TC. With DO=0 nothing changes: the same bytes as the zone without
// its DNSSEC records.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

constexpr const char* kSig =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

// An RSA-sized one (256 octets), for the size tests.
const std::string kLongSig = [] {
  std::string s;
  for (int i = 0; i < 64; ++i) s += "QUJD";  // "ABC" x 64 = 192 octets
  for (int i = 0; i < 21; ++i) s += "REVG";  // + 63 = 255
  return s + "Rw==";                         // + 1 = 256
}();

std::string rrsig(const std::string& owner, const std::string& ttl, const std::string& type,
                  const std::string& labels, const std::string& tag = "12345",
                  const std::string& sig = kSig) {
  return owner + " " + ttl + " RRSIG " + type + " 13 " + labels + " " + ttl +
         " 20991231000000 20240101000000 " + tag + " example.com. " + sig + "\n";
}
// The same as dns_text prints it, for an owner and TTL as written.
std::string rrsig_line(const std::string& owner, const std::string& ttl, const std::string& type,
                       const std::string& labels, const std::string& tag = "12345",
                       const std::string& sig = kSig) {
  return owner + " " + ttl + " IN RRSIG " + type + " 13 " + labels + " " + ttl +
         " 20991231000000 20240101000000 " + tag + " example.com. " + sig;
}

// The data, then the same with its signatures (and DNSKEY, NSEC).
const std::string kData =
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "ns1 A 192.0.2.53\n"
    "www 300 A 192.0.2.1\n"
    "www 600 TXT \"hello\"\n"
    "mail 300 MX 10 mx\n"
    "mx A 192.0.2.25\n"
    "alias CNAME alias2\n"
    "alias2 CNAME www\n"
    "old DNAME example.net.\n"
    "*.wild 120 A 192.0.2.8\n"
    "sub NS ns.sub\n"
    "ns.sub A 192.0.2.9\n"
    "big TXT \"" +
    std::string(200, 'a') +
    "\"\n"
    "big TXT \"" +
    std::string(200, 'b') + "\"\n";

std::string signed_text() {
  std::string z = kData;
  z += "@ DNSKEY 257 3 13 "
       "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n";
  z += "alias NSEC alias2 CNAME RRSIG NSEC\n";
  z += rrsig("@", "3600", "SOA", "2") + rrsig("@", "3600", "NS", "2") +
       rrsig("@", "3600", "DNSKEY", "2") + rrsig("@", "3600", "DNSKEY", "2", "54321");
  z += rrsig("ns1", "3600", "A", "3") + rrsig("www", "300", "A", "3") +
       rrsig("www", "600", "TXT", "3");
  z += rrsig("mail", "300", "MX", "3", "12345", kLongSig) +
       rrsig("mx", "3600", "A", "3", "12345", kLongSig);
  z += rrsig("alias", "3600", "CNAME", "3") + rrsig("alias", "3600", "NSEC", "3");
  z += rrsig("alias2", "3600", "CNAME", "3") + rrsig("old", "3600", "DNAME", "3");
  z += rrsig("*.wild", "120", "A", "3") + rrsig("big", "3600", "TXT", "3");
  return z;
}

tools::QueryOptions dnssec_ok(std::uint16_t payload = 1232) {
  tools::QueryOptions options = with_edns(payload);
  options.do_bit = true;
  return options;
}

class Dnssec : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    signed_ = new Server(compile_zones(
        {{"example.com.", signed_text(), false}, {"example.net.", "x A 198.51.100.1\n"}}));
    plain_ = new Server(
        compile_zones({{"example.com.", kData, false}, {"example.net.", "x A 198.51.100.1\n"}}));
  }
  static void TearDownTestSuite() {
    delete signed_;
    delete plain_;
  }
  static Server* signed_;
  static Server* plain_;
};
Server* Dnssec::signed_ = nullptr;
Server* Dnssec::plain_ = nullptr;

using Lines = std::vector<std::string>;

TEST_F(Dnssec, PositiveAnswerCarriesItsRrsig) {
  const Response r = signed_->query("www.example.com", "A", dnssec_ok());
  EXPECT_EQ(r.section(";; ANSWER"), (Lines{"www.example.com. 300 IN A 192.0.2.1",
                                           rrsig_line("www.example.com.", "300", "A", "3")}))
      << r.text();
  EXPECT_TRUE(r.section(";; AUTHORITY").empty());
  EXPECT_TRUE(r.aa());
  EXPECT_FALSE(r.tc());
  EXPECT_TRUE(r.parses());
  EXPECT_EQ(r.bytes[3] & 0x20, 0);  // AD never set
  // The TXT's signature keeps the TXT's TTL, not the A's.
  EXPECT_EQ(signed_->query("www.example.com", "TXT", dnssec_ok()).section(";; ANSWER")[1],
            rrsig_line("www.example.com.", "600", "TXT", "3"));
}

TEST_F(Dnssec, DoZeroIsTheZoneWithoutItsSignatures) {
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{{"www.example.com", "A"},
                                                        {"www.example.com", "TXT"},
                                                        {"mail.example.com", "MX"},
                                                        {"alias.example.com", "A"},
                                                        {"a.old.example.com", "A"},
                                                        {"x.wild.example.com", "A"},
                                                        {"nx.example.com", "A"},
                                                        {"www.example.com", "AAAA"},
                                                        {"host.sub.example.com", "A"},
                                                        {"example.com", "SOA"},
                                                        {"big.example.com", "TXT"}}) {
    for (const bool edns : {false, true}) {
      const tools::QueryOptions options = edns ? with_edns() : tools::QueryOptions{};
      EXPECT_EQ(signed_->query(name, type, options).bytes, plain_->query(name, type, options).bytes)
          << name << " " << type << " edns " << edns;
    }
  }
}

TEST_F(Dnssec, DoOneOnAnUnsignedZoneChangesOnlyTheDoBit) {
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{{"www.example.com", "A"},
                                                        {"alias.example.com", "A"},
                                                        {"nx.example.com", "A"},
                                                        {"mail.example.com", "MX"},
                                                        {"a.old.example.com", "A"},
                                                        {"host.sub.example.com", "A"}}) {
    Response with = plain_->query(name, type, dnssec_ok());
    const Response without = plain_->query(name, type, with_edns());
    ASSERT_EQ(with.size(), without.size()) << name;
    with.bytes[with.size() - 11 + 7] &= 0x7f;  // our OPT's DO bit (the OPT is last)
    EXPECT_EQ(with.bytes, without.bytes) << name << " " << type;
  }
}

// RFC 4035 §3.1.6: CD is copied into the answer and changes nothing else
// (an authoritative server validates nothing).
TEST_F(Dnssec, CdChangesNothingButItsOwnBit) {
  for (const auto& [name, type] :
       std::vector<std::pair<std::string, std::string>>{{"www.example.com", "A"},
                                                        {"alias.example.com", "A"},
                                                        {"nx.example.com", "A"},
                                                        {"www.example.com", "AAAA"},
                                                        {"x.wild.example.com", "A"},
                                                        {"host.sub.example.com", "A"},
                                                        {"example.com", "DNSKEY"}}) {
    for (const bool do_bit : {false, true}) {
      const tools::QueryOptions options = do_bit ? dnssec_ok() : with_edns();
      std::vector<std::uint8_t> query = make_query(name, type, options);
      query[3] |= header::kCd;
      Response checked = signed_->query(name, type, options);
      const Response unchecked = signed_->answer(query);
      ASSERT_TRUE(unchecked.cd()) << name;
      ASSERT_FALSE(checked.cd()) << name;
      ASSERT_EQ(checked.size(), unchecked.size()) << name << " " << type;
      checked.bytes[3] |= header::kCd;
      EXPECT_EQ(checked.bytes, unchecked.bytes) << name << " " << type << " DO " << do_bit;
    }
  }
}

TEST_F(Dnssec, RrsigQuestionAnswersEverySignatureWithItsOwnTtl) {
  for (const bool do_bit : {false, true}) {
    const Response r =
        signed_->query("www.example.com", "RRSIG", do_bit ? dnssec_ok() : with_edns());
    EXPECT_EQ(r.section(";; ANSWER"), (Lines{rrsig_line("www.example.com.", "300", "A", "3"),
                                             rrsig_line("www.example.com.", "600", "TXT", "3")}))
        << r.text();
  }
  // No signatures there: NODATA.
  const Response none = signed_->query("x.example.net", "RRSIG", dnssec_ok());
  EXPECT_EQ(none.rcode(), "NOERROR");
  EXPECT_TRUE(none.section(";; ANSWER").empty());
}

TEST_F(Dnssec, RrsigAndNsecAtAnAliasAnswerTheAliasNotItsTarget) {
  const Response sigs = signed_->query("alias.example.com", "RRSIG", dnssec_ok());
  EXPECT_EQ(sigs.section(";; ANSWER"),
            (Lines{rrsig_line("alias.example.com.", "3600", "CNAME", "3"),
                   rrsig_line("alias.example.com.", "3600", "NSEC", "3")}))
      << sigs.text();
  const Response nsec = signed_->query("alias.example.com", "NSEC", dnssec_ok());
  const Lines answer = nsec.section(";; ANSWER");
  ASSERT_EQ(answer.size(), 2u) << nsec.text();
  EXPECT_EQ(answer[0].rfind("alias.example.com. 3600 IN NSEC ", 0), 0u) << answer[0];
  EXPECT_EQ(answer[1], rrsig_line("alias.example.com.", "3600", "NSEC", "3"));
}

TEST_F(Dnssec, EveryLinkOfAChainCarriesItsRrsig) {
  const Response r = signed_->query("alias.example.com", "A", dnssec_ok());
  EXPECT_EQ(r.section(";; ANSWER"), (Lines{"alias.example.com. 3600 IN CNAME alias2.example.com.",
                                           rrsig_line("alias.example.com.", "3600", "CNAME", "3"),
                                           "alias2.example.com. 3600 IN CNAME www.example.com.",
                                           rrsig_line("alias2.example.com.", "3600", "CNAME", "3"),
                                           "www.example.com. 300 IN A 192.0.2.1",
                                           rrsig_line("www.example.com.", "300", "A", "3")}))
      << r.text();
}

TEST_F(Dnssec, DnameIsSignedAndTheSynthesizedCnameIsNot) {
  const Response r = signed_->query("x.old.example.com", "A", dnssec_ok());
  EXPECT_EQ(r.section(";; ANSWER"), (Lines{"old.example.com. 3600 IN DNAME example.net.",
                                           rrsig_line("old.example.com.", "3600", "DNAME", "3"),
                                           "x.old.example.com. 3600 IN CNAME x.example.net.",
                                           "x.example.net. 3600 IN A 198.51.100.1"}))
      << r.text();
}

TEST_F(Dnssec, WildcardAnswerIsSignedForTheQueryName) {
  const Response r = signed_->query("host.wild.example.com", "A", dnssec_ok());
  // Labels 3 in the signature (of *.wild.example.com) below the owner's 4
  // tell the validator it was synthesized (RFC 4035 §5.3.4).
  EXPECT_EQ(r.section(";; ANSWER"), (Lines{"host.wild.example.com. 120 IN A 192.0.2.8",
                                           rrsig_line("host.wild.example.com.", "120", "A", "3")}))
      << r.text();
}

TEST_F(Dnssec, AdditionalAddressesCarryTheirRrsigs) {
  const Response r = signed_->query("mail.example.com", "MX", dnssec_ok());
  EXPECT_EQ(r.section(";; ANSWER"),
            (Lines{"mail.example.com. 300 IN MX 10 mx.example.com.",
                   rrsig_line("mail.example.com.", "300", "MX", "3", "12345", kLongSig)}));
  EXPECT_EQ(r.section(";; ADDITIONAL"),
            (Lines{"mx.example.com. 3600 IN A 192.0.2.25",
                   rrsig_line("mx.example.com.", "3600", "A", "3", "12345", kLongSig)}))
      << r.text();
}

TEST_F(Dnssec, NegativeSoaIsSignedWithTheNegativeTtl) {
  for (const char* name : {"nx.example.com", "www.example.com"}) {
    const Response r = signed_->query(name, name[0] == 'n' ? "A" : "AAAA", dnssec_ok());
    EXPECT_EQ(r.section(";; AUTHORITY"),
              (Lines{"example.com. 300 IN SOA ns1.example.com. hostmaster.example.com. 2024010101 "
                     "7200 3600 1209600 300",
                     "example.com. 300 IN RRSIG SOA 13 2 3600 20991231000000 20240101000000 12345 "
                     "example.com. " +
                         std::string(kSig)}))
        << r.text();
  }
}

TEST_F(Dnssec, ReferralNsAndGlueAreUnsigned) {
  const Response r = signed_->query("host.sub.example.com", "A", dnssec_ok());
  EXPECT_EQ(r.section(";; AUTHORITY"), (Lines{"sub.example.com. 3600 IN NS ns.sub.example.com."}));
  EXPECT_EQ(r.section(";; ADDITIONAL"), (Lines{"ns.sub.example.com. 3600 IN A 192.0.2.9"}));
  EXPECT_FALSE(r.aa());
}

TEST_F(Dnssec, DnskeyWithBothSignatures) {
  const Response r = signed_->query("example.com", "DNSKEY", dnssec_ok());
  const Lines answer = r.section(";; ANSWER");
  ASSERT_EQ(answer.size(), 3u) << r.text();
  EXPECT_EQ(answer[1], rrsig_line("example.com.", "3600", "DNSKEY", "2"));
  EXPECT_EQ(answer[2], rrsig_line("example.com.", "3600", "DNSKEY", "2", "54321"));
}

// 512 octets (EDNS payload below it counts as 512): big's two 200-octet
// TXTs fit (~460), their RRSIG (~110) does not: the set goes back, TC=1.
TEST_F(Dnssec, ASetWhoseRrsigDoesNotFitTruncates) {
  const Response r = signed_->query("big.example.com", "TXT", dnssec_ok(512));
  EXPECT_TRUE(r.tc()) << r.text();
  EXPECT_TRUE(r.section(";; ANSWER").empty()) << r.text();
  EXPECT_LE(r.size(), 512u);
  // DO=0: the set alone fits, no TC.
  const Response plain = signed_->query("big.example.com", "TXT", with_edns(512));
  EXPECT_FALSE(plain.tc());
  EXPECT_EQ(plain.section(";; ANSWER").size(), 2u);
}

// The additional section goes first: sizes between "answer and its RRSIG"
// and "and the additional A and its RRSIG" give the answer, no additional,
// and no TC; an additional A is never sent without its RRSIG.
TEST_F(Dnssec, AdditionalSetsAndTheirRrsigsAreDroppedBeforeTc) {
  const Response full = signed_->query("mail.example.com", "MX", dnssec_ok(4096));
  ASSERT_EQ(full.arcount(), 3u) << full.text();  // A, RRSIG, OPT
  ASSERT_GT(full.size(), 600u);                  // 256-octet signatures on both sets
  bool saw_dropped = false;
  for (std::size_t payload = full.size(); payload >= 512; --payload) {
    const Response r =
        signed_->query("mail.example.com", "MX", dnssec_ok(static_cast<std::uint16_t>(payload)));
    ASSERT_LE(r.size(), payload);
    const Lines additional = r.section(";; ADDITIONAL");
    // Both or neither.
    ASSERT_TRUE(additional.empty() || additional.size() == 2u) << payload << "\n" << r.text();
    if (additional.empty()) {
      saw_dropped = true;
      EXPECT_FALSE(r.tc()) << payload;
      EXPECT_EQ(r.section(";; ANSWER").size(), 2u) << payload;
    }
  }
  EXPECT_TRUE(saw_dropped);
}

}  // namespace
}  // namespace canon::engine::testing
