// Denial of existence with DO=1 (RFC 4035 §3.1.3, RFC 5155 §7.2): which
// NSEC or NSEC3 records, with their RRSIGs, a negative answer, a wildcard
// answer and a referral carry, each record once. The zones are written by
// hand with a closed chain (the signatures are placeholders: the engine
// copies them, it never checks them); the NSEC3 owners are the RFC 5155
// hashes of the names (SHA-1, no salt, 0 iterations), listed beside each.
// Validation by real resolvers is tests/system/dnssec_signed.py's.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

constexpr const char* kSig =
    "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw==";

std::string rrsig(const std::string& owner, const std::string& type, const std::string& labels,
                  const std::string& signer) {
  return owner + " RRSIG " + type + " 13 " + labels + " 3600 20991231000000 20240101000000 12345 " + signer +
         " " + kSig + "\n";
}

// Canonical order: example.com < a < (c, an empty non-terminal) < x.c <
// mail < mx < sec < sub < *.wild < www; ns.sub is glue (no NSEC).
std::string nsec_zone() {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1.sub hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1.sub\n"
      "@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
      "a A 192.0.2.1\n"
      "x.c A 192.0.2.3\n"
      "mail MX 10 mx\n"
      "mx A 192.0.2.25\n"
      "sec NS ns.sec.example.net.\n"
      "sec DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
      "sub NS ns1.sub\n"
      "ns1.sub A 192.0.2.53\n"
      "*.wild A 192.0.2.8\n"
      "www A 192.0.2.80\n"
      "www TXT \"hello\"\n"
      "@ 300 NSEC a NS SOA RRSIG NSEC DNSKEY\n"
      "a 300 NSEC x.c A RRSIG NSEC\n"
      "x.c 300 NSEC mail A RRSIG NSEC\n"
      "mail 300 NSEC mx MX RRSIG NSEC\n"
      "mx 300 NSEC sec A RRSIG NSEC\n"
      "sec 300 NSEC sub NS DS RRSIG NSEC\n"
      "sub 300 NSEC *.wild NS RRSIG NSEC\n"
      "*.wild 300 NSEC www A RRSIG NSEC\n"
      "www 300 NSEC example.com. A TXT RRSIG NSEC\n";
  const std::string s = "example.com.";
  for (const char* type : {"SOA", "NS", "DNSKEY", "NSEC"}) z += rrsig("@", type, "2", s);
  for (const char* owner : {"a", "mx", "www"}) z += rrsig(owner, "A", "3", s) + rrsig(owner, "NSEC", "3", s);
  z += rrsig("x.c", "A", "4", s) + rrsig("x.c", "NSEC", "4", s);
  z += rrsig("mail", "MX", "3", s) + rrsig("mail", "NSEC", "3", s);
  z += rrsig("sec", "DS", "3", s) + rrsig("sec", "NSEC", "3", s) + rrsig("sub", "NSEC", "3", s);
  z += rrsig("*.wild", "A", "3", s) + rrsig("*.wild", "NSEC", "3", s) + rrsig("www", "TXT", "3", s);
  return z;
}

// NSEC3 hashes (no salt, 0 iterations), in chain order:
//   0f20osu5kaa68apis5tas6vub2lipbqu  *.wild
//   5ohks5jklba12q0fdojec3g2ie83ut9u  wild (empty non-terminal)
//   8um1kjcjmofvvmq7cb0op7jt39lg8r9j  example.org
//   ake8hgl2k54qc099m02h02h91ppl9pba  sub (delegation, no DS)
//   gqo7h7r357fj31qjiudog4amtm030plu  c (empty non-terminal)
//   kvfd249sv8849nt9d91h61hkhil6r2bj  sec (delegation with DS)
//   q63han0q7kp9ha74pifs3ojlo38gupt8  x.c
//   vfk8su5vegu02jm1oh6und5ik7bkhf35  www
// and of names the tests ask for (not in the zone):
//   nope        sl7chegut58q1r90bjbgk3ii86k7k2oh  covered by q63h (x.c)
//   *           dphjbf4u9i49q2llsdmqecsnp7sd9h0u  covered by ake8 (sub)
//   b.c         1s1pi9tjgnu6e58j6vburdor8b34boav  covered by 0f20 (*.wild)
//   *.c         agl7bud8urn7nc9tvl3g42l37gbgqal9  covered by 8um1 (apex)
//   foo.wild    j2a30rvssd4jqvjdu2tv1juc31bfkk20  covered by gqo7 (c)
const char* const kChain[][3] = {
    {"0f20osu5kaa68apis5tas6vub2lipbqu", "5ohks5jklba12q0fdojec3g2ie83ut9u", "A RRSIG"},
    {"5ohks5jklba12q0fdojec3g2ie83ut9u", "8um1kjcjmofvvmq7cb0op7jt39lg8r9j", ""},
    {"8um1kjcjmofvvmq7cb0op7jt39lg8r9j", "ake8hgl2k54qc099m02h02h91ppl9pba", "NS SOA RRSIG DNSKEY NSEC3PARAM"},
    {"ake8hgl2k54qc099m02h02h91ppl9pba", "gqo7h7r357fj31qjiudog4amtm030plu", "NS"},
    {"gqo7h7r357fj31qjiudog4amtm030plu", "kvfd249sv8849nt9d91h61hkhil6r2bj", ""},
    {"kvfd249sv8849nt9d91h61hkhil6r2bj", "q63han0q7kp9ha74pifs3ojlo38gupt8", "NS DS RRSIG"},
    {"q63han0q7kp9ha74pifs3ojlo38gupt8", "vfk8su5vegu02jm1oh6und5ik7bkhf35", "A RRSIG"},
    {"vfk8su5vegu02jm1oh6und5ik7bkhf35", "0f20osu5kaa68apis5tas6vub2lipbqu", "A RRSIG"},
};

