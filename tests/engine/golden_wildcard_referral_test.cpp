// Golden answers for wildcards (RFC 4592) and zone cuts (RFC 1034 §4.3.2:
// referrals with glue, AA clear; DS answered by the parent side, RFC 4035
// §3.1.4.1), including a child zone served next to its parent.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

const ZoneText kWild{"example.com.", R"(
*.users     A     192.0.2.90
sub.users   TXT   "exists"
x.ent.users A     192.0.2.91
*.apps      CNAME web
web         A     192.0.2.80
)"};

// RFC 4592 §4.9: "*.sub" exists only as the empty non-terminal above
// host.*.sub, yet it is a wildcard and covers other.sub: NODATA, not NXDOMAIN.
const ZoneText kWildEnt{"example.com.", R"(
host.*.sub  A     192.0.2.1
tosub       CNAME other.sub
)"};

// DS digest 0123456789abcdef ×4; dns_text prints DS in RFC 3597 form.
const std::string kDigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

const ZoneText kCut{"example.com.", R"(
lab      NS    ns.lab
lab      NS    ns.example.net.
lab      DS    12345 13 2 )" + kDigest + R"(
ns.lab   A     192.0.2.100
nods     NS    ns.example.net.
tolab    CNAME host.lab
sub      NS    ns1.sub
sub      DS    54321 13 2 )" + kDigest + R"(
ns1.sub  A     192.0.2.53
)"};

// The child of the "sub" cut, served by the same engine.
const ZoneText kSub{"sub.example.com.", "www A 192.0.2.2\n"};

// The referral to lab.example.com. as every query at or below the cut gets it.
const std::string kLabReferral = golden(R"(
;; AUTHORITY
lab.example.com. 3600 IN NS ns.lab.example.com.
lab.example.com. 3600 IN NS ns.example.net.
;; ADDITIONAL
ns.lab.example.com. 3600 IN A 192.0.2.100
)");

