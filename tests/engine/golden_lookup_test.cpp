// Golden answers for plain lookups: exact matches, negative answers
// (RFC 2308), empty non-terminals, ANY (RFC 8482), additional-section
// addresses for MX/SRV/NS targets in the same zone, minimal responses,
// REFUSED outside the served zones, and the client's case echoed.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

const ZoneText kCom{"example.com.", R"(
@          A     192.0.2.1
@          NS    ns2.example.net.
@          MX    10 mail
@          MX    20 mx.example.net.
foo        A     192.0.2.23
bar        CNAME foo
mail       A     192.0.2.25
mail       AAAA  2001:db8::25
_sip._udp  SRV   10 60 5060 sip
_ldap._tcp SRV   0 0 389 ldap.example.net.
sip        A     192.0.2.60
x.y.ent    A     192.0.2.70
)"};

// RFC 9460 §4.1: SVCB/HTTPS targets in the zone get their addresses, a
// ServiceMode "." target is the owner, an AliasMode target brings its own
// set of the type too. dns_text prints SVCB/HTTPS in RFC 3597 form.
const ZoneText kSvc{"example.com.", R"(
svc        HTTPS 1 web
svc        HTTPS 2 .
svc        A     192.0.2.10
web        A     192.0.2.80
web        AAAA  2001:db8::80
alias      HTTPS 0 svc
far        SVCB  1 far.example.net.
*.wsvc     HTTPS 1 .
*.wsvc     A     192.0.2.11
)"};

// Every target the example.com data names in example.net has an address here,
// so an additional section without them shows the same-zone rule at work.
const ZoneText kNet{"example.net.", R"(
mx    A 203.0.113.25
ldap  A 203.0.113.89
ns2   A 203.0.113.53
)"};

// SOA TTL (60) below MINIMUM (600): negative answers carry 60 (RFC 2308 §5).
const ZoneText kOrg{"example.org.", R"($TTL 3600
@   60 SOA ns1 hostmaster 2024010101 7200 3600 1209600 600
@   NS ns1
ns1 A  192.0.2.53
)",
                    false};
const std::string kOrgSoa =
    "example.org. 60 IN SOA ns1.example.org. hostmaster.example.org. 2024010101 7200 3600 1209600 "
    "600\n";

// Ten MX RRs naming nine hosts: m9 twice.
ZoneText nine_mx_targets() {
  std::string body;
  for (int i = 1; i <= 9; ++i)
    body += "@ MX " + std::to_string(i) + " m" + std::to_string(i) + "\n";
  body += "@ MX 10 m9\n";
  for (int i = 1; i <= 9; ++i)
    body += "m" + std::to_string(i) + " A 192.0.2." + std::to_string(i) + "\n";
  return {"example.com.", body};
}