std::string nsec3_zone() {
  std::string z =
      "$TTL 3600\n"
      "@ SOA ns1.sub hostmaster 1 7200 3600 1209600 300\n"
      "@ NS ns1.sub\n"
      "@ DNSKEY 257 3 13 mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==\n"
      "@ 0 NSEC3PARAM 1 0 0 -\n"
      "x.c A 192.0.2.3\n"
      "sec NS ns.sec.example.net.\n"
      "sec DS 12345 13 2 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n"
      "sub NS ns1.sub\n"
      "ns1.sub A 192.0.2.53\n"
      "*.wild A 192.0.2.8\n"
      "www A 192.0.2.80\n";
  const std::string s = "example.org.";
  for (const auto& link : kChain) {
    z += std::string(link[0]) + " 300 NSEC3 1 0 0 - " + link[1] + " " + link[2] + "\n";
    z += rrsig(link[0], "NSEC3", "3", s);
  }
  for (const char* type : {"SOA", "NS", "DNSKEY", "NSEC3PARAM"}) z += rrsig("@", type, "2", s);
  z += rrsig("x.c", "A", "4", s) + rrsig("sec", "DS", "3", s) + rrsig("*.wild", "A", "3", s) +
       rrsig("www", "A", "3", s);
  return z;
}

tools::QueryOptions dnssec_ok(std::uint16_t payload = 4096) {
  tools::QueryOptions options = with_edns(payload);
  options.do_bit = true;
  return options;
}

using Names = std::vector<std::string>;

// The owners of the section's records of `type`, sorted.
Names owners(const Response& r, std::string_view section, const std::string& type) {
  Names out;
  for (const std::string& line : r.section(section)) {
    if (line.find(" IN " + type + " ") == std::string::npos) continue;
    out.push_back(line.substr(0, line.find(' ')));
  }
  std::sort(out.begin(), out.end());
  return out;
}

// The types covered by the section's RRSIGs at `owner`.
Names signed_at(const Response& r, std::string_view section, const std::string& owner) {
  Names out;
  for (const std::string& line : r.section(section)) {
    const std::string prefix = owner + " ";
    if (line.rfind(prefix, 0) != 0 || line.find(" IN RRSIG ") == std::string::npos) continue;
    const std::size_t at = line.find(" IN RRSIG ") + 10;
    out.push_back(line.substr(at, line.find(' ', at) - at));
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string hashed(const char* hash) { return std::string(hash) + ".example.org."; }

class Denial : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new Server(compile_zones({{"example.com.", nsec_zone(), false},
                                        {"example.org.", nsec3_zone(), false}}));
  }
  static void TearDownTestSuite() { delete server_; }
  static Response ask(const char* name, const char* type, tools::QueryOptions options = dnssec_ok()) {
    return server_->query(name, type, options);
  }
  static Server* server_;
};
Server* Denial::server_ = nullptr;

// ---- NSEC -----------------------------------------------------------------------

TEST_F(Denial, NsecNxdomainCoversTheNameAndTheWildcard) {
  const Response r = ask("b.example.com", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN") << r.text();
  // a < b < x.c covers the name; example.com < * < a covers *.example.com.
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"a.example.com.", "example.com."})) << r.text();
  EXPECT_EQ(signed_at(r, ";; AUTHORITY", "a.example.com."), (Names{"NSEC"})) << r.text();
  EXPECT_EQ(signed_at(r, ";; AUTHORITY", "example.com."), (Names{"NSEC", "SOA"})) << r.text();
  EXPECT_TRUE(r.parses());
}

