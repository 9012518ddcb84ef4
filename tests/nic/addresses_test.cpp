// What operators write for --listen and --cpus, parsed or refused clearly.
#include <gtest/gtest.h>

#include <arpa/inet.h>

#include "nic/cpu_affinity.hpp"
#include "nic/listen_address.hpp"

namespace canon::nic {
namespace {

TEST(ListenAddress, Ipv4AndIpv6) {
  std::string error;
  auto four = parse_listen_address("127.0.0.1:5353", error);
  ASSERT_TRUE(four) << error;
  EXPECT_EQ(four->family(), AF_INET);
  EXPECT_EQ(ntohs(reinterpret_cast<const sockaddr_in&>(four->address).sin_port), 5353);
  EXPECT_EQ(four->text, "127.0.0.1:5353");
  EXPECT_FALSE(four->is_wildcard());

  auto six = parse_listen_address("[::1]:53", error);
  ASSERT_TRUE(six) << error;
  EXPECT_EQ(six->family(), AF_INET6);
  EXPECT_EQ(six->text, "[::1]:53");

  EXPECT_TRUE(parse_listen_address("0.0.0.0:53", error)->is_wildcard());
  EXPECT_TRUE(parse_listen_address("[::]:53", error)->is_wildcard());
}

TEST(ListenAddress, RefusedWithAReason) {
  for (const char* bad : {"127.0.0.1", "127.0.0.1:0", "127.0.0.1:65536", "127.0.0.1:53x", "::1:53",
                          "[::1]53", "localhost:53", "300.1.1.1:53", ""}) {
    std::string error;
    EXPECT_FALSE(parse_listen_address(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(CpuList, SinglesAndRanges) {
  std::string error;
  EXPECT_EQ(*parse_cpu_list("1", error), (std::vector<int>{1}));
  EXPECT_EQ(*parse_cpu_list("0,2-4", error), (std::vector<int>{0, 2, 3, 4}));
  for (const char* bad : {"", "a", "3-1", "1,,2", "-1", "1-"}) {
    EXPECT_FALSE(parse_cpu_list(bad, error)) << bad;
  }
}

}  // namespace
}  // namespace canon::nic
