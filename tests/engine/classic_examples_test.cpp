// The textbook alias examples (the seed documents, RFC 1034 §3.6.2 and
// RFC 6672 §2.3), literally, answered by the engine.
#include <gtest/gtest.h>

#include "tests/engine/engine_fixture.hpp"

namespace canon::engine::testing {
namespace {

// "bar.example.com. CNAME foo.example.com. / foo.example.com. A 192.0.2.23"
const ZoneText kBarFoo{"example.com.", R"(
bar.example.com. CNAME foo.example.com.
foo.example.com. A     192.0.2.23
)"};

TEST(ClassicCname, ALookupForTheAliasRestartsAtTheCanonicalName) {
  Server server(compile_zones({kBarFoo}));
  EXPECT_EQ(server.ask("bar.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN A
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
foo.example.com. 3600 IN A 192.0.2.23
;; AUTHORITY
;; ADDITIONAL
)"));
}

TEST(ClassicCname, AskedForTheCnameItselfTheAliasIsReturnedUnchased) {
  Server server(compile_zones({kBarFoo}));
  EXPECT_EQ(server.ask("bar.example.com", "CNAME"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN CNAME
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
;; AUTHORITY
;; ADDITIONAL
)"));
}

TEST(ClassicCname, TheCanonicalNameAnswersForItself) {
  Server server(compile_zones({kBarFoo}));
  EXPECT_EQ(server.ask("foo.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
foo.example.com. IN A
;; ANSWER
foo.example.com. 3600 IN A 192.0.2.23
;; AUTHORITY
;; ADDITIONAL
)"));
}

// "foo CNAME bar / bar CNAME foo": the loop is served (a warning, not an
// error) and the chase stops once the loop closes.
TEST(ClassicCname, ALoopOfTwoTerminatesFromEitherEnd) {
  Server server(compile_zones({{"example.com.", "foo CNAME bar\nbar CNAME foo\n"}}));
  EXPECT_EQ(server.ask("foo.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
foo.example.com. IN A
;; ANSWER
foo.example.com. 3600 IN CNAME bar.example.com.
bar.example.com. 3600 IN CNAME foo.example.com.
;; AUTHORITY
;; ADDITIONAL
)"));
  EXPECT_EQ(server.ask("bar.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
bar.example.com. IN A
;; ANSWER
bar.example.com. 3600 IN CNAME foo.example.com.
foo.example.com. 3600 IN CNAME bar.example.com.
;; AUTHORITY
;; ADDITIONAL
)"));
}

// RFC 6672 §2.3's example: foo.example.com DNAME bar.example.com, with
// xyzzy.bar and a wildcard below bar.
const ZoneText kDname{"example.com.", R"(
foo.example.com.       DNAME bar.example.com.
xyzzy.bar.example.com. A     192.0.2.101
*.bar.example.com.     A     192.0.2.102
)"};

TEST(ClassicDname, TheOwnerItselfIsNotRedirected) {
  Server server(compile_zones({kDname}));
  EXPECT_EQ(server.ask("foo.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
foo.example.com. IN A
;; ANSWER
;; AUTHORITY
)") + soa_line("example.com.", 300) + ";; ADDITIONAL\n");
}

TEST(ClassicDname, ANameBelowIsMappedToTheTarget) {
  Server server(compile_zones({kDname}));
  EXPECT_EQ(server.ask("xyzzy.foo.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
xyzzy.foo.example.com. IN A
;; ANSWER
foo.example.com. 3600 IN DNAME bar.example.com.
xyzzy.foo.example.com. 3600 IN CNAME xyzzy.bar.example.com.
xyzzy.bar.example.com. 3600 IN A 192.0.2.101
;; AUTHORITY
;; ADDITIONAL
)"));
}

TEST(ClassicDname, AMappedNameIsAnsweredByTheWildcard) {
  Server server(compile_zones({kDname}));
  EXPECT_EQ(server.ask("fnord.foo.example.com", "A"), golden(R"(
;; NOERROR qr aa rd
;; QUESTION
fnord.foo.example.com. IN A
;; ANSWER
foo.example.com. 3600 IN DNAME bar.example.com.
fnord.foo.example.com. 3600 IN CNAME fnord.bar.example.com.
fnord.bar.example.com. 3600 IN A 192.0.2.102
;; AUTHORITY
;; ADDITIONAL
)"));
}

}  // namespace
}  // namespace canon::engine::testing
