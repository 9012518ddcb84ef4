// Names in wire form, lookup keys and presentation text (name.hpp).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "zones/name.hpp"
#include "zones/zone_source.hpp"

namespace canon::zones {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes(std::string_view s) {
  return Bytes(s.begin(), s.end());
}

Bytes key_bytes(const LookupKey& k) {
  return Bytes(k.bytes, k.bytes + k.length);
}

LookupKey key_of_wire(const Bytes& wire) {
  LookupKey k;
  make_key(wire.data(), k);
  return k;
}

// A wire name of `labels` labels of `label_length` octets each.
Bytes wire_of_labels(unsigned labels, unsigned label_length) {
  Bytes w;
  for (unsigned i = 0; i < labels; ++i) {
    w.push_back(static_cast<std::uint8_t>(label_length));
    w.insert(w.end(), label_length, static_cast<std::uint8_t>('a' + i % 26));
  }
  w.push_back(0);
  return w;
}

TEST(MakeKey, ReversesLabelsAndLowerCases) {
  const Bytes wire = bytes(std::string_view("\3www\7Example\3COM\0", 17));
  const LookupKey k = key_of_wire(wire);
  EXPECT_EQ(key_bytes(k), bytes(std::string_view("\3com\7example\3www", 16)));
  EXPECT_EQ(k.label_count, 3u);
  EXPECT_EQ(k.length, 16u);
}

TEST(MakeKey, RootIsTheEmptyKey) {
  const LookupKey k = key_of_wire(Bytes{0});
  EXPECT_EQ(k.length, 0u);
  EXPECT_EQ(k.label_count, 0u);
  std::uint8_t out[kMaxNameLength];
  EXPECT_EQ(key_to_wire(k.view(), out), 1u);
  EXPECT_EQ(out[0], 0);
}

TEST(MakeKey, OnlyAsciiLettersAreFolded) {
  // 0xC4 ('Ä' in Latin-1) and '[' (0x5B, just after 'Z') stay as they are.
  const Bytes wire{3, 0xC4, '[', 'Q', 0};
  EXPECT_EQ(key_bytes(key_of_wire(wire)), (Bytes{3, 0xC4, '[', 'q'}));
}

TEST(KeyToWire, RoundTripsLowerCasedNames) {
  for (const Bytes& wire :
       {bytes(std::string_view("\3www\7example\3com\0", 17)), bytes(std::string_view("\1a\0", 3)),
        Bytes{2, 0, 0xff, 1, '.', 0}, wire_of_labels(3, 63), wire_of_labels(127, 1)}) {
    const LookupKey k = key_of_wire(wire);
    std::uint8_t out[kMaxNameLength];
    const std::size_t n = key_to_wire(k.view(), out);
    EXPECT_EQ(Bytes(out, out + n), wire);
    EXPECT_EQ(wire_name_length(wire), wire.size());
    EXPECT_EQ(key_label_count(k.view()), k.label_count);
  }
}

TEST(WireNameLength, AcceptsWellFormedNames) {
  EXPECT_EQ(wire_name_length(Bytes{0}), 1u);
  EXPECT_EQ(wire_name_length(bytes(std::string_view("\3www\7example\3com\0trailing", 25))), 17u);
  const Bytes longest = [] {  // 63+63+63+61 octet labels: 255 octets exactly
    Bytes w = wire_of_labels(3, 63);
    w.pop_back();
    w.push_back(61);
    w.insert(w.end(), 61, 'z');
    w.push_back(0);
    return w;
  }();
  ASSERT_EQ(longest.size(), kMaxNameLength);
  EXPECT_EQ(wire_name_length(longest), kMaxNameLength);
}

TEST(WireNameLength, RejectsWhatIsNotAName) {
  EXPECT_EQ(wire_name_length(Bytes{0xC0, 0x0C}), 0u) << "compression pointer";
  EXPECT_EQ(wire_name_length(Bytes{1, 'a', 0xC0, 0x0C}), 0u) << "pointer after a label";
  EXPECT_EQ(wire_name_length(Bytes{0x40, 'a'}), 0u) << "extended label type";
  Bytes label64{64};
  label64.insert(label64.end(), 64, 'a');
  label64.push_back(0);
  EXPECT_EQ(wire_name_length(label64), 0u) << "label over 63";
  Bytes too_long = wire_of_labels(3, 63);  // 193
  too_long.pop_back();
  too_long.push_back(62);
  too_long.insert(too_long.end(), 62, 'z');
  too_long.push_back(0);
  ASSERT_EQ(too_long.size(), kMaxNameLength + 1);
  EXPECT_EQ(wire_name_length(too_long), 0u) << "256 octets";
  EXPECT_EQ(wire_name_length(wire_of_labels(128, 1)), 0u) << "128 labels";
  EXPECT_EQ(wire_name_length(Bytes{3, 'w', 'w'}), 0u) << "overrun";
  EXPECT_EQ(wire_name_length(Bytes{3, 'w', 'w', 'w'}), 0u) << "no root label";
  EXPECT_EQ(wire_name_length(Bytes{}), 0u) << "empty";
}

TEST(TextToWire, AbsoluteAndRelativeAreTheSame) {
  std::string a, b;
  ASSERT_TRUE(text_to_wire("example.com.", a));
  ASSERT_TRUE(text_to_wire("example.com", b));
  EXPECT_EQ(a, std::string("\7example\3com\0", 13));
  EXPECT_EQ(a, b);
  ASSERT_TRUE(text_to_wire(".", a));
  EXPECT_EQ(a, std::string(1, '\0'));
}

TEST(TextToWire, Escapes) {
  std::string w;
  ASSERT_TRUE(text_to_wire("a\\.b.example.com.", w));
  EXPECT_EQ(w, std::string("\3a.b\7example\3com\0", 17));
  ASSERT_TRUE(text_to_wire("\\065bc\\000\\255.", w));
  EXPECT_EQ(w, std::string("\5Abc\0\xff\0", 7));
  ASSERT_TRUE(text_to_wire("x\\\\y\\ z.", w));
  EXPECT_EQ(w, std::string("\5x\\y z\0", 7));
}

TEST(TextToWire, RejectsMalformedNames) {
  std::string w;
  const std::string label64(64, 'x');
  for (const char* bad : {"a..b", ".a", "a\\256.", "a\\", label64.c_str()}) {
    EXPECT_FALSE(text_to_wire(bad, w)) << bad;
  }
  std::string long_name;
  for (int i = 0; i < 4; ++i) long_name += std::string(63, 'a') + ".";  // 4 × 64 + 1 = 257
  EXPECT_FALSE(text_to_wire(long_name, w));
}

TEST(WireToText, EscapesWhatPresentationCannotShow) {
  EXPECT_EQ(wire_to_text(Bytes{0}.data()), ".");
  EXPECT_EQ(wire_to_text(bytes(std::string_view("\3www\7Example\3com\0", 17)).data()),
            "www.Example.com.");
  EXPECT_EQ(wire_to_text(bytes(std::string_view("\3a.b\3com\0", 9)).data()), "a\\.b.com.");
  EXPECT_EQ(wire_to_text(Bytes{4, ' ', 0, 0xff, '\\', 0}.data()), "\\032\\000\\255\\\\.");
  EXPECT_EQ(wire_to_text(Bytes{3, '(', ';', '"', 0}.data()), "\\(\\;\\\".");
}

TEST(WireToText, TextRoundTrips) {
  for (const char* text : {"www.example.com.", "a\\.b.example.com.", "\\000\\255\\032x.",
                           "*.wild.example.", "_sip._tcp.example.com."}) {
    std::string wire;
    ASSERT_TRUE(text_to_wire(text, wire)) << text;
    EXPECT_EQ(wire_to_text(reinterpret_cast<const std::uint8_t*>(wire.data())), text);
  }
}

TEST(KeyHelpers, AncestryAndParents) {
  const auto key = [](std::string_view text) {
    std::string wire;
    EXPECT_TRUE(text_to_wire(text, wire));
    return key_of_wire(bytes(wire));
  };
  const LookupKey com = key("com."), example = key("example.com."), www = key("www.example.com."),
                  other = key("examples.com.");
  EXPECT_TRUE(key_is_below_or_at(www.view(), example.view()));
  EXPECT_TRUE(key_is_below_or_at(example.view(), example.view()));
  EXPECT_FALSE(key_is_below_or_at(example.view(), www.view()));
  EXPECT_FALSE(key_is_below_or_at(other.view(), example.view())) << "a longer label is not a child";
  EXPECT_EQ(key_parent_length(www.view()), example.length);
  EXPECT_EQ(key_parent_length(com.view()), 0u);
  EXPECT_EQ(key_label_count(www.view()), 3u);
  EXPECT_EQ(key_to_text(www.view()), "www.example.com.");
  EXPECT_EQ(key_to_text(std::span<const std::uint8_t>{}), ".");
}

TEST(ZoneSourceSpec, ParsesOriginEqualsFile) {
  std::string error;
  const auto ok = parse_zone_source("example.com=/etc/canon/example.zone", error);
  ASSERT_TRUE(ok.has_value()) << error;
  EXPECT_EQ(ok->origin, "example.com.");
  EXPECT_EQ(ok->file, "/etc/canon/example.zone");
  for (const char* bad : {"example.com", "=file", "example.com=", "a..b=file"}) {
    error.clear();
    EXPECT_FALSE(parse_zone_source(bad, error).has_value()) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
  // open(2) would cut the name at the NUL and load example.zone.
  error.clear();
  EXPECT_FALSE(parse_zone_source(std::string_view("example.com=example.zone\0.tmp", 28), error).has_value());
  EXPECT_EQ(error, "a zone's ORIGIN=FILE holds a NUL byte");
}

}  // namespace
}  // namespace canon::zones