TEST_F(Denial, NsecNxdomainBelowAnExistingNameWithOneNsecForBoth) {
  // www < zzz.www < example.com (the end of the chain) covers the name;
  // *.www sorts right after www too: the same NSEC, written once.
  const Response r = ask("zzz.www.example.com", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN") << r.text();
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"www.example.com."})) << r.text();
}

TEST_F(Denial, NsecNodataGivesTheNamesOwnNsec) {
  const Response r = ask("www.example.com", "AAAA");
  EXPECT_EQ(r.rcode(), "NOERROR");
  EXPECT_EQ(r.ancount(), 0);
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"www.example.com."})) << r.text();
  EXPECT_EQ(signed_at(r, ";; AUTHORITY", "www.example.com."), (Names{"NSEC"}));
}

TEST_F(Denial, NsecNodataAtAnEmptyNonTerminalGivesTheCoveringNsec) {
  const Response r = ask("c.example.com", "A");
  EXPECT_EQ(r.rcode(), "NOERROR") << r.text();
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"a.example.com."})) << r.text();
}

TEST_F(Denial, NsecWildcardAnswerProvesTheNameAbsent) {
  const Response r = ask("foo.wild.example.com", "A");
  EXPECT_EQ(r.rcode(), "NOERROR");
  EXPECT_EQ(owners(r, ";; ANSWER", "A"), (Names{"foo.wild.example.com."}));
  EXPECT_EQ(signed_at(r, ";; ANSWER", "foo.wild.example.com."), (Names{"A"}));
  // *.wild < foo.wild < www.
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"*.wild.example.com."})) << r.text();
  EXPECT_EQ(r.nscount(), 2);  // the NSEC and its RRSIG, nothing else
}

TEST_F(Denial, NsecWildcardNodataIsTheWildcardsNsecOnce) {
  // The NSEC covering foo.wild is the wildcard's own, which also shows it has no TXT.
  const Response r = ask("foo.wild.example.com", "TXT");
  EXPECT_EQ(r.rcode(), "NOERROR");
  EXPECT_EQ(r.ancount(), 0);
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC"), (Names{"*.wild.example.com."})) << r.text();
}

TEST_F(Denial, NsecReferralCarriesTheDsOrTheProofOfNone) {
  const Response secure = ask("host.sec.example.com", "A");
  EXPECT_EQ(owners(secure, ";; AUTHORITY", "NS"), (Names{"sec.example.com."})) << secure.text();
  EXPECT_EQ(owners(secure, ";; AUTHORITY", "DS"), (Names{"sec.example.com."})) << secure.text();
  EXPECT_EQ(signed_at(secure, ";; AUTHORITY", "sec.example.com."), (Names{"DS"}));
  EXPECT_FALSE(secure.aa());

  const Response insecure = ask("host.sub.example.com", "A");
  EXPECT_EQ(owners(insecure, ";; AUTHORITY", "NS"), (Names{"sub.example.com."})) << insecure.text();
  EXPECT_TRUE(owners(insecure, ";; AUTHORITY", "DS").empty());
  EXPECT_EQ(owners(insecure, ";; AUTHORITY", "NSEC"), (Names{"sub.example.com."})) << insecure.text();
  EXPECT_EQ(signed_at(insecure, ";; AUTHORITY", "sub.example.com."), (Names{"NSEC"}));  // NS unsigned
  EXPECT_EQ(owners(insecure, ";; ADDITIONAL", "A"), (Names{"ns1.sub.example.com."}));  // glue, after the proof
  EXPECT_TRUE(insecure.parses());
}

TEST_F(Denial, NsecDsQuestionsAtTheCut) {
  const Response present = ask("sec.example.com", "DS");
  EXPECT_EQ(owners(present, ";; ANSWER", "DS"), (Names{"sec.example.com."})) << present.text();
  EXPECT_TRUE(present.aa());
  const Response absent = ask("sub.example.com", "DS");
  EXPECT_EQ(absent.rcode(), "NOERROR");
  EXPECT_EQ(absent.ancount(), 0);
  EXPECT_EQ(owners(absent, ";; AUTHORITY", "NSEC"), (Names{"sub.example.com."})) << absent.text();
}

TEST_F(Denial, WithoutDoNoProofIsWritten) {
  tools::QueryOptions plain = with_edns(4096);
  EXPECT_EQ(ask("b.example.com", "A", plain).nscount(), 1);
  EXPECT_EQ(ask("foo.wild.example.com", "A", plain).nscount(), 0);
  EXPECT_EQ(ask("b.example.org", "A", plain).nscount(), 1);
}

// ---- NSEC3 ----------------------------------------------------------------------

