// $GENERATE: the expansion itself (expand_generate) and through a zone file.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "tests/zones/zone_fixture.hpp"
#include "zones/generate.hpp"
#include "zones/rr_type.hpp"

namespace canon::zones {
namespace {

using testing::compile_zone;
using testing::describe;
using testing::find_node;
using testing::findings_of;
using testing::rdatas;
using testing::with_apex;
using testing::ZoneDir;

struct Expansion {
  bool ok = false;
  std::vector<std::string> lines;
  std::string error;
};

Expansion expand(std::string_view args) {
  Expansion e;
  // Each emitted line is one record; compare them without the line end and
  // without trailing blanks (where a comment was cut off).
  e.ok = expand_generate(
      args,
      [&](std::string_view line) {
        const auto end = line.find_last_not_of(" \t\n");
        e.lines.emplace_back(line.substr(0, end == std::string_view::npos ? 0 : end + 1));
      },
      e.error);
  return e;
}

struct GenerateCase {
  std::string args;
  std::vector<std::string> lines;
};

void PrintTo(const GenerateCase& c, std::ostream* out) {
  *out << "$GENERATE " << c.args;
}

class GenerateTable : public ::testing::TestWithParam<GenerateCase> {};

TEST_P(GenerateTable, Expands) {
  const GenerateCase& c = GetParam();
  const Expansion e = expand(c.args);
  ASSERT_TRUE(e.ok) << e.error;
  EXPECT_EQ(e.lines, c.lines);
}

INSTANTIATE_TEST_SUITE_P(
    Generate, GenerateTable,
    ::testing::Values(
        GenerateCase{"1-3 host$ A 192.0.2.$",
                     {"host1 A 192.0.2.1", "host2 A 192.0.2.2", "host3 A 192.0.2.3"}},
        GenerateCase{"0-10/5 ${100,3,x} CNAME h$",
                     {"064 CNAME h0", "069 CNAME h5", "06e CNAME h10"}},
        GenerateCase{"8-9 o${0,3,o} TXT ${0,0,d}", {"o010 TXT 8", "o011 TXT 9"}},
        GenerateCase{"250-251 x$ TXT ${0,2,X}/${0,4,x}", {"x250 TXT FA/00fa", "x251 TXT FB/00fb"}},
        GenerateCase{"0-6/2 s$ A 192.0.2.$",
                     {"s0 A 192.0.2.0", "s2 A 192.0.2.2", "s4 A 192.0.2.4", "s6 A 192.0.2.6"}},
        // An escape is passed on whole, for libzscanner to read (as BIND does).
        GenerateCase{"1-1 t$ TXT cost$$-and-\\$", {"t1 TXT cost$-and-\\$"}},
        GenerateCase{"1-1 d\\$x$ TXT \"a\\$b$\"", {"d\\$x1 TXT \"a\\$b1\""}},
        GenerateCase{"1-1 d\\\\$ TXT bs", {"d\\\\1 TXT bs"}},
        // Nibbles (n, N), each expansion as named-compilezone 9.18 prints it;
        // the width counts characters, dots included.
        GenerateCase{"0-2 ${0,3,n} PTR h$", {"0.0 PTR h0", "1.0 PTR h1", "2.0 PTR h2"}},
        GenerateCase{"254-257 ${0,3,N} PTR h$",
                     {"E.F PTR h254", "F.F PTR h255", "0.0.1 PTR h256", "1.0.1 PTR h257"}},
        GenerateCase{"4660-4660 n${0,0,n}/${0,6,n}/${0,1,N} TXT w",
                     {"n4.3.2.1/4.3.2.1/4.3.2.1 TXT w"}},
        GenerateCase{"0-0 a${0,4,n} TXT w", {"a0.0. TXT w"}},
        GenerateCase{"0-0 b${0,5,n} TXT w", {"b0.0.0 TXT w"}},
        GenerateCase{"171-171 f${0,7,n}.x TXT w", {"fb.a.0.0.x TXT w"}},
        GenerateCase{"255-255 n${0,0,n} TXT w", {"nf.f TXT w"}},
        // Below zero, bases other than d print BIND's 32-bit iterator unsigned.
        GenerateCase{"1-1 g${-3,3,n} TXT w", {"ge.f.f.f.f.f.f.f TXT w"}},
        GenerateCase{"1-1 b${-3,0,x} TXT ${-3}", {"bfffffffe TXT -2"}},
        GenerateCase{"5-6 ${-4} A 192.0.2.$ ; comment dropped", {"1 A 192.0.2.5", "2 A 192.0.2.6"}},
        GenerateCase{"2-2 a$ 300 IN A 192.0.2.${10}", {"a2 300 IN A 192.0.2.12"}}));

TEST(Generate, MalformedLinesAreRefusedWithAReason) {
  for (const char* args :
       {"", "1-3", "1-3 host$", "3-1 h$ A 192.0.2.$", "a-b h$ A 192.0.2.$", "1-3/0 h$ A 192.0.2.$",
        "13 h$ A 192.0.2.$", "1-2 h${1,2,q} A 192.0.2.$", "1-2 h${1 A 192.0.2.$",
        "-1-3 h$ A 192.0.2.$", "0-10000000 h$ A 192.0.2.1"}) {
    SCOPED_TRACE(args);
    const Expansion e = expand(args);
    EXPECT_FALSE(e.ok);
    EXPECT_FALSE(e.error.empty());
  }
}

TEST(Generate, RangeAtTheTopOfTheIntegersStops) {
  // The iterator must not overflow past STOP and wrap around: two records, then done.
  std::vector<std::string> lines;
  std::string error;
  const auto emit = [&](std::string_view line) {
    lines.emplace_back(line);
    if (lines.size() > 4) throw std::runtime_error("$GENERATE did not stop");
  };
  bool ok = false;
  EXPECT_NO_THROW(
      ok = expand_generate("9223372036854775804-9223372036854775807/2 h A 192.0.2.1", emit, error));
  if (ok) {
    EXPECT_EQ(lines.size(), 2u);
  } else {
    EXPECT_FALSE(error.empty());  // refusing such a range is fine too
  }
}

// ---- through the loader ---------------------------------------------------------

TEST(GenerateInZone, RecordsExistWithTheirRdata) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("$GENERATE 1-3 host$ A 192.0.2.$\n"
                                                 "$GENERATE 0-6/2 even$ AAAA 2001:db8::${0,2,x}\n"
                                                 "$GENERATE 10-11 h${0,3,d} CNAME host${-9}\n"
                                                 "$GENERATE 250-251 x$ TXT \"${0,2,X}\"\n"
                                                 "$GENERATE 8-8 oct${0,3,o} TXT \"cost$$\"\n"
                                                 "after A 192.0.2.200\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  for (int i = 1; i <= 3; ++i) {
    const Node* n = find_node(s, "host" + std::to_string(i) + ".example.com.");
    ASSERT_NE(n, nullptr) << i;
    EXPECT_EQ(rdatas(s, *s.rrset(*n, rr::A)),
              (std::vector<std::vector<std::uint8_t>>{{192, 0, 2, static_cast<std::uint8_t>(i)}}));
  }
  EXPECT_EQ(find_node(s, "host4.example.com."), nullptr);
  EXPECT_NE(find_node(s, "even0.example.com."), nullptr);
  EXPECT_NE(find_node(s, "even6.example.com."), nullptr);
  EXPECT_EQ(find_node(s, "even1.example.com."), nullptr);
  const Node* h10 = find_node(s, "h010.example.com.");
  ASSERT_NE(h10, nullptr);
  EXPECT_TRUE(h10->has(kCname));
  EXPECT_EQ(testing::chain_of(s, "h010.example.com.")->end, ChainEnd::kNode);  // → host1
  const Node* fa = find_node(s, "x250.example.com.");
  ASSERT_NE(fa, nullptr);
  EXPECT_EQ(rdatas(s, *s.rrset(*fa, rr::TXT)),
            (std::vector<std::vector<std::uint8_t>>{{2, 'F', 'A'}}));
  const Node* oct = find_node(s, "oct010.example.com.");
  ASSERT_NE(oct, nullptr);
  EXPECT_EQ(rdatas(s, *s.rrset(*oct, rr::TXT)),
            (std::vector<std::vector<std::uint8_t>>{{5, 'c', 'o', 's', 't', '$'}}));
  EXPECT_NE(find_node(s, "after.example.com."), nullptr);
}

TEST(GenerateInZone, NibblesAndEscapedDollars) {
  // Names as named-compilezone 9.18 expands the same lines.
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("$GENERATE 0-17 ${0,3,n}.rev PTR host$\n"
                                                 "$GENERATE 1-2 \\$pay$ TXT \"\\$$\"\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Snapshot& s = *r.snapshot;
  for (const char* name : {"0.0.rev.example.com.", "f.0.rev.example.com.", "0.1.rev.example.com.",
                           "1.1.rev.example.com."}) {
    EXPECT_NE(find_node(s, name), nullptr) << name;
  }
  EXPECT_EQ(find_node(s, "2.1.rev.example.com."), nullptr);
  const Node* pay = find_node(s, "\\$pay2.example.com.");
  ASSERT_NE(pay, nullptr);
  EXPECT_EQ(rdatas(s, *s.rrset(*pay, rr::TXT)),
            (std::vector<std::vector<std::uint8_t>>{{2, '$', '2'}}));
}

TEST(GenerateInZone, SemicolonInsideAQuotedStringIsNotAComment) {
  // DKIM and SPF texts are full of semicolons.
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("$GENERATE 1-2 s$._domainkey TXT \"v=DKIM1; k=rsa\" ; keys\n"));
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Node* s1 = find_node(*r.snapshot, "s1._domainkey.example.com.");
  ASSERT_NE(s1, nullptr);
  const std::string text = "v=DKIM1; k=rsa";
  std::vector<std::uint8_t> want{static_cast<std::uint8_t>(text.size())};
  want.insert(want.end(), text.begin(), text.end());
  EXPECT_EQ(rdatas(*r.snapshot, *r.snapshot->rrset(*s1, rr::TXT)),
            (std::vector<std::vector<std::uint8_t>>{want}));
}

TEST(GenerateInZone, MalformedRangeIsASyntaxErrorAtItsLine) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       with_apex("a A 192.0.2.1\n"
                                                 "$GENERATE 9-1 h$ A 192.0.2.$\n"  // 6
                                                 "b A 192.0.2.2\n"
                                                 "b A 192.0.2.2\n"));  // 8
  const auto syntax = findings_of(r, CheckId::kSyntax);
  ASSERT_EQ(syntax.size(), 1u) << describe(r.findings);
  EXPECT_EQ(syntax[0]->file, dir.file("example.com.zone"));
  EXPECT_EQ(syntax[0]->line, 6u);
  EXPECT_EQ(r.snapshot, nullptr);
  // The rest of the file was still read and checked.
  const auto dups = findings_of(r, CheckId::kDuplicateRecord);
  ASSERT_EQ(dups.size(), 1u) << describe(r.findings);
  EXPECT_EQ(dups[0]->line, 8u);
}

