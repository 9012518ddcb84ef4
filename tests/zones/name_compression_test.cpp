// Names in RDATA compressed against the names a message holds
// (zones/name_compression.hpp): the longest suffix wins, letters compare
// without case, pointers in the message are followed, and only offsets a
// pointer reaches are used.
#include "zones/name_compression.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "zones/name.hpp"

namespace canon::zones {
namespace {

// "www.example.com" -> 3www7example3com0
std::vector<std::uint8_t> wire(const std::string& text) {
  std::vector<std::uint8_t> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t dot = text.find('.', start);
    if (dot == std::string::npos) dot = text.size();
    out.push_back(static_cast<std::uint8_t>(dot - start));
    out.insert(out.end(), text.begin() + static_cast<std::ptrdiff_t>(start),
               text.begin() + static_cast<std::ptrdiff_t>(dot));
    start = dot + 1;
  }
  out.push_back(0);
  return out;
}

// A message: 12-octet header, then the question name.
std::vector<std::uint8_t> message_with_question(const std::string& qname) {
  std::vector<std::uint8_t> m(12, 0);
  const auto q = wire(qname);
  m.insert(m.end(), q.begin(), q.end());
  m.insert(m.end(), {0, 1, 0, 1});
  return m;
}

std::string expanded(const std::vector<std::uint8_t>& m, std::size_t at) {
  std::uint8_t out[kMaxNameLength + 1];
  const std::size_t length = expand_name(m.data(), at, out);
  std::string text;
  for (std::size_t i = 0; out[i] != 0 && i < length; i += out[i] + 1u) {
    text.append(reinterpret_cast<const char*>(out + i + 1), out[i]);
    text.push_back('.');
  }
  return text;
}

TEST(NameCompression, SharedSuffixOfTheQuestionBecomesAPointer) {
  auto m = message_with_question("www.ExAmple.com");
  NameDictionary names;
  names.reset(true);
  const auto mail = wire("mail.example.com");
  const NameDictionary::Match match = names.match(m.data(), mail.data(), mail.size());
  EXPECT_EQ(match.prefix, 5u);      // "mail"
  EXPECT_EQ(match.target, 12 + 4);  // "ExAmple.com." in the question
  const std::size_t at = m.size();
  m.resize(at + mail.size());
  m.resize(at + write_compressed_name(m.data() + at, mail.data(), mail.size(), match));
  EXPECT_EQ(m.size() - at, 5u + 2u);
  EXPECT_EQ(expanded(m, at), "mail.ExAmple.com.") << "the client's spelling, as knotd writes it";
}

TEST(NameCompression, NothingSharedIsWrittenWhole) {
  const auto m = message_with_question("www.example.com");
  NameDictionary names;
  names.reset(true);
  const auto other = wire("mail.example.net");
  const NameDictionary::Match match = names.match(m.data(), other.data(), other.size());
  EXPECT_EQ(match.target, 0);
  EXPECT_EQ(match.prefix, other.size());
  const auto root = wire("");
  EXPECT_EQ(names.match(m.data(), root.data(), root.size()).target, 0) << "the root is one octet";
}

TEST(NameCompression, TheLongestSuffixAmongTheNamesWrittenWins) {
  // Question www.example.com; then "c.b.example.com" written at the end,
  // itself compressed ("c.b" + pointer to the question's example.com).
  auto m = message_with_question("www.example.com");
  NameDictionary names;
  names.reset(true);
  const auto cb = wire("c.b.example.com");
  const std::size_t cb_at = m.size();
  const NameDictionary::Match first = names.match(m.data(), cb.data(), cb.size());
  m.resize(cb_at + cb.size());
  m.resize(cb_at + write_compressed_name(m.data() + cb_at, cb.data(), cb.size(), first));
  names.add(cb_at, first);
  // "d.b.example.com" shares b.example.com with it (through its pointer).
  const auto db = wire("d.b.example.com");
  const NameDictionary::Match second = names.match(m.data(), db.data(), db.size());
  EXPECT_EQ(second.prefix, 2u);
  EXPECT_EQ(second.target, cb_at + 2) << "\"b\" inside the earlier name";
  // Forgotten once that name is taken back: the question's suffix only.
  names.drop_from(cb_at);
  EXPECT_EQ(names.match(m.data(), db.data(), db.size()).prefix, 4u);
}

TEST(NameCompression, OffsetsBeyondPointerReachAreNotCandidates) {
  std::vector<std::uint8_t> m(0x4000, 0);
  const auto name = wire("a.example.com");
  m.insert(m.end(), name.begin(), name.end());
  NameDictionary names;
  names.reset(false);
  names.note(0x4000);
  const auto same = wire("a.example.com");
  EXPECT_EQ(names.match(m.data(), same.data(), same.size()).target, 0);
}

TEST(NameCompression, ANotedNameIsReadThroughItsPointers) {
  // A prepared chain's last target: "t" + pointer to the question's example.com.
  auto m = message_with_question("www.example.com");
  const std::size_t at = m.size();
  m.insert(m.end(), {1, 't', 0xc0, 16});
  NameDictionary names;
  names.reset(true);
  names.note(at);
  const auto mail = wire("mail.t.example.com");
  const NameDictionary::Match match = names.match(m.data(), mail.data(), mail.size());
  EXPECT_EQ(match.prefix, 5u);
  EXPECT_EQ(match.target, at);
}

TEST(NameCompression, SuffixesAndExpansionFollowPointers) {
  auto m = message_with_question("www.example.com");
  // "x.y" + pointer to "example.com." (offset 16): x.y.example.com, 17 octets in full.
  const std::size_t at = m.size();
  m.insert(m.end(), {1, 'x', 1, 'y', 0xc0, 16});
  EXPECT_EQ(expanded(m, at), "x.y.example.com.");
  EXPECT_EQ(written_name_size(m.data(), at), 6u);
  EXPECT_EQ(name_suffix_at(m.data(), at, 17, 15), at + 2) << "y.example.com.";
  EXPECT_EQ(name_suffix_at(m.data(), at, 17, 13), 16u) << "example.com. in the question";
  EXPECT_EQ(name_suffix_at(m.data(), at, 17, 5), 24u) << "com.";
}

TEST(NameCompression, TheCompilersHintIsTakenUnlessANameHoldsMore) {
  // Question "x.ns1.example.com"; the SOA's owner is the apex, the suffix
  // "example.com." at offset 12 + 6 (the hint: 13 octets shared).
  auto m = message_with_question("x.ns1.example.com");
  const std::size_t apex = 12 + 2 + 4;
  NameDictionary names;
  names.reset(true);
  // "hostmaster.example.com": nothing holds more than the apex.
  const auto rname = wire("hostmaster.example.com");
  const NameDictionary::Match r = names.match(m.data(), rname.data(), rname.size(), 13, apex);
  EXPECT_EQ(r.prefix, 11u);
  EXPECT_EQ(r.target, apex);
  // "ns1.example.com": the question holds all of it, one label more than
  // the hint; knotd finds it too (it compares with the question).
  const auto mname = wire("ns1.example.com");
  const NameDictionary::Match n = names.match(m.data(), mname.data(), mname.size(), 13, apex);
  EXPECT_EQ(n.prefix, 0u);
  EXPECT_EQ(n.target, 12 + 2) << "\"ns1.example.com.\" inside the question";
  // A name written against the hint, then one sharing a label more with it.
  auto m2 = message_with_question("www.example.com");
  names.reset(true);
  const auto a = wire("a.sub.example.com");
  const NameDictionary::Match first = names.match(m2.data(), a.data(), a.size(), 13, 16);
  EXPECT_EQ(first.target, 16);
  const std::size_t at = m2.size();
  m2.resize(at + a.size());
  m2.resize(at + write_compressed_name(m2.data() + at, a.data(), a.size(), first));
  names.add(at, first);
  const auto b = wire("b.sub.example.com");
  const NameDictionary::Match second = names.match(m2.data(), b.data(), b.size(), 13, 16);
  EXPECT_EQ(second.prefix, 2u);
  EXPECT_EQ(second.target, at + 2) << "\"sub\" in the name written before, as knotd points";
}

TEST(NameCompression, TheSharedSuffixIsCountedInWholeLabels) {
  EXPECT_EQ(shared_suffix_octets(wire("mail.example.com").data(), wire("example.com").data()), 13);
  EXPECT_EQ(shared_suffix_octets(wire("mail.example.com").data(), wire("www.example.com").data()),
            13);
  EXPECT_EQ(shared_suffix_octets(wire("a.b.c").data(), wire("x.b.c").data()), 5);
  EXPECT_EQ(shared_suffix_octets(wire("mail.example.net").data(), wire("example.com").data()), 0);
  EXPECT_EQ(shared_suffix_octets(wire("xample.com").data(), wire("example.com").data()), 5)
      << "com. only";
}

TEST(NameCompression, OnlyTheTypesOfRfc1035Compress) {
  EXPECT_EQ(compressible_names(2).count, 1);   // NS
  EXPECT_EQ(compressible_names(5).count, 1);   // CNAME
  EXPECT_EQ(compressible_names(6).count, 2);   // SOA
  EXPECT_EQ(compressible_names(15).first, 2);  // MX: after the preference
  EXPECT_EQ(compressible_names(12).count, 1);  // PTR
  EXPECT_EQ(compressible_names(33).count, 0);  // SRV (RFC 2782)
  EXPECT_EQ(compressible_names(39).count, 0);  // DNAME (RFC 6672 §2.5)
  EXPECT_EQ(compressible_names(64).count, 0);  // SVCB (RFC 9460)
}

}  // namespace
}  // namespace canon::zones