TEST_F(Denial, Nsec3NxdomainIsTheClosestEncloserProof) {
  const Response r = ask("nope.example.org", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN") << r.text();
  // The apex matched, nope covered (by x.c's), *.example.org covered (by sub's).
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC3"),
            (Names{hashed("8um1kjcjmofvvmq7cb0op7jt39lg8r9j"), hashed("ake8hgl2k54qc099m02h02h91ppl9pba"),
                   hashed("q63han0q7kp9ha74pifs3ojlo38gupt8")}))
      << r.text();
  for (const char* hash : {"8um1kjcjmofvvmq7cb0op7jt39lg8r9j", "ake8hgl2k54qc099m02h02h91ppl9pba"}) {
    EXPECT_EQ(signed_at(r, ";; AUTHORITY", hashed(hash)), (Names{"NSEC3"})) << hash;
  }
  EXPECT_TRUE(r.parses());
}

TEST_F(Denial, Nsec3NxdomainBelowAnEmptyNonTerminal) {
  const Response r = ask("b.c.example.org", "A");
  EXPECT_EQ(r.rcode(), "NXDOMAIN") << r.text();
  // c matched, b.c covered by *.wild's, *.c covered by the apex's.
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC3"),
            (Names{hashed("0f20osu5kaa68apis5tas6vub2lipbqu"), hashed("8um1kjcjmofvvmq7cb0op7jt39lg8r9j"),
                   hashed("gqo7h7r357fj31qjiudog4amtm030plu")}))
      << r.text();
}

TEST_F(Denial, Nsec3NodataMatchesTheName) {
  const Response r = ask("www.example.org", "AAAA");
  EXPECT_EQ(r.rcode(), "NOERROR");
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC3"), (Names{hashed("vfk8su5vegu02jm1oh6und5ik7bkhf35")})) << r.text();
  const Response ent = ask("c.example.org", "A");
  EXPECT_EQ(ent.rcode(), "NOERROR") << ent.text();
  EXPECT_EQ(owners(ent, ";; AUTHORITY", "NSEC3"), (Names{hashed("gqo7h7r357fj31qjiudog4amtm030plu")})) << ent.text();
}

TEST_F(Denial, Nsec3WildcardAnswerCoversTheNextCloser) {
  const Response r = ask("foo.wild.example.org", "A");
  EXPECT_EQ(owners(r, ";; ANSWER", "A"), (Names{"foo.wild.example.org."}));
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC3"), (Names{hashed("gqo7h7r357fj31qjiudog4amtm030plu")})) << r.text();
}

TEST_F(Denial, Nsec3WildcardNodataProvesEncloserNextCloserAndWildcard) {
  const Response r = ask("foo.wild.example.org", "TXT");
  EXPECT_EQ(r.rcode(), "NOERROR");
  EXPECT_EQ(r.ancount(), 0);
  EXPECT_EQ(owners(r, ";; AUTHORITY", "NSEC3"),
            (Names{hashed("0f20osu5kaa68apis5tas6vub2lipbqu"), hashed("5ohks5jklba12q0fdojec3g2ie83ut9u"),
                   hashed("gqo7h7r357fj31qjiudog4amtm030plu")}))
      << r.text();
}

TEST_F(Denial, Nsec3ReferralAndDs) {
  const Response insecure = ask("host.sub.example.org", "A");
  EXPECT_EQ(owners(insecure, ";; AUTHORITY", "NSEC3"), (Names{hashed("ake8hgl2k54qc099m02h02h91ppl9pba")}))
      << insecure.text();
  const Response secure = ask("host.sec.example.org", "A");
  EXPECT_EQ(owners(secure, ";; AUTHORITY", "DS"), (Names{"sec.example.org."})) << secure.text();
  EXPECT_TRUE(owners(secure, ";; AUTHORITY", "NSEC3").empty());
  const Response no_ds = ask("sub.example.org", "DS");
  EXPECT_EQ(no_ds.ancount(), 0);
  EXPECT_EQ(owners(no_ds, ";; AUTHORITY", "NSEC3"), (Names{hashed("ake8hgl2k54qc099m02h02h91ppl9pba")}))
      << no_ds.text();
}

TEST_F(Denial, Nsec3OwnerNamesAreNotNames) {
  // RFC 5155 §7.2.8: the chain's owners answer NXDOMAIN, as knotd answers.
  const Response r = ask("8um1kjcjmofvvmq7cb0op7jt39lg8r9j.example.org", "NSEC3");
  EXPECT_EQ(r.rcode(), "NXDOMAIN") << r.text();
  EXPECT_EQ(r.ancount(), 0);
}

}  // namespace
}  // namespace canon::engine::testing
