// Golden answers for the alias records: CNAME restart across the whole
// snapshot, the 16-link limit, loops, DNAME synthesis and YXDOMAIN
// (RFC 1034 §4.3.2, RFC 2181 §10, RFC 6604, RFC 6672). One row per case of
// the contract: the zones, the question, and the response as dns_text prints it.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

const ZoneText kCom{"example.com.", R"(
foo      A     192.0.2.23
bar      CNAME foo
www      CNAME web
web      CNAME cdn.example.net.
dangling CNAME missing
tonet    CNAME nothing.example.net.
away     CNAME www.example.test.
ping     CNAME pong
pong     CNAME ping
)"};

const ZoneText kNet{"example.net.", R"(
cdn   CNAME edge
edge  A     203.0.113.10
edge  A     203.0.113.11
)"};

// c1 → c2 → ... → c21, and c21 has an address: 20 links.
ZoneText long_chain_zone() {
  std::string body;
  for (int i = 1; i <= 20; ++i)
    body += "c" + std::to_string(i) + " CNAME c" + std::to_string(i + 1) + "\n";
  body += "c21 A 192.0.2.21\n";
  return {"example.com.", body};
}

// A DNAME target of 205 octets: a name of 50 octets below "long" maps to
// 51 + 205 = 256 octets (YXDOMAIN), one of 49 to exactly 255.
const std::string kA63(63, 'a'), kB63(63, 'b'), kC63(63, 'c');
const std::string kLongTarget = kA63 + "." + kB63 + "." + kC63 + ".example.com.";
const std::string kX49(49, 'x'), kX50(50, 'x');

ZoneText dname_zone() {
  return {"example.com.", R"(
old      600 DNAME new.example.com.
new      A     192.0.2.80
host.new A     192.0.2.81
tohost   CNAME host.old
other    DNAME example.net.
long     DNAME )" + kLongTarget +
                              "\n" + "toolong  CNAME " + kX50 + ".long\n"};
}