TEST(GenerateInZone, FindingsOnGeneratedRecordsNameTheGenerateLine) {
  ZoneDir dir;
  const CompileResult r =
      compile_zone(dir, "example.com.",
                   with_apex("h1 A 192.0.2.1\n"
                             "$GENERATE 1-2 h$ CNAME elsewhere\n"     // 6
                             "$GENERATE 1-1 bad$ A 192.0.2.99$\n"));  // 7: 192.0.2.991
  const auto other = findings_of(r, CheckId::kCnameAndOther);
  ASSERT_EQ(other.size(), 1u) << describe(r.findings);
  EXPECT_EQ(other[0]->owner, "h1.example.com.");
  EXPECT_EQ(other[0]->line, 6u);
  const auto syntax = findings_of(r, CheckId::kSyntax);
  ASSERT_EQ(syntax.size(), 1u) << describe(r.findings);
  EXPECT_EQ(syntax[0]->line, 7u);
}

TEST(GenerateInZone, TtlAndOriginCarryAcrossTheDirective) {
  ZoneDir dir;
  const CompileResult r = compile_zone(dir, "example.com.",
                                       "$TTL 3600\n"
                                       "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
                                       "@ NS ns1\n"
                                       "ns1 A 192.0.2.53\n"
                                       "$TTL 60\n"
                                       "$ORIGIN gen.example.com.\n"
                                       "$GENERATE 1-2 g$ A 192.0.2.$\n"
                                       "after A 192.0.2.9\n");
  ASSERT_NE(r.snapshot, nullptr) << describe(r.findings);
  const Node* g1 = find_node(*r.snapshot, "g1.gen.example.com.");
  ASSERT_NE(g1, nullptr);
  EXPECT_EQ(r.snapshot->rrset(*g1, rr::A)->ttl, 60u);
  const Node* after = find_node(*r.snapshot, "after.gen.example.com.");
  ASSERT_NE(after, nullptr);
  EXPECT_EQ(r.snapshot->rrset(*after, rr::A)->ttl, 60u);
}

}  // namespace
}  // namespace canon::zones