std::vector<GoldenCase> cases() {
  const std::string soa_com = soa_line("example.com.", 300);
  const std::vector<ZoneText> cut{kCut, kSub};
  return {
      {"wildcard_answer_is_owned_by_the_query_name",
       {kWild},
       "alice.users.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
alice.users.example.com. IN A
;; ANSWER
alice.users.example.com. 3600 IN A 192.0.2.90
;; AUTHORITY
;; ADDITIONAL
)")},
      {"wildcard_covers_several_labels", {kWild}, "a.b.users.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
a.b.users.example.com. IN A
;; ANSWER
a.b.users.example.com. 3600 IN A 192.0.2.90
;; AUTHORITY
;; ADDITIONAL
)")},
      {"wildcard_name_itself", {kWild}, "*.users.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
*.users.example.com. IN A
;; ANSWER
*.users.example.com. 3600 IN A 192.0.2.90
;; AUTHORITY
;; ADDITIONAL
)")},
      {"wildcard_without_the_type_is_nodata", {kWild}, "alice.users.example.com", "MX", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
alice.users.example.com. IN MX
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"wildcard_cname_is_chased", {kWild}, "x.apps.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
x.apps.example.com. IN A
;; ANSWER
x.apps.example.com. 3600 IN CNAME web.example.com.
web.example.com. 3600 IN A 192.0.2.80
;; AUTHORITY
;; ADDITIONAL
)")},
      {"wildcard_cname_for_qtype_cname", {kWild}, "x.apps.example.com", "CNAME", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
x.apps.example.com. IN CNAME
;; ANSWER
x.apps.example.com. 3600 IN CNAME web.example.com.
;; AUTHORITY
;; ADDITIONAL
)")},
      // RFC 4592 §2.2: a name that exists is never wildcard-matched.
      {"existing_name_is_not_wildcard_matched", {kWild}, "sub.users.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
sub.users.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"empty_non_terminal_is_not_wildcard_matched",
       {kWild},
       "ent.users.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
ent.users.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"wildcard_that_is_an_empty_non_terminal_is_nodata",
       {kWildEnt},
       "other.sub.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
other.sub.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"wildcard_empty_non_terminal_covers_several_labels",
       {kWildEnt},
       "a.b.sub.example.com",
       "TXT",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
a.b.sub.example.com. IN TXT
;; ANSWER
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"cname_to_an_empty_non_terminal_wildcard_is_nodata",
       {kWildEnt},
       "tosub.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
tosub.example.com. IN A
;; ANSWER
tosub.example.com. 3600 IN CNAME other.sub.example.com.
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"below_an_empty_non_terminal_wildcard_the_data_answers",
       {kWildEnt},
       "host.*.sub.example.com",
       "A",
       golden(R"(
;; NOERROR qr aa rd
;; QUESTION
host.*.sub.example.com. IN A
;; ANSWER
host.*.sub.example.com. 3600 IN A 192.0.2.1
;; AUTHORITY
;; ADDITIONAL
)")},
      // The closest encloser is sub.users, which has no wildcard child.
      {"below_an_existing_name_no_wildcard_applies",
       {kWild},
       "y.sub.users.example.com",
       "A",
       golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
y.sub.users.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_com +
           ";; ADDITIONAL\n"},
      {"referral_below_the_cut", cut, "host.lab.example.com", "A", golden(R"(
;; NOERROR qr rd
;; QUESTION
host.lab.example.com. IN A
;; ANSWER
)") + kLabReferral},
      {"referral_at_the_cut", cut, "lab.example.com", "A", golden(R"(
;; NOERROR qr rd
;; QUESTION
lab.example.com. IN A
;; ANSWER
)") + kLabReferral},
      {"ns_at_the_cut_is_a_referral", cut, "lab.example.com", "NS", golden(R"(
;; NOERROR qr rd
;; QUESTION
lab.example.com. IN NS
;; ANSWER
)") + kLabReferral},
      {"glue_name_is_a_referral", cut, "ns.lab.example.com", "A", golden(R"(
;; NOERROR qr rd
;; QUESTION
ns.lab.example.com. IN A
;; ANSWER
)") + kLabReferral},
      {"ds_at_the_cut_is_answered_by_the_parent", cut, "lab.example.com", "DS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
lab.example.com. IN DS
;; ANSWER
lab.example.com. 3600 IN DS \# 36 30390d02)") + kDigest + "\n;; AUTHORITY\n;; ADDITIONAL\n"},
      {"ds_at_a_cut_without_ds_is_nodata", cut, "nods.example.com", "DS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
nods.example.com. IN DS
;; ANSWER
;; AUTHORITY
)") + soa_com + ";; ADDITIONAL\n"},
      {"cname_into_a_delegation_ends_with_the_referral", cut, "tolab.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
tolab.example.com. IN A
;; ANSWER
tolab.example.com. 3600 IN CNAME host.lab.example.com.
)") + kLabReferral},
      {"served_child_answers_below_its_apex", cut, "www.sub.example.com", "A", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
www.sub.example.com. IN A
;; ANSWER
www.sub.example.com. 3600 IN A 192.0.2.2
;; AUTHORITY
;; ADDITIONAL
)")},
      {"served_child_ds_comes_from_the_parent", cut, "sub.example.com", "DS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
sub.example.com. IN DS
;; ANSWER
sub.example.com. 3600 IN DS \# 36 d4310d02)") + kDigest + "\n;; AUTHORITY\n;; ADDITIONAL\n"},
      {"served_child_ns_comes_from_the_child", cut, "sub.example.com", "NS", golden(R"(
;; NOERROR qr aa rd
;; QUESTION
sub.example.com. IN NS
;; ANSWER
sub.example.com. 3600 IN NS ns1.sub.example.com.
;; AUTHORITY
;; ADDITIONAL
ns1.sub.example.com. 3600 IN A 192.0.2.53
)")},
      {"served_child_nxdomain_has_the_child_soa", cut, "nothing.sub.example.com", "A", golden(R"(
;; NXDOMAIN qr aa rd
;; QUESTION
nothing.sub.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_line("sub.example.com.", 300) + ";; ADDITIONAL\n"},
  };
}

class GoldenWildcardReferral : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(GoldenWildcardReferral, ResponseReadsAsExpected) {
  check_golden(GetParam());
}

INSTANTIATE_TEST_SUITE_P(Contract, GoldenWildcardReferral, ::testing::ValuesIn(cases()),
                         golden_name);

}  // namespace
}  // namespace canon::engine::testing