std::vector<GoldenCase> cases() {
  const std::string soa_com = soa_line("example.com.", 300);
  const std::string soa_net = soa_line("example.net.", 300);
  return {
      {"cname_restart", {kCom, kNet}, "bar.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN A
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
foo.example.com. 3600 IN A 192.0.2.23
;; AUTHORITY
;; ADDITIONAL
)")},
      {"chain_across_two_zones", {kCom, kNet}, "www.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
www.example.com. IN A
;; ANSWER
www.example.com. 3600 IN CNAME web.example.com.
web.example.com. 3600 IN CNAME cdn.example.net.
cdn.example.net. 3600 IN CNAME edge.example.net.
edge.example.net. 3600 IN A 203.0.113.10
edge.example.net. 3600 IN A 203.0.113.11
;; AUTHORITY
;; ADDITIONAL
)")},
      {"qtype_cname_at_alias_only_the_cname", {kCom, kNet}, "www.example.com", "CNAME", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
www.example.com. IN CNAME
;; ANSWER
www.example.com. 3600 IN CNAME web.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"cname_to_name_without_the_type_is_nodata",
       {kCom, kNet},
       "bar.example.com",
       "AAAA",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN AAAA
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"rfc6604_cname_to_missing_name_is_nxdomain",
       {kCom, kNet},
       "dangling.example.com",
       "A",
       golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
dangling.example.com. IN A
;; ANSWER
dangling.example.com. 3600 IN CNAME missing.example.com.
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"rfc6604_nxdomain_in_the_other_zone_has_its_soa",
       {kCom, kNet},
       "tonet.example.com",
       "A",
       golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
tonet.example.com. IN A
;; ANSWER
tonet.example.com. 3600 IN CNAME nothing.example.net.
;; AUTHORITY
)") + soa_net +
           ";; ADDITIONAL\n"},
      {"chain_leaving_served_data_ends_with_last_cname",
       {kCom, kNet},
       "away.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
away.example.com. IN A
;; ANSWER
away.example.com. 3600 IN CNAME www.example.test.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"loop_terminates_with_both_cnames", {kCom, kNet}, "ping.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
ping.example.com. IN A
;; ANSWER
ping.example.com. 3600 IN CNAME pong.example.com.
pong.example.com. 3600 IN CNAME ping.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"chain_of_20_stops_after_16_links", {long_chain_zone()}, "c1.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
c1.example.com. IN A
;; ANSWER
c1.example.com. 3600 IN CNAME c2.example.com.
c2.example.com. 3600 IN CNAME c3.example.com.
c3.example.com. 3600 IN CNAME c4.example.com.
c4.example.com. 3600 IN CNAME c5.example.com.
c5.example.com. 3600 IN CNAME c6.example.com.
c6.example.com. 3600 IN CNAME c7.example.com.
c7.example.com. 3600 IN CNAME c8.example.com.
c8.example.com. 3600 IN CNAME c9.example.com.
c9.example.com. 3600 IN CNAME c10.example.com.
c10.example.com. 3600 IN CNAME c11.example.com.
c11.example.com. 3600 IN CNAME c12.example.com.
c12.example.com. 3600 IN CNAME c13.example.com.
c13.example.com. 3600 IN CNAME c14.example.com.
c14.example.com. 3600 IN CNAME c15.example.com.
c15.example.com. 3600 IN CNAME c16.example.com.
c16.example.com. 3600 IN CNAME c17.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"chain_of_5_from_the_middle_is_followed_to_the_end",
       {long_chain_zone()},
       "c16.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
c16.example.com. IN A
;; ANSWER
c16.example.com. 3600 IN CNAME c17.example.com.
c17.example.com. 3600 IN CNAME c18.example.com.
c18.example.com. 3600 IN CNAME c19.example.com.
c19.example.com. 3600 IN CNAME c20.example.com.
c20.example.com. 3600 IN CNAME c21.example.com.
c21.example.com. 3600 IN A 192.0.2.21
;; AUTHORITY
;; ADDITIONAL
)")},
      // RFC 6672 §2.2–3: the DNAME, a CNAME synthesized with the DNAME's TTL, then the chase.
      {"dname_synthesis", {dname_zone(), kNet}, "host.old.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
host.old.example.com. IN A
;; ANSWER
old.example.com. 600 IN DNAME new.example.com.
host.old.example.com. 600 IN CNAME host.new.example.com.
host.new.example.com. 3600 IN A 192.0.2.81
;; AUTHORITY
;; ADDITIONAL
)")},
      // A DNAME below another DNAME is occluded (RFC 6672 §2.4): the upper one
      // applies. The burst looks the substituted name up ahead of the answer
      // walk; both take the DNAME from zones::stand(), so they agree (the
      // burst once took b.old's and answered with host.b.y.example.net.'s data).
      {"dname_below_dname_is_occluded",
       {{"example.com.", R"(
old      DNAME example.net.
b.old    DNAME y.example.net.
)"},
        {"example.net.", R"(
host.b   A 203.0.113.20
host.y   A 203.0.113.66
)"}},
       "host.b.old.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
host.b.old.example.com. IN A
;; ANSWER
old.example.com. 3600 IN DNAME example.net.
host.b.old.example.com. 3600 IN CNAME host.b.example.net.
host.b.example.net. 3600 IN A 203.0.113.20
;; AUTHORITY
;; ADDITIONAL
)")},
      // RFC 6672 §2.3: a DNAME does not redirect its own owner.
      {"dname_owner_is_nodata_for_a", {dname_zone(), kNet}, "old.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
old.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"dname_at_its_owner", {dname_zone(), kNet}, "old.example.com", "DNAME", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
old.example.com. IN DNAME
;; ANSWER
old.example.com. 600 IN DNAME new.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"dname_to_missing_name_is_nxdomain",
       {dname_zone(), kNet},
       "gone.old.example.com",
       "A",
       golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
gone.old.example.com. IN A
;; ANSWER
old.example.com. 600 IN DNAME new.example.com.
gone.old.example.com. 600 IN CNAME gone.new.example.com.
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      // RFC 6672 §3.2 / RFC 1034 §4.3.2 3a: the synthesized CNAME answers a CNAME query; no
      // restart.
      {"dname_qtype_cname_stops_at_the_synthesized_cname",
       {dname_zone(), kNet},
       "host.old.example.com",
       "CNAME",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
host.old.example.com. IN CNAME
;; ANSWER
old.example.com. 600 IN DNAME new.example.com.
host.old.example.com. 600 IN CNAME host.new.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"dname_qtype_cname_to_missing_target_is_still_answered",
       {dname_zone(), kNet},
       "gone.old.example.com",
       "CNAME",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
gone.old.example.com. IN CNAME
;; ANSWER
old.example.com. 600 IN DNAME new.example.com.
gone.old.example.com. 600 IN CNAME gone.new.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      {"cname_into_dname", {dname_zone(), kNet}, "tohost.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
tohost.example.com. IN A
;; ANSWER
tohost.example.com. 3600 IN CNAME host.old.example.com.
old.example.com. 600 IN DNAME new.example.com.
host.old.example.com. 600 IN CNAME host.new.example.com.
host.new.example.com. 3600 IN A 192.0.2.81
;; AUTHORITY
;; ADDITIONAL
)")},
      {"dname_chase_continues_across_zones",
       {dname_zone(), kNet},
       "cdn.other.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
cdn.other.example.com. IN A
;; ANSWER
other.example.com. 3600 IN DNAME example.net.
cdn.other.example.com. 3600 IN CNAME cdn.example.net.
cdn.example.net. 3600 IN CNAME edge.example.net.
edge.example.net. 3600 IN A 203.0.113.10
edge.example.net. 3600 IN A 203.0.113.11
;; AUTHORITY
;; ADDITIONAL
)")},
      // RFC 6672 §2.2: a synthesized name over 255 octets is YXDOMAIN.
      {"dname_overflow_is_yxdomain",
       {dname_zone(), kNet},
       kX50 + ".long.example.com",
       "A",
       ";; YXDOMAIN qr aa rd\n;; QUESTION\n" + kX50 + ".long.example.com. IN A\n;; ANSWER\n" +
           "long.example.com. 3600 IN DNAME " + kLongTarget + "\n;; AUTHORITY\n;; ADDITIONAL\n"},
      {"dname_result_of_exactly_255_octets_is_fine",
       {dname_zone(), kNet},
       kX49 + ".long.example.com",
       "A",
       ";; NXDOMAIN qr aa rd\n;; QUESTION\n" + kX49 + ".long.example.com. IN A\n;; ANSWER\n" +
           "long.example.com. 3600 IN DNAME " + kLongTarget + "\n" + kX49 +
           ".long.example.com. 3600 IN CNAME " + kX49 + "." + kLongTarget + "\n;; AUTHORITY\n" +
           soa_com + ";; ADDITIONAL\n",
       {},
       Transport::kTcp},  // 568 octets: over TCP, so no 512-octet truncation
      {"cname_into_overflowing_dname_is_yxdomain",
       {dname_zone(), kNet},
       "toolong.example.com",
       "A",
       ";; YXDOMAIN qr aa rd\n;; QUESTION\ntoolong.example.com. IN A\n;; ANSWER\n" +
           std::string("toolong.example.com. 3600 IN CNAME ") + kX50 + ".long.example.com.\n" +
           "long.example.com. 3600 IN DNAME " + kLongTarget + "\n;; AUTHORITY\n;; ADDITIONAL\n"},
  };
}

class GoldenAliases : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenAliases, ResponseReadsAsExpected) {
  check_golden(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Contract, GoldenAliases, ::testing::ValuesIn(cases()), golden_name);

}  // namespace
}  // namespace canon::engine::testing