std::vector<GoldenCase> cases() {
  const std::vector<ZoneText> zones{kCom, kNet, kOrg};
  const std::string soa_com = soa_line("example.com.", 300);
  return {
      {"exact_match", zones, "foo.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
foo.example.com. IN A
;; ANSWER
foo.example.com. 3600 IN A 192.0.2.23
;; AUTHORITY
;; ADDITIONAL
)")},
      {"positive_answer_at_apex_has_no_ns_in_authority", zones, "example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
example.com. IN A
;; ANSWER
example.com. 3600 IN A 192.0.2.1
;; AUTHORITY
;; ADDITIONAL
)")},
      // The CNAME's target is compressed against the question (RFC 1035
      // §4.1.4, letters compared without case), so its "example.com." is
      // the client's spelling, as knotd answers it.
      {"client_case_is_echoed", zones, "BaR.ExAmPle.CoM", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
BaR.ExAmPle.CoM. IN A
;; ANSWER
BaR.ExAmPle.CoM. 3600 IN CNAME foo.ExAmPle.CoM.
foo.ExAmPle.CoM. 3600 IN A 192.0.2.23
;; AUTHORITY
;; ADDITIONAL
)")},
      {"nxdomain_ttl_is_soa_minimum_when_lower", zones, "nothing.example.com", "A", golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
nothing.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"nxdomain_ttl_is_soa_ttl_when_lower", zones, "nothing.example.org", "A", golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
nothing.example.org. IN A
;; ANSWER
;; AUTHORITY
)") + kOrgSoa + ";; ADDITIONAL\n"},
      {"nxdomain_below_an_existing_name", zones, "deep.foo.example.com", "A", golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
deep.foo.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"nodata_ttl_is_soa_minimum_when_lower", zones, "foo.example.com", "AAAA", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
foo.example.com. IN AAAA
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"nodata_ttl_is_soa_ttl_when_lower", zones, "ns1.example.org", "AAAA", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
ns1.example.org. IN AAAA
;; ANSWER
;; AUTHORITY
)") + kOrgSoa + ";; ADDITIONAL\n"},
      {"empty_non_terminal_is_nodata", zones, "ent.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
ent.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"inner_empty_non_terminal_is_nodata", zones, "y.ent.example.com", "TXT", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
y.ent.example.com. IN TXT
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      // RFC 8482: one RRset (canon picks the lowest type), never all of them.
      {"any_gives_one_rrset", zones, "mail.example.com", "ANY", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
mail.example.com. IN ANY
;; ANSWER
mail.example.com. 3600 IN A 192.0.2.25
;; AUTHORITY
;; ADDITIONAL
)")},
      {"any_at_an_alias_gives_the_cname_unchased", zones, "bar.example.com", "ANY", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN ANY
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"any_at_an_empty_non_terminal_is_nodata", zones, "ent.example.com", "ANY", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
ent.example.com. IN ANY
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"mx_targets_in_zone_get_addresses", zones, "example.com", "MX", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
example.com. IN MX
;; ANSWER
example.com. 3600 IN MX 10 mail.example.com.
example.com. 3600 IN MX 20 mx.example.net.
;; AUTHORITY
;; ADDITIONAL
mail.example.com. 3600 IN A 192.0.2.25
mail.example.com. 3600 IN AAAA 2001:db8::25
)")},
      {"https_targets_in_zone_get_addresses", {kSvc}, "svc.example.com", "HTTPS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
svc.example.com. IN HTTPS
;; ANSWER
svc.example.com. 3600 IN HTTPS \# 19 000103776562076578616d706c6503636f6d00
svc.example.com. 3600 IN HTTPS \# 3 000200
;; AUTHORITY
;; ADDITIONAL
web.example.com. 3600 IN A 192.0.2.80
web.example.com. 3600 IN AAAA 2001:db8::80
svc.example.com. 3600 IN A 192.0.2.10
)")},
      {"https_alias_mode_target_gives_its_set_and_addresses", {kSvc}, "alias.example.com", "HTTPS",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
alias.example.com. IN HTTPS
;; ANSWER
alias.example.com. 3600 IN HTTPS \# 19 000003737663076578616d706c6503636f6d00
;; AUTHORITY
;; ADDITIONAL
svc.example.com. 3600 IN A 192.0.2.10
svc.example.com. 3600 IN HTTPS \# 19 000103776562076578616d706c6503636f6d00
svc.example.com. 3600 IN HTTPS \# 3 000200
)")},
      {"svcb_target_outside_the_zone_gets_nothing", {kSvc}, "far.example.com", "SVCB", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
far.example.com. IN SVCB
;; ANSWER
far.example.com. 3600 IN SVCB \# 19 000103666172076578616d706c65036e657400
;; AUTHORITY
;; ADDITIONAL
)")},
      {"wildcard_https_to_itself_gives_the_query_names_address", {kSvc}, "x.wsvc.example.com", "HTTPS",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
x.wsvc.example.com. IN HTTPS
;; ANSWER
x.wsvc.example.com. 3600 IN HTTPS \# 3 000100
;; AUTHORITY
;; ADDITIONAL
x.wsvc.example.com. 3600 IN A 192.0.2.11
)")},
      // RFC 2181 §5: an RRset appears once in a section, however many RRs name its owner.
      {"additional_address_set_appears_once_per_target",
       {nine_mx_targets()},
       "example.com",
       "MX",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
example.com. IN MX
;; ANSWER
example.com. 3600 IN MX 1 m1.example.com.
example.com. 3600 IN MX 2 m2.example.com.
example.com. 3600 IN MX 3 m3.example.com.
example.com. 3600 IN MX 4 m4.example.com.
example.com. 3600 IN MX 5 m5.example.com.
example.com. 3600 IN MX 6 m6.example.com.
example.com. 3600 IN MX 7 m7.example.com.
example.com. 3600 IN MX 8 m8.example.com.
example.com. 3600 IN MX 9 m9.example.com.
example.com. 3600 IN MX 10 m9.example.com.
;; AUTHORITY
;; ADDITIONAL
m1.example.com. 3600 IN A 192.0.2.1
m2.example.com. 3600 IN A 192.0.2.2
m3.example.com. 3600 IN A 192.0.2.3
m4.example.com. 3600 IN A 192.0.2.4
m5.example.com. 3600 IN A 192.0.2.5
m6.example.com. 3600 IN A 192.0.2.6
m7.example.com. 3600 IN A 192.0.2.7
m8.example.com. 3600 IN A 192.0.2.8
m9.example.com. 3600 IN A 192.0.2.9
)"),
       {},
       Transport::kTcp},
      {"srv_target_in_zone_gets_its_address", zones, "_sip._udp.example.com", "SRV", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
_sip._udp.example.com. IN SRV
;; ANSWER
_sip._udp.example.com. 3600 IN SRV 10 60 5060 sip.example.com.
;; AUTHORITY
;; ADDITIONAL
sip.example.com. 3600 IN A 192.0.2.60
)")},
      {"srv_target_in_another_zone_gets_nothing", zones, "_ldap._tcp.example.com", "SRV", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
_ldap._tcp.example.com. IN SRV
;; ANSWER
_ldap._tcp.example.com. 3600 IN SRV 0 0 389 ldap.example.net.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"ns_targets_in_zone_get_addresses", zones, "example.com", "NS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
example.com. IN NS
;; ANSWER
example.com. 3600 IN NS ns1.example.com.
example.com. 3600 IN NS ns2.example.net.
;; AUTHORITY
;; ADDITIONAL
ns1.example.com. 3600 IN A 192.0.2.53
)")},
      {"refused_outside_the_served_zones", zones, "www.example.test", "A", golden(R"(
;; REFUSED qr rd
;; QUESTION
www.example.test. IN A
;; ANSWER
;; AUTHORITY
;; ADDITIONAL
)")},
      {"refused_above_a_served_zone", zones, "com", "A", golden(R"(
;; REFUSED qr rd
;; QUESTION
com. IN A
;; ANSWER
;; AUTHORITY
;; ADDITIONAL
)")},
  };
}

class GoldenLookup : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenLookup, ResponseReadsAsExpected) {
  check_golden(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Contract, GoldenLookup, ::testing::ValuesIn(cases()), golden_name);

// An NXDOMAIN or a NODATA without DO is written by the engine's prepared
// path (the zone's negative SOA copied whole); with DO=1 it takes the long
// way (Answerer::negative), which for an unsigned zone adds nothing. So the
// two answers must be the same bytes but for the DO bit our OPT echoes:
// names at every depth, in the client's case, an empty non-terminal, the
// apex, the types with rules of their own (ANY, RRSIG, DS, CNAME), and the
// names whose label above the apex is the SOA's MNAME or RNAME label
// (compressed differently, so the prepared SOA must step aside).
TEST(NegativeWithoutDo, SameBytesAsTheLongWay) {
  Server server(compile_zones({kCom, kOrg}));
  std::size_t nxdomain = 0;
  std::size_t nodata = 0;
  const std::pair<const char*, const char*> questions[] = {
      {"nothing.example.com", "A"}, {"NoThInG.ExAmPlE.cOm", "A"}, {"deep.foo.example.com", "A"},
      {"a.b.c.d.example.org", "A"}, {"hostmaster.example.com", "A"}, {"HOSTMASTER.example.org", "A"},
      {"ns1.example.com", "A"}, {"ns2.example.org", "A"}, {"x.hostmaster.example.org", "A"},
      {"a-much-longer-label-than-the-others-in-this-list.example.org", "A"},
      {"foo.example.com", "AAAA"}, {"FOO.example.com", "TXT"}, {"example.com", "TXT"},
      {"ent.example.com", "A"}, {"y.ent.example.com", "AAAA"}, {"ns1.example.org", "AAAA"},
      {"example.org", "MX"}, {"foo.example.com", "ANY"}, {"foo.example.com", "RRSIG"},
      {"foo.example.com", "DS"}, {"example.com", "DS"}, {"bar.example.com", "AAAA"},
      {"bar.example.com", "TXT"}, {"foo.example.com", "CNAME"}};
  for (const auto& [name, type] : questions) {
    for (const std::uint16_t payload : {512, 1232, 4096}) {
      tools::QueryOptions options = with_edns(payload);
      const Response fast = server.query(name, type, options);
      options.do_bit = true;
      Response long_way = server.query(name, type, options);
      const std::string what = std::string(name) + " " + type;
      ASSERT_TRUE(fast.sent() && long_way.sent()) << what;
      ASSERT_EQ(long_way.size(), fast.size()) << what << "\n" << fast.text() << long_way.text();
      long_way.bytes[long_way.size() - 4] &= 0x7f;  // our OPT's DO bit: octet 7 of 11, no options
      EXPECT_EQ(fast.bytes, long_way.bytes) << what << "\n" << fast.text() << long_way.text();
      if (fast.nscount() == 1 && fast.ancount() == 0) ++(fast.rcode() == "NXDOMAIN" ? nxdomain : nodata);
    }
  }
  EXPECT_GE(nxdomain, 24u);  // most of the A questions are NXDOMAIN with the SOA
  EXPECT_GE(nodata, 24u);    // and most of the others NODATA with it
}

}  // namespace
}  // namespace canon::engine::testing
