// Client addresses and prefixes (engine/client_address.hpp), as the policy's
// `prefixes`, RRL's `exempt` and the buckets' /24 and /56 use them.
#include <gtest/gtest.h>

#include "engine/client_address.hpp"

namespace canon::engine {
namespace {

AddressPrefix parse(const char* text) {
  std::string error;
  auto p = parse_prefix(text, error);
  if (!p) throw std::invalid_argument(error);
  return *p;
}

TEST(ClientAddress, IPv4IsMappedIntoIPv6) {
  const std::uint8_t raw[4] = {198, 18, 0, 7};
  const ClientAddress a = ClientAddress::v4(raw);
  EXPECT_TRUE(a.is_v4());
  EXPECT_EQ(a.bytes[10], 0xff);
  EXPECT_EQ(a.bytes[15], 7);
  std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8};
  EXPECT_FALSE(ClientAddress::v6(v6).is_v4());
}

TEST(AddressPrefix, ContainsByPrefixLength) {
  const std::uint8_t in[4] = {198, 18, 0, 200};
  const std::uint8_t out[4] = {198, 18, 1, 1};
  EXPECT_TRUE(parse("198.18.0.0/24").contains(ClientAddress::v4(in)));
  EXPECT_FALSE(parse("198.18.0.0/24").contains(ClientAddress::v4(out)));
  EXPECT_TRUE(parse("198.18.0.0/15").contains(ClientAddress::v4(out)));
  EXPECT_TRUE(parse("0.0.0.0/0").contains(ClientAddress::v4(out)));
  EXPECT_TRUE(parse("198.18.0.200").contains(ClientAddress::v4(in))) << "a host is /32";
  std::uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0x12, 0x34};
  EXPECT_TRUE(parse("2001:db8::/32").contains(ClientAddress::v6(v6)));
  EXPECT_TRUE(parse("2001:db8:0:1200::/56").contains(ClientAddress::v6(v6)));
  EXPECT_FALSE(parse("2001:db8:0:1200::/60").contains(ClientAddress::v6(v6)));
  EXPECT_TRUE(parse("2001:db8:0:1200::/55").contains(ClientAddress::v6(v6)));
  EXPECT_FALSE(parse("2001:db8::/32").contains(ClientAddress::v4(in))) << "families apart";
}

TEST(AddressPrefix, BadTextSaysWhy) {
  std::string error;
  EXPECT_FALSE(parse_prefix("198.18.0.1/24", error));
  EXPECT_NE(error.find("host bits"), std::string::npos) << error;
  EXPECT_FALSE(parse_prefix("198.18.0.0/33", error));
  EXPECT_NE(error.find("0..32"), std::string::npos) << error;
  EXPECT_FALSE(parse_prefix("example.com", error));
  EXPECT_FALSE(parse_prefix("198.18.0.0/", error));
}

TEST(AddressPrefix, TextRoundTrips) {
  EXPECT_EQ(prefix_text(parse("198.18.0.0/24")), "198.18.0.0/24");
  EXPECT_EQ(prefix_text(parse("2001:db8::/56")), "2001:db8::/56");
}

TEST(Masked, ClearsEveryBitAfterTheLength) {
  const std::uint8_t raw[4] = {198, 18, 0xab, 0xcd};
  const ClientAddress m = masked(ClientAddress::v4(raw), 96 + 20);
  EXPECT_EQ(m.bytes[14], 0xa0);
  EXPECT_EQ(m.bytes[15], 0);
  EXPECT_EQ(m.bytes[13], 18);
  EXPECT_EQ(masked(ClientAddress::v4(raw), 128).bytes, ClientAddress::v4(raw).bytes);
}

}  // namespace
}  // namespace canon::engine
