// The DPDK path's frame decoder and in-place replies, on frames built byte by
// byte (tests/nic/frame_builder.hpp): what is answered here (DNS, ARP, ICMP
// echo, neighbour discovery), what goes to the kernel, what is dropped and
// why, and that every reply is a valid frame by recomputation.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "nic/checksum.hpp"
#include "nic/frame_decoder.hpp"
#include "nic/frame_layout.hpp"
#include "nic/frame_replies.hpp"
#include "nic/local_addresses.hpp"
#include "tests/nic/frame_builder.hpp"

namespace canon::nic {
namespace {

using namespace canon::nic::test;
using frame::load16;

constexpr std::uint16_t kClientPort = 40000;
constexpr std::uint16_t kVlan = 100;

// A query for example.com A (the decoder does not read it; the bytes are
// only carried).
const Bytes kQuery = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
                      0x00, 0x00, 0x07, 'e',  'x',  'a',  'm',  'p',  'l',  'e',
                      0x03, 'c',  'o',  'm',  0x00, 0x00, 0x01, 0x00, 0x01};

// Decodes from a heap copy of exactly `length` bytes, so ASan sees any read
// past the frame.
DecodedFrame decode(const Bytes& f, std::size_t length, bool verify = true,
                    const LocalAddresses& local = our_addresses()) {
  const auto copy = std::make_unique<std::uint8_t[]>(length);
  std::memcpy(copy.get(), f.data(), length);
  return decode_frame(copy.get(), length, local, verify);
}
DecodedFrame decode(const Bytes& f, bool verify = true) {
  return decode(f, f.size(), verify);
}

template <std::size_t N>
bool bytes_equal(const std::uint8_t* p, const std::array<std::uint8_t, N>& expected) {
  return std::memcmp(p, expected.data(), N) == 0;
}

bool ipv4_header_valid(const std::uint8_t* ip) {
  return checksum_fold(checksum_add(ip, frame::kIpv4)) == 0;
}

// ---------------------------------------------------------------- DNS in

TEST(DecodeDns, Ipv4QueryToOurAddressAndPort) {
  const auto d = decode(udp4({}, {}, kClientPort, 53, kQuery));
  ASSERT_EQ(d.kind, FrameKind::kDns);
  EXPECT_FALSE(d.ipv6);
  EXPECT_EQ(d.l3, kL3);
  EXPECT_EQ(d.l4, kL4v4);
  EXPECT_EQ(d.payload, kL4v4 + frame::kUdp);
  EXPECT_EQ(d.payload_length, kQuery.size());
  EXPECT_EQ(d.l4_length, frame::kUdp + kQuery.size());
}

TEST(DecodeDns, Ipv6QueryToOurAddressAndPort) {
  const auto d = decode(udp6({}, {}, kClientPort, 53, kQuery));
  ASSERT_EQ(d.kind, FrameKind::kDns);
  EXPECT_TRUE(d.ipv6);
  EXPECT_EQ(d.l3, kL3);
  EXPECT_EQ(d.l4, kL4v6);
  EXPECT_EQ(d.payload, kL4v6 + frame::kUdp);
  EXPECT_EQ(d.payload_length, kQuery.size());
  EXPECT_EQ(d.l4_length, frame::kUdp + kQuery.size());
}

TEST(DecodeDns, VlanTaggedShiftsEveryOffsetByTheTag) {
  const L2 tagged{.vlans = {kVlan}};
  const auto four = decode(udp4(tagged, {}, kClientPort, 53, kQuery));
  ASSERT_EQ(four.kind, FrameKind::kDns);
  EXPECT_EQ(four.l3, kL3 + frame::kVlanTag);
  EXPECT_EQ(four.payload, kL4v4 + frame::kVlanTag + frame::kUdp);
  EXPECT_EQ(four.payload_length, kQuery.size());

  const auto six = decode(udp6(tagged, {}, kClientPort, 53, kQuery));
  ASSERT_EQ(six.kind, FrameKind::kDns);
  EXPECT_EQ(six.l3, kL3 + frame::kVlanTag);
  EXPECT_EQ(six.payload, kL4v6 + frame::kVlanTag + frame::kUdp);
  EXPECT_EQ(six.payload_length, kQuery.size());
}

TEST(DecodeDns, DnsPortIsTheConfiguredOne) {
  LocalAddresses local = our_addresses();
  local.dns_port = 5353;
  const auto f = udp4({}, {}, kClientPort, 5353, kQuery);
  EXPECT_EQ(decode(f, f.size(), true, local).kind, FrameKind::kDns);
  const auto f53 = udp4({}, {}, kClientPort, 53, kQuery);
  EXPECT_EQ(decode(f53, f53.size(), true, local).kind, FrameKind::kException);
}

TEST(DecodeDns, BroadcastMacStillAnswered) {
  EXPECT_EQ(decode(udp4({.dst = kBroadcastMac}, {}, kClientPort, 53, kQuery)).kind,
            FrameKind::kDns);
  EXPECT_EQ(decode(udp6({.dst = kBroadcastMac}, {}, kClientPort, 53, kQuery)).kind,
            FrameKind::kDns);
}

TEST(DecodeDns, AnotherHostsMacIsDroppedAsNotForUs) {
  for (const auto& f : {udp4({.dst = kOtherMac}, {}, kClientPort, 53, kQuery),
                        udp6({.dst = kOtherMac}, {}, kClientPort, 53, kQuery),
                        arp({.dst = kOtherMac}, 1, kPeerMac, kPeer4, {}, kOur4)}) {
    const auto d = decode(f);
    EXPECT_EQ(d.kind, FrameKind::kDrop);
    EXPECT_EQ(d.drop, DropReason::kNotForUs);
  }
}

TEST(DecodeDns, AnotherIpAddressGoesToTheKernel) {
  EXPECT_EQ(decode(udp4({}, {.dst = kOther4}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);
  EXPECT_EQ(decode(udp6({}, {.dst = kOther6}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);
}

TEST(DecodeDns, AnotherUdpPortGoesToTheKernel) {
  EXPECT_EQ(decode(udp4({}, {}, kClientPort, 123, kQuery)).kind, FrameKind::kException);
  EXPECT_EQ(decode(udp6({}, {}, kClientPort, 123, kQuery)).kind, FrameKind::kException);
  // The source port is not what selects DNS.
  EXPECT_EQ(decode(udp4({}, {}, 53, kClientPort, kQuery)).kind, FrameKind::kException);
}

TEST(DecodeDns, Ipv4OptionsGoToTheKernel) {
  const auto f = udp4({}, {.options = {1, 1, 1, 0}}, kClientPort, 53, kQuery);  // NOP NOP NOP EOL
  ASSERT_EQ(f[kL3] & 0x0f, 6);
  EXPECT_EQ(decode(f).kind, FrameKind::kException);
}

TEST(DecodeDns, Ipv4FragmentsGoToTheKernel) {
  EXPECT_EQ(decode(udp4({}, {.fragment = 0x2000}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);  // MF
  EXPECT_EQ(decode(udp4({}, {.fragment = 0x0010}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);  // offset 128
  EXPECT_EQ(decode(udp4({}, {.fragment = 0x2000 | 0x1fff}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);
  // DF alone is not a fragment.
  EXPECT_EQ(decode(udp4({}, {.fragment = 0x4000}, kClientPort, 53, kQuery)).kind, FrameKind::kDns);
}

TEST(DecodeDns, Ipv6ExtensionHeaderGoesToTheKernel) {
  const auto f = udp6({}, {.hop_by_hop = true}, kClientPort, 53, kQuery);
  ASSERT_EQ(f[kL3 + 6], 0);  // next header: hop-by-hop options
  EXPECT_EQ(decode(f).kind, FrameKind::kException);
}

TEST(DecodeDns, TcpToPort53GoesToTheKernel) {
  Bytes tcp(20, 0);
  frame::store16(tcp.data(), kClientPort);
  frame::store16(tcp.data() + 2, 53);
  tcp[12] = 0x50;  // data offset 5
  tcp[13] = 0x02;  // SYN
  Bytes f4 = ethernet({}, frame::kTypeIpv4);
  put(f4, ipv4_packet({.protocol = 6}, tcp));
  EXPECT_EQ(decode(f4).kind, FrameKind::kException);
  Bytes f6 = ethernet({}, frame::kTypeIpv6);
  put(f6, ipv6_packet({.next = 6}, tcp));
  EXPECT_EQ(decode(f6).kind, FrameKind::kException);
}

TEST(DecodeDns, QinQGoesToTheKernel) {
  EXPECT_EQ(decode(udp4({.vlans = {kVlan, 200}}, {}, kClientPort, 53, kQuery)).kind,
            FrameKind::kException);
}

TEST(DecodeDns, OtherEtherTypesGoToTheKernel) {
  Bytes f = ethernet({}, 0x88cc);  // LLDP
  f.resize(60);
  EXPECT_EQ(decode(f).kind, FrameKind::kException);
}

// ---------------------------------------------------------- checksums

TEST(DecodeChecksum, BadIpv4HeaderChecksumIsDropped) {
  auto f = udp4({}, {}, kClientPort, 53, kQuery);
  f[kL3 + 11] ^= 0x01;
  for (const bool verify : {true, false}) {  // the NIC's UDP check says nothing of the IP header
    const auto d = decode(f, verify);
    EXPECT_EQ(d.kind, FrameKind::kDrop);
    EXPECT_EQ(d.drop, DropReason::kBadChecksum);
  }
}

TEST(DecodeChecksum, BadUdpChecksumDroppedOnlyWhenVerifying) {
  for (auto f : {udp4({}, {}, kClientPort, 53, kQuery), udp6({}, {}, kClientPort, 53, kQuery)}) {
    f.back() ^= 0x40;  // the last byte of the DNS message
    const auto verified = decode(f, true);
    EXPECT_EQ(verified.kind, FrameKind::kDrop);
    EXPECT_EQ(verified.drop, DropReason::kBadChecksum);
    EXPECT_EQ(decode(f, false).kind, FrameKind::kDns);  // the NIC already checked it
  }
}

TEST(DecodeChecksum, Ipv4UdpChecksumZeroMeansNone) {
  auto f = udp4({}, {}, kClientPort, 53, kQuery);
  frame::store16(f.data() + kL4v4 + 6, 0);
  EXPECT_EQ(decode(f, true).kind, FrameKind::kDns);
}

TEST(DecodeChecksum, Ipv6UdpChecksumZeroIsBad) {
  // RFC 8200 §8.1: over IPv6 the UDP checksum is mandatory (this message's
  // true checksum is not 0xffff, so a zero field cannot pass as valid).
  auto f = udp6({}, {}, kClientPort, 53, kQuery);
  ASSERT_NE(load16(f.data() + kL4v6 + 6), 0xffff);
  frame::store16(f.data() + kL4v6 + 6, 0);
  EXPECT_EQ(decode(f, true).drop, DropReason::kBadChecksum);
}

// ------------------------------------------------------ lengths and cuts

// One valid frame of every kind the decoder answers.
std::vector<std::pair<Bytes, FrameKind>> every_answered_kind() {
  return {
      {udp4({}, {}, kClientPort, 53, kQuery), FrameKind::kDns},
      {udp6({}, {}, kClientPort, 53, kQuery), FrameKind::kDns},
      {udp4({.vlans = {kVlan}}, {}, kClientPort, 53, kQuery), FrameKind::kDns},
      {udp6({.vlans = {kVlan}}, {}, kClientPort, 53, kQuery), FrameKind::kDns},
      {arp({.dst = kBroadcastMac}, 1, kPeerMac, kPeer4, {}, kOur4), FrameKind::kArpRequest},
      {icmp4({}, {}, frame::kIcmpEchoRequest, echo_body(Bytes(32, 0xab))), FrameKind::kIcmpEcho},
      {icmp6({}, {}, frame::kIcmp6EchoRequest, echo_body(Bytes(32, 0xab))), FrameKind::kIcmp6Echo},
      {icmp6({.dst = kOurSolicitedMac}, {.dst = kOurSolicited6, .hop_limit = 255},
             frame::kIcmp6NeighborSolicit, solicitation_body(kOur6)),
       FrameKind::kNeighborSolicit},
  };
}

TEST(DecodeLength, EveryCutOfAValidFrameIsDroppedAsMalformed) {
  for (const auto& [f, kind] : every_answered_kind()) {
    for (std::size_t length = 0; length < f.size(); ++length) {
      const auto d = decode(f, length);
      EXPECT_EQ(d.kind, FrameKind::kDrop)
          << "kind " << int(kind) << " cut to " << length << " of " << f.size();
      EXPECT_EQ(d.drop, DropReason::kMalformed) << "kind " << int(kind) << " cut to " << length;
    }
    EXPECT_EQ(decode(f).kind, kind);
  }
}

TEST(DecodeLength, Ipv4TotalLengthBeyondTheFrameIsMalformed) {
  auto f = udp4({}, {}, kClientPort, 53, kQuery);
  frame::store16(f.data() + kL3 + 2, static_cast<std::uint16_t>(f.size() - kL3 + 1));
  fix_ipv4_checksum(f);
  const auto d = decode(f);
  EXPECT_EQ(d.kind, FrameKind::kDrop);
  EXPECT_EQ(d.drop, DropReason::kMalformed);
}

TEST(DecodeLength, Ipv4TotalLengthShorterThanTheHeaderIsMalformed) {
  auto f = udp4({}, {}, kClientPort, 53, kQuery);
  frame::store16(f.data() + kL3 + 2, 19);
  fix_ipv4_checksum(f);
  EXPECT_EQ(decode(f).drop, DropReason::kMalformed);
}

TEST(DecodeLength, Ipv6PayloadLengthBeyondTheFrameIsMalformed) {
  auto f = udp6({}, {}, kClientPort, 53, kQuery);
  frame::store16(f.data() + kL3 + 4, static_cast<std::uint16_t>(f.size() - kL4v6 + 1));
  EXPECT_EQ(decode(f).drop, DropReason::kMalformed);
}

TEST(DecodeLength, UdpLengthBeyondTheIpPayloadIsMalformed) {
  auto f4 = udp4({}, {}, kClientPort, 53, kQuery);
  frame::store16(f4.data() + kL4v4 + 4,
                 static_cast<std::uint16_t>(frame::kUdp + kQuery.size() + 1));
  EXPECT_EQ(decode(f4).kind, FrameKind::kDrop);
  EXPECT_EQ(decode(f4).drop, DropReason::kMalformed);

  auto f6 = udp6({}, {}, kClientPort, 53, kQuery);
  frame::store16(f6.data() + kL4v6 + 4,
                 static_cast<std::uint16_t>(frame::kUdp + kQuery.size() + 1));
  EXPECT_EQ(decode(f6).drop, DropReason::kMalformed);

  auto short_udp = udp4({}, {}, kClientPort, 53, kQuery);
  frame::store16(short_udp.data() + kL4v4 + 4, 7);  // less than its own header
  EXPECT_EQ(decode(short_udp).drop, DropReason::kMalformed);
}

TEST(DecodeLength, EthernetPaddingIsNotPayload) {
  // A 4-byte message makes a 46-byte frame, padded to the 60-byte minimum.
  const Bytes tiny = {0xde, 0xad, 0xbe, 0xef};
  auto f = udp4({}, {}, kClientPort, 53, tiny);
  ASSERT_EQ(f.size(), 46u);
  f.resize(60, 0);
  const auto d = decode(f);
  ASSERT_EQ(d.kind, FrameKind::kDns);
  EXPECT_EQ(d.payload_length, tiny.size());
  EXPECT_EQ(d.l4_length, frame::kUdp + tiny.size());

  auto f6 = udp6({}, {}, kClientPort, 53, tiny);
  f6.resize(f6.size() + 4, 0);  // trailing bytes after the IPv6 payload
  EXPECT_EQ(decode(f6).payload_length, tiny.size());
}

// ---------------------------------------------------------------- ARP

TEST(Arp, RequestForOurAddressIsAnsweredInPlace) {
  for (const bool tagged : {false, true}) {
    const L2 l2{.dst = kBroadcastMac,
                .vlans = tagged ? std::vector<std::uint16_t>{kVlan} : std::vector<std::uint16_t>{}};
    auto f = arp(l2, 1, kPeerMac, kPeer4, {}, kOur4);
    const auto d = decode(f);
    ASSERT_EQ(d.kind, FrameKind::kArpRequest);
    const std::size_t l3 = kL3 + (tagged ? frame::kVlanTag : 0);
    EXPECT_EQ(d.l3, l3);

    const std::size_t n = reply_arp(f.data(), d, our_addresses());
    EXPECT_EQ(n, l3 + frame::kArp);
    EXPECT_TRUE(bytes_equal(f.data(), kPeerMac));     // Ethernet dst: the asker
    EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));  // Ethernet src: us
    if (tagged) {
      EXPECT_EQ(load16(f.data() + 14), kVlan);
    }
    EXPECT_EQ(load16(f.data() + l3 - 2), frame::kTypeArp);
    const std::uint8_t* a = f.data() + l3;
    EXPECT_EQ(load16(a), 1);  // Ethernet
    EXPECT_EQ(load16(a + 2), frame::kTypeIpv4);
    EXPECT_EQ(a[4], 6);
    EXPECT_EQ(a[5], 4);
    EXPECT_EQ(load16(a + 6), 2);  // reply
    EXPECT_TRUE(bytes_equal(a + 8, kOurMac));
    EXPECT_TRUE(bytes_equal(a + 14, kOur4));
    EXPECT_TRUE(bytes_equal(a + 18, kPeerMac));
    EXPECT_TRUE(bytes_equal(a + 24, kPeer4));
  }
}

TEST(Arp, RequestForAnotherAddressGoesToTheKernel) {
  EXPECT_EQ(decode(arp({.dst = kBroadcastMac}, 1, kPeerMac, kPeer4, {}, kOther4)).kind,
            FrameKind::kException);
}

TEST(Arp, ReplyGoesToTheKernel) {
  EXPECT_EQ(decode(arp({}, 2, kPeerMac, kPeer4, kOurMac, kOur4)).kind, FrameKind::kException);
}

TEST(Arp, NotEthernetIpv4GoesToTheKernel) {
  auto f = arp({.dst = kBroadcastMac}, 1, kPeerMac, kPeer4, {}, kOur4);
  f[kL3 + 5] = 16;  // protocol address length
  EXPECT_EQ(decode(f).kind, FrameKind::kException);
}

// ---------------------------------------------------------- ICMP echo

TEST(IcmpEcho, RequestAnsweredWithValidChecksums) {
  const Bytes data(37, 0x5a);  // odd: the checksum pads the last byte
  auto f = icmp4({}, {.ttl = 3}, frame::kIcmpEchoRequest, echo_body(data));
  const auto d = decode(f);
  ASSERT_EQ(d.kind, FrameKind::kIcmpEcho);
  EXPECT_EQ(d.l4, kL4v4);
  EXPECT_EQ(d.l4_length, 8 + data.size());

  const Bytes before(f.begin() + kL4v4 + 4, f.end());  // identifier, sequence, data
  const std::size_t n = reply_icmp_echo(f.data(), d, our_addresses());
  EXPECT_EQ(n, f.size());
  EXPECT_TRUE(bytes_equal(f.data(), kPeerMac));
  EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));
  const std::uint8_t* ip = f.data() + kL3;
  EXPECT_TRUE(bytes_equal(ip + 12, kOur4));
  EXPECT_TRUE(bytes_equal(ip + 16, kPeer4));
  EXPECT_EQ(load16(ip + 2), frame::kIpv4 + d.l4_length);
  EXPECT_EQ(ip[8], frame::kTtl);
  EXPECT_EQ(ip[9], frame::kProtoIcmp);
  EXPECT_TRUE(ipv4_header_valid(ip));
  const std::uint8_t* icmp = f.data() + kL4v4;
  EXPECT_EQ(icmp[0], frame::kIcmpEchoReply);
  EXPECT_EQ(icmp[1], 0);
  EXPECT_EQ(checksum_fold(checksum_add(icmp, d.l4_length)), 0);
  EXPECT_EQ(Bytes(f.begin() + kL4v4 + 4, f.end()), before);
}

TEST(IcmpEcho, BadChecksumDroppedAndOtherTypesToTheKernel) {
  auto bad = icmp4({}, {}, frame::kIcmpEchoRequest, echo_body(Bytes(8, 1)));
  bad.back() ^= 1;
  EXPECT_EQ(decode(bad).drop, DropReason::kBadChecksum);
  EXPECT_EQ(decode(icmp4({}, {}, frame::kIcmpEchoReply, echo_body({}))).kind,
            FrameKind::kException);
  EXPECT_EQ(decode(icmp4({}, {.dst = kOther4}, frame::kIcmpEchoRequest, echo_body({}))).kind,
            FrameKind::kException);
}

TEST(Icmp6Echo, RequestAnsweredWithValidChecksum) {
  const Bytes data(33, 0xc3);
  auto f = icmp6({.vlans = {kVlan}}, {}, frame::kIcmp6EchoRequest, echo_body(data));
  const auto d = decode(f);
  ASSERT_EQ(d.kind, FrameKind::kIcmp6Echo);
  const std::size_t l4 = kL4v6 + frame::kVlanTag;
  EXPECT_EQ(d.l4, l4);
  EXPECT_EQ(d.l4_length, 8 + data.size());

  const Bytes before(f.begin() + static_cast<std::ptrdiff_t>(l4) + 4, f.end());
  const std::size_t n = reply_icmp6_echo(f.data(), d, our_addresses());
  EXPECT_EQ(n, f.size());
  EXPECT_TRUE(bytes_equal(f.data(), kPeerMac));
  EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));
  EXPECT_EQ(load16(f.data() + 14), kVlan);
  const std::uint8_t* ip = f.data() + kL3 + frame::kVlanTag;
  EXPECT_TRUE(bytes_equal(ip + 8, kOur6));
  EXPECT_TRUE(bytes_equal(ip + 24, kPeer6));
  EXPECT_EQ(load16(ip + 4), d.l4_length);
  const std::uint8_t* icmp = f.data() + l4;
  EXPECT_EQ(icmp[0], frame::kIcmp6EchoReply);
  EXPECT_EQ(icmp[1], 0);
  EXPECT_EQ(checksum_fold(checksum_add(icmp, d.l4_length,
                                       pseudo6(kOur6, kPeer6, frame::kProtoIcmp6, d.l4_length))),
            0);
  EXPECT_EQ(Bytes(f.begin() + static_cast<std::ptrdiff_t>(l4) + 4, f.end()), before);
}

// ---------------------------------------------------- neighbour discovery

constexpr std::size_t kAdvert = 32;

Bytes solicitation(const Ipv6& ip, const Ip6& target, const Mac& dst_mac = kOurSolicitedMac) {
  return icmp6({.dst = dst_mac}, ip, frame::kIcmp6NeighborSolicit,
               solicitation_body(target, ip.src != kUnspecified6));
}

void expect_advert_checksum_valid(const std::uint8_t* ip) {
  Ip6 src;
  Ip6 dst;
  std::memcpy(src.data(), ip + 8, 16);
  std::memcpy(dst.data(), ip + 24, 16);
  EXPECT_EQ(checksum_fold(checksum_add(ip + frame::kIpv6, kAdvert,
                                       pseudo6(src, dst, frame::kProtoIcmp6, kAdvert))),
            0);
}

TEST(NeighborDiscovery, SolicitationToOurSolicitedNodeGroupIsAdvertised) {
  auto f = solicitation({.dst = kOurSolicited6, .hop_limit = 255}, kOur6);
  const auto d = decode(f);
  ASSERT_EQ(d.kind, FrameKind::kNeighborSolicit);
  EXPECT_TRUE(d.ipv6);
  EXPECT_EQ(d.l4, kL4v6);

  f.resize(2048);
  const std::size_t n = reply_neighbor_advert(f.data(), d, our_addresses());
  EXPECT_EQ(n, d.l4 + kAdvert);
  EXPECT_TRUE(bytes_equal(f.data(), kPeerMac));
  EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));
  EXPECT_EQ(load16(f.data() + 12), frame::kTypeIpv6);
  const std::uint8_t* ip = f.data() + kL3;
  EXPECT_EQ(ip[0] >> 4, 6);
  EXPECT_EQ(load16(ip + 4), kAdvert);
  EXPECT_EQ(ip[6], frame::kProtoIcmp6);
  EXPECT_EQ(ip[7], 255);
  EXPECT_TRUE(bytes_equal(ip + 8, kOur6));    // from the target address
  EXPECT_TRUE(bytes_equal(ip + 24, kPeer6));  // to the solicitor
  const std::uint8_t* na = f.data() + kL4v6;
  EXPECT_EQ(na[0], frame::kIcmp6NeighborAdvert);
  EXPECT_EQ(na[1], 0);
  EXPECT_EQ(na[4], 0x60);  // R clear, S and O set
  EXPECT_EQ(na[5] | na[6] | na[7], 0);
  EXPECT_TRUE(bytes_equal(na + 8, kOur6));
  EXPECT_EQ(na[24], 2);  // target link-layer address option
  EXPECT_EQ(na[25], 1);  // 8 bytes
  EXPECT_TRUE(bytes_equal(na + 26, kOurMac));
  expect_advert_checksum_valid(ip);
}

TEST(NeighborDiscovery, UnicastSolicitationForOurAddressIsAdvertised) {
  const auto f = solicitation({.dst = kOur6, .hop_limit = 255}, kOur6, kOurMac);
  EXPECT_EQ(decode(f).kind, FrameKind::kNeighborSolicit);
}

TEST(NeighborDiscovery, DuplicateAddressDetectionAnsweredToAllNodes) {
  auto f = solicitation({.src = kUnspecified6, .dst = kOurSolicited6, .hop_limit = 255}, kOur6);
  const auto d = decode(f);
  ASSERT_EQ(d.kind, FrameKind::kNeighborSolicit);
  ASSERT_EQ(d.l4_length, 24u);  // no source link-layer option from ::
  f.resize(d.l4 + kAdvert);     // the advert is 8 bytes longer than the solicitation
  const std::size_t n = reply_neighbor_advert(f.data(), d, our_addresses());
  EXPECT_EQ(n, d.l4 + kAdvert);
  constexpr Mac kAllNodesMac = {0x33, 0x33, 0, 0, 0, 1};
  constexpr Ip6 kAllNodes = {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  EXPECT_TRUE(bytes_equal(f.data(), kAllNodesMac));
  EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));
  const std::uint8_t* ip = f.data() + kL3;
  EXPECT_TRUE(bytes_equal(ip + 8, kOur6));
  EXPECT_TRUE(bytes_equal(ip + 24, kAllNodes));
  EXPECT_EQ(ip[7], 255);
  const std::uint8_t* na = f.data() + kL4v6;
  EXPECT_EQ(na[0], frame::kIcmp6NeighborAdvert);
  EXPECT_EQ(na[4], 0x20);  // S clear (RFC 4861 §7.2.4), O set
  EXPECT_TRUE(bytes_equal(na + 26, kOurMac));
  expect_advert_checksum_valid(ip);
}

TEST(NeighborDiscovery, HopLimitBelow255GoesToTheKernel) {
  EXPECT_EQ(decode(solicitation({.dst = kOurSolicited6, .hop_limit = 64}, kOur6)).kind,
            FrameKind::kException);
}

TEST(NeighborDiscovery, SolicitationForAnotherTargetGoesToTheKernel) {
  constexpr Ip6 kOtherSolicited6 = {0xff, 0x02, 0, 0,    0,    0,    0,    0,
                                    0,    0,    0, 0x01, 0xff, 0x00, 0x00, 0x99};
  constexpr Mac kOtherSolicitedMac = {0x33, 0x33, 0xff, 0x00, 0x00, 0x99};
  EXPECT_EQ(
      decode(solicitation({.dst = kOtherSolicited6, .hop_limit = 255}, kOther6, kOtherSolicitedMac))
          .kind,
      FrameKind::kException);
}

TEST(NeighborDiscovery, BadChecksumIsDropped) {
  auto f = solicitation({.dst = kOurSolicited6, .hop_limit = 255}, kOur6);
  f.back() ^= 1;
  EXPECT_EQ(decode(f).drop, DropReason::kBadChecksum);
}

// -------------------------------------------------------------- DNS out

struct AnswerCase {
  bool ipv6;
  bool tagged;
  TxOffload offload;
  std::size_t answer_length;
};

std::string case_name(const AnswerCase& c) {
  return std::string(c.ipv6 ? "IPv6" : "IPv4") + (c.tagged ? " tagged" : "") +
         (c.offload.udp ? " offload" : " software") + " answer " + std::to_string(c.answer_length);
}

// Writes an answer over a decoded query and checks the frame byte by byte.
Bytes answer_and_check(const AnswerCase& c, Bytes answer = {}) {
  SCOPED_TRACE(case_name(c));
  const L2 l2{.dst = kBroadcastMac,
              .vlans = c.tagged ? std::vector<std::uint16_t>{kVlan} : std::vector<std::uint16_t>{}};
  auto f = c.ipv6 ? udp6(l2, {}, kClientPort, 53, kQuery)
                  : udp4(l2, {.ttl = 9}, kClientPort, 53, kQuery);
  const auto d = decode(f);
  if (d.kind != FrameKind::kDns) {
    ADD_FAILURE() << "query not decoded as DNS";
    return {};
  }
  f.resize(2048);
  if (answer.empty()) {
    answer.resize(c.answer_length);
    for (std::size_t i = 0; i < answer.size(); ++i)
      answer[i] = static_cast<std::uint8_t>(i * 7 + 1);
  }
  std::copy(answer.begin(), answer.end(), f.begin() + d.payload);
  const std::size_t n = finish_dns_answer(f.data(), d, answer.size(), our_addresses(), c.offload);
  EXPECT_EQ(n, d.payload + answer.size());
  f.resize(n);

  EXPECT_TRUE(bytes_equal(f.data(), kPeerMac));
  EXPECT_TRUE(bytes_equal(f.data() + 6, kOurMac));
  if (c.tagged) {
    EXPECT_EQ(load16(f.data() + 12), frame::kTypeVlan);
    EXPECT_EQ(load16(f.data() + 14), kVlan);
  }
  EXPECT_EQ(load16(f.data() + d.l3 - 2), c.ipv6 ? frame::kTypeIpv6 : frame::kTypeIpv4);
  const std::uint8_t* ip = f.data() + d.l3;
  const std::uint8_t* udp = f.data() + d.l4;
  const std::size_t udp_length = frame::kUdp + answer.size();
  std::uint32_t pseudo = 0;
  if (c.ipv6) {
    EXPECT_TRUE(bytes_equal(ip + 8, kOur6));
    EXPECT_TRUE(bytes_equal(ip + 24, kPeer6));
    EXPECT_EQ(load16(ip + 4), udp_length);
    EXPECT_EQ(ip[6], frame::kProtoUdp);
    pseudo = pseudo6(kOur6, kPeer6, frame::kProtoUdp, udp_length);
  } else {
    EXPECT_TRUE(bytes_equal(ip + 12, kOur4));
    EXPECT_TRUE(bytes_equal(ip + 16, kPeer4));
    EXPECT_EQ(load16(ip + 2), frame::kIpv4 + udp_length);
    EXPECT_EQ(ip[8], frame::kTtl);
    EXPECT_EQ(ip[9], frame::kProtoUdp);
    EXPECT_EQ(load16(ip + 6) & 0x3fff, 0);  // not a fragment
    if (c.offload.ipv4_header) {
      EXPECT_EQ(load16(ip + 10), 0);  // the NIC fills it
    } else {
      EXPECT_TRUE(ipv4_header_valid(ip));
    }
    pseudo = pseudo4(kOur4, kPeer4, frame::kProtoUdp, udp_length);
  }
  EXPECT_EQ(load16(udp), 53);
  EXPECT_EQ(load16(udp + 2), kClientPort);
  EXPECT_EQ(load16(udp + 4), udp_length);
  if (c.offload.udp) {
    // The pseudo-header sum, folded and not complemented (rte_ipv4_phdr_cksum).
    std::uint32_t folded = pseudo;
    while (folded >> 16) folded = (folded & 0xffff) + (folded >> 16);
    EXPECT_EQ(load16(udp + 6), folded);
  } else {
    EXPECT_NE(load16(udp + 6), 0);
    EXPECT_EQ(checksum_fold(checksum_add(udp, udp_length, pseudo)), 0);
    // The client sees a DNS message to its port, checksum and all.
    LocalAddresses client;
    client.mac = kPeerMac;
    client.dns_port = kClientPort;
    std::string error;
    client.add(*parse_interface_address(c.ipv6 ? "2001:2::7" : "198.19.1.7", error));
    const auto back = decode(f, f.size(), true, client);
    EXPECT_EQ(back.kind, FrameKind::kDns);
    EXPECT_EQ(back.payload, d.payload);
    EXPECT_EQ(back.payload_length, answer.size());
  }
  EXPECT_EQ(Bytes(f.begin() + d.payload, f.end()), answer);
  return f;
}

TEST(FinishDnsAnswer, EveryFamilyTagAndOffloadMode) {
  for (const bool ipv6 : {false, true}) {
    for (const bool tagged : {false, true}) {
      for (const TxOffload offload : {TxOffload{false, false}, TxOffload{true, true}}) {
        for (const std::size_t length :
             {std::size_t{12}, std::size_t{300}, std::size_t{301}, std::size_t{1452}}) {
          answer_and_check({ipv6, tagged, offload, length});
        }
      }
    }
  }
}

TEST(FinishDnsAnswer, ComputedChecksumZeroIsSentAsAllOnes) {
  // Find the checksum of an answer ending in 0x0000, then put that value in
  // the last word: the sum becomes 0xffff and the checksum 0, sent as 0xffff.
  for (const bool ipv6 : {false, true}) {
    const AnswerCase c{ipv6, false, {}, 100};
    Bytes answer(100, 0x11);
    answer[98] = answer[99] = 0;
    const auto first = answer_and_check(c, answer);
    ASSERT_FALSE(first.empty());
    const std::size_t l4 = ipv6 ? kL4v6 : kL4v4;
    answer[98] = first[l4 + 6];
    answer[99] = first[l4 + 7];
    const auto second = answer_and_check(c, answer);
    ASSERT_FALSE(second.empty());
    EXPECT_EQ(load16(second.data() + l4 + 6), 0xffff);
  }
}

TEST(DnsAnswerRoom, BoundByTheBufferAndTheMtu) {
  const auto four = decode(udp4({}, {}, kClientPort, 53, kQuery));
  const auto six = decode(udp6({}, {}, kClientPort, 53, kQuery));
  const auto tagged = decode(udp4({.vlans = {kVlan}}, {}, kClientPort, 53, kQuery));
  EXPECT_EQ(dns_answer_room(four, 2048, 1500), 1472u);
  EXPECT_EQ(dns_answer_room(six, 2048, 1500), 1452u);
  EXPECT_EQ(dns_answer_room(tagged, 2048, 1500), 1472u);  // the tag is not in the MTU
  EXPECT_EQ(dns_answer_room(four, 512, 1500), 512 - four.payload);
  EXPECT_EQ(dns_answer_room(six, 512, 1500), 512 - six.payload);
  EXPECT_EQ(dns_answer_room(tagged, 512, 1500), 512 - tagged.payload);
  EXPECT_EQ(dns_answer_room(four, 2048, 9000), 2048 - four.payload);
  EXPECT_EQ(dns_answer_room(four, 10, 1500), 0u);
  EXPECT_EQ(dns_answer_room(four, four.payload, 1500), 0u);
  EXPECT_EQ(dns_answer_room(six, 2048, 48), 0u);
  EXPECT_EQ(dns_answer_room(four, 2048, 28), 0u);
}

// ------------------------------------------------------- --address text

TEST(InterfaceAddress, Ipv4AndIpv6WithAndWithoutPrefix) {
  std::string error;
  const auto four = parse_interface_address("198.18.0.2/24", error);
  ASSERT_TRUE(four) << error;
  EXPECT_FALSE(four->ipv6);
  EXPECT_TRUE(std::equal(kOur4.begin(), kOur4.end(), four->bytes.begin()));
  EXPECT_EQ(four->prefix, 24u);
  EXPECT_EQ(four->text, "198.18.0.2/24");

  const auto host4 = parse_interface_address("198.18.0.2", error);
  ASSERT_TRUE(host4) << error;
  EXPECT_EQ(host4->prefix, 32u);

  const auto six = parse_interface_address("2001:2::53/48", error);
  ASSERT_TRUE(six) << error;
  EXPECT_TRUE(six->ipv6);
  EXPECT_EQ(six->bytes, kOur6);
  EXPECT_EQ(six->prefix, 48u);

  const auto host6 = parse_interface_address("2001:2::53", error);
  ASSERT_TRUE(host6) << error;
  EXPECT_EQ(host6->prefix, 128u);

  EXPECT_EQ(parse_interface_address("198.18.0.2/32", error)->prefix, 32u);
  EXPECT_EQ(parse_interface_address("2001:2::53/128", error)->prefix, 128u);
  EXPECT_EQ(parse_interface_address("0.0.0.0/0", error)->prefix, 0u);
}

TEST(InterfaceAddress, RefusedWithAReason) {
  for (const char* bad :
       {"198.18.0.2/33", "2001:2::53/129", "198.18.0.2/x", "198.18.0.2/", "198.18.0.2/24x",
        "198.18.0.2/-1", "198.18.0.256", "2001:2::53::1", "garbage", "", "/24", "198.18.0.2 "}) {
    std::string error;
    EXPECT_FALSE(parse_interface_address(bad, error)) << bad;
    EXPECT_FALSE(error.empty()) << bad;
  }
}

TEST(LocalAddresses, TableHoldsSixteenOfEachFamily) {
  LocalAddresses local;
  std::string error;
  for (int i = 0; i < 16; ++i) {
    EXPECT_TRUE(local.add(*parse_interface_address("198.18.0." + std::to_string(i), error)));
    EXPECT_TRUE(local.add(*parse_interface_address("2001:2::" + std::to_string(i), error)));
  }
  EXPECT_FALSE(local.add(*parse_interface_address("198.18.0.99", error)));
  EXPECT_FALSE(local.add(*parse_interface_address("2001:2::99", error)));
  const Ip4 last = {198, 18, 0, 15};
  EXPECT_TRUE(local.has_ipv4(last.data()));
  EXPECT_FALSE(local.has_ipv4(kOther4.data()));
}

}  // namespace
}  // namespace canon::nic
